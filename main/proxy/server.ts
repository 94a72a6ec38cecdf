// The listening socket: accepts client connections and gives each its relay. Loopback
// by default (DESIGN.md: secure by default); a forward proxy on another address is an
// open proxy, and the CLI says so.

import net from 'node:net';
import type { ClientTag } from '../capture/format';
import type { CaptureSink } from '../capture/writer';
import type { AnalyzerListener } from '../analysis/analyzer-options';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { originKey, type Origin } from './forward-gate';
import { Recorder, monotonicClock, type Clock } from '../analysis/recorder';
import { TcpLeg, type LegHandlers } from './leg';
import { endpointKey, isLocalHost } from './local-addresses';
import { ConnectionRelay, type Interception, type RelayContext } from './relay';
import { StallWatcher, type StallListener } from './stalls';
import type { Rule } from '../../shared/rules';
import { Stepping } from '../rules/stepping';

export interface ProxyOptions {
  host: string;
  port: number;
  /** Reverse mode: relay every connection to this origin. Forward mode when null. */
  reverse: Origin | null;
  capture: CaptureSink | null;
  /** Where each new connection is recorded (the app switches sessions); default: one recorder on `capture`. */
  recorder?: () => Recorder;
  /** Seconds without a byte before a message in progress is reported as stalled. */
  stallSeconds: number;
  /** Keep every chunk record of live connections (the UI does); counts only otherwise. */
  keepChunks: boolean;
  /** Keep each ended exchange's span for the lanes the app draws (default); the CLI keeps none. */
  keepSpans?: boolean;
  /** Pack requests waiting for their responses by the thousand (the CLI: it reads them once answered). */
  packWaiting?: boolean;
  listener?: AnalyzerListener & Partial<StallListener> & { connectionClosed?(connection: ConnectionAnalyzer): void };
  clock?: Clock;
  /** HTTPS interception of CONNECT (forward mode); opaque tunnels without it. */
  intercept?: (server: ProxyServer) => Interception;
  /** Fault and rewrite rules, read when each connection opens (and per message after). */
  rules?: () => readonly Rule[];
  /** Breakpoints: where held messages are listed and stepped, with their timeout (default: a Stepping of its own). */
  stepping?: Stepping;
  /**
   * `serve`: the port of its UI (on loopback). Requests through the proxy to it are
   * Chunkscope's own UI traffic: relayed, so the UI works through the proxy, but never
   * recorded (the UI's updates, the bridge's token). Forward mode.
   */
  uiPort?: () => number | null;
  /** Every connection to this proxy comes from one launched client (`chunkscope run`'s own proxy). */
  launched?: ClientTag | null;
}

/** A proxy port of one launched client (main/clients): its connections are tagged with it. */
export interface ClientPort {
  port: number;
  url: string;
  /** Stop accepting; connections already made go on until they end. */
  close(): Promise<void>;
}

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

/** The proxy would relay to itself: refused at start, with the sentence to show. */
export class ProxyLoopError extends Error {}

export class ProxyServer {
  /** The recorder given when none is provided (the CLI's). */
  readonly recorder: Recorder;
  private readonly recorderFor: () => Recorder;
  private readonly server: net.Server;
  private readonly relays = new Set<ConnectionRelay>();
  private readonly stalls: StallWatcher;
  private readonly intercept: Interception | undefined;
  private closing = false;
  private listening: ListeningAddress | null = null;
  /**
   * The local ends (address:port) of the proxy's own upstream TCP connections, with the
   * target each was opened for: a client connection from one of them is the proxy's own
   * request come back (a loop through a name of this machine that isSelf did not know).
   */
  private readonly upstreamEnds = new Map<string, string>();
  /** Listeners of launched clients, by port. */
  private readonly clientPorts = new Map<number, net.Server>();
  /** Messages held at breakpoints, and their steps. */
  readonly stepping: Stepping;

  constructor(private readonly options: ProxyOptions) {
    const clock = options.clock ?? monotonicClock();
    const listener = options.listener ?? {};
    this.recorder = new Recorder(options.capture, clock, { keepChunks: options.keepChunks, keepSpans: options.keepSpans, packWaiting: options.packWaiting, listener, stallSeconds: options.stallSeconds });
    this.recorderFor = options.recorder ?? (() => this.recorder);
    this.stepping = options.stepping ?? new Stepping();
    this.intercept = options.reverse ? undefined : options.intercept?.(this);
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) => this.accept(socket));
    // Connections that are not recorded (the UI's own, through this proxy) have no stalls to report.
    const live = function* (relays: Set<ConnectionRelay>) {
      for (const relay of relays) if (relay.recorded) yield relay;
    };
    this.stalls = new StallWatcher(() => live(this.relays), clock, {
      stalled: (stall) => listener.stalled?.(stall),
      resumed: (stall) => listener.resumed?.(stall),
    });
  }

  get connectionCount(): number {
    return this.relays.size;
  }

  listen(): Promise<ListeningAddress> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.server.off('error', reject);
        const address = this.server.address() as net.AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.listening = { host: address.address, port: address.port, url: `http://${host}:${address.port}` };
        const reverse = this.options.reverse;
        if (reverse && this.isSelf(reverse)) {
          this.server.close();
          reject(new ProxyLoopError(`--reverse http://${originKey(reverse)} is this proxy itself (listening on ${host}:${address.port}): every connection would come back to it, in a loop. Give the origin's own address.`));
          return;
        }
        this.recorder.session({
          type: 'session',
          version: 1,
          startedAt: new Date().toISOString(),
          tool: 'chunkscope 0.1.0',
          mode: reverse ? 'reverse' : 'forward',
          listen: `${host}:${address.port}`,
          reverse: reverse ? `${reverse.host}:${reverse.port}` : null,
          stallSeconds: this.options.stallSeconds,
        });
        resolve(this.listening);
      });
    });
  }

  /** Whether a request for `origin` would reach this proxy: its port (or a client's), on any name of this machine. */
  isSelf(origin: Origin): boolean {
    return this.listening !== null && (origin.port === this.listening.port || this.clientPorts.has(origin.port)) && isLocalHost(origin.host);
  }

  /**
   * A port of its own for one launched client, on the proxy's address: every connection
   * made to it is this proxy's, recorded with a `client` event naming the client. Not one
   * byte differs from the main port; only the port tells the clients apart. `onConnection`
   * hears the number of each connection recorded from it (a probe maps its scenarios so).
   */
  listenForClient(launched: ClientTag, onConnection?: (connection: number) => void): Promise<ClientPort> {
    if (!this.listening || this.closing) return Promise.reject(new Error('the proxy is not listening'));
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) => this.accept(socket, launched, onConnection));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.listening!.host, port: 0 }, () => {
        server.off('error', reject);
        // An accept that fails (out of file descriptors) costs that connection, never the process.
        server.on('error', () => undefined);
        const { port } = server.address() as net.AddressInfo;
        this.clientPorts.set(port, server);
        const host = this.listening!.url.slice('http://'.length).replace(/:\d+$/, '');
        resolve({
          port,
          url: `http://${host}:${port}`,
          close: () => {
            this.clientPorts.delete(port);
            return new Promise((done) => server.close(() => done()));
          },
        });
      });
    });
  }

  /** Whether a request for `origin` goes to `serve`'s own UI. */
  private isOwnUi(origin: Origin): boolean {
    const port = this.options.uiPort?.();
    return port !== undefined && port !== null && origin.port === port && isLocalHost(origin.host);
  }

  private accept(socket: net.Socket, launched: ClientTag | null = this.options.launched ?? null, onConnection?: (connection: number) => void): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (!isLocalHost(socket.remoteAddress ?? '')) return this.admit(socket, launched, onConnection);
    // Maybe our own connection, come back. Its 'connect' (which records its local end) runs
    // in the same turn of the event loop as this accept, in either order (TCP: the
    // connecting side is ready no later than the accepting side): look after it.
    socket.on('error', () => undefined); // until the relay listens
    setImmediate(() => {
      if (this.closing || socket.destroyed) return void socket.destroy();
      this.admit(socket, launched, onConnection);
    });
  }

  private admit(socket: net.Socket, launched: ClientTag | null, onConnection?: (connection: number) => void): void {
    const target = this.upstreamEnds.get(endpointKey(socket.remoteAddress, socket.remotePort));
    const looped =
      target === undefined
        ? undefined
        : `Chunkscope did not relay this request: this connection is Chunkscope's own connection to ${target}, come back to it, so ${target} is this proxy itself (listening on ${originKey({ host: this.listening!.host, port: this.listening!.port })}) and relaying would loop. Send the request to the origin's own address.`;
    const relay = new ConnectionRelay((handlers) => TcpLeg.accept(socket, handlers), this.relayContext(this.recorderFor(), { launched, ...(looped ? { looped } : {}) }));
    this.relays.add(relay);
    this.stalls.watching(true);
    if (onConnection && relay.recorded) onConnection(relay.analyzer.number);
  }

  /** Connect to an origin over TCP, keeping the local end while the connection lives. */
  private connectUpstream(origin: Origin, handlers: LegHandlers): TcpLeg {
    let end: string | null = null;
    const leg = TcpLeg.connect(origin, {
      ...handlers,
      connect: () => {
        end = endpointKey(leg.socket.localAddress, leg.socket.localPort);
        this.upstreamEnds.set(end, originKey(origin));
        handlers.connect?.();
      },
      close: () => {
        if (end !== null) this.upstreamEnds.delete(end);
        handlers.close();
      },
    });
    return leg;
  }

  /** The context of a relay; interception uses it for the relays of decrypted sessions. */
  relayContext(recorder: Recorder, overrides: Partial<RelayContext> = {}): RelayContext {
    return {
      recorder,
      activity: (analyzer, stream) => this.stalls.activity(analyzer, stream),
      mode: this.options.reverse ? 'reverse' : 'forward',
      reverse: this.options.reverse,
      intercept: this.intercept,
      rules: this.options.rules,
      stepping: this.stepping,
      connect: (origin, handlers) => this.connectUpstream(origin, handlers),
      gate: { isSelf: (origin) => this.isSelf(origin), listening: () => (this.listening ? originKey(this.listening) : '') },
      isOwnUi: this.options.uiPort ? (origin) => this.isOwnUi(origin) : undefined,
      closed: (done) => {
        this.relays.delete(done);
        this.stalls.watching(this.relays.size > 0);
        this.options.listener?.connectionClosed?.(done.analyzer);
      },
      ...overrides,
    };
  }

  /** Track a relay made elsewhere (an intercepted session's), so close() ends it too. */
  adopt(relay: ConnectionRelay): void {
    this.relays.add(relay);
    this.stalls.watching(true);
  }

  /** Stop accepting, record what is still open as open, and let go of every socket. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stalls.stop();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const server of this.clientPorts.values()) server.close();
    this.clientPorts.clear();
    for (const relay of this.relays) relay.shutdown();
    this.recorder.end();
    await stopped;
  }
}
