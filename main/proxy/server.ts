// The listening socket: accepts client connections and gives each its relay. Loopback
// by default (DESIGN.md: secure by default); a forward proxy on another address is an
// open proxy, and the CLI says so.

import net from 'node:net';
import type { CaptureSink } from '../capture/writer';
import type { AnalyzerListener } from '../session/connection';
import type { ConnectionAnalyzer } from '../session/connection';
import { type Origin } from './forward-gate';
import { Recorder, monotonicClock, type Clock } from './recorder';
import { TcpLeg } from './leg';
import { ConnectionRelay, type Interception, type RelayContext } from './relay';
import { StallWatcher, type StallListener } from './stalls';
import type { Rule } from '../../shared/rules';

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
  listener?: AnalyzerListener & Partial<StallListener> & { connectionClosed?(connection: ConnectionAnalyzer): void };
  clock?: Clock;
  /** HTTPS interception of CONNECT (forward mode); opaque tunnels without it. */
  intercept?: (server: ProxyServer) => Interception;
  /** Fault and rewrite rules, read when each connection opens (and per message after). */
  rules?: () => readonly Rule[];
}

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

export class ProxyServer {
  /** The recorder given when none is provided (the CLI's). */
  readonly recorder: Recorder;
  private readonly recorderFor: () => Recorder;
  private readonly server: net.Server;
  private readonly relays = new Set<ConnectionRelay>();
  private readonly stalls: StallWatcher;
  private readonly intercept: Interception | undefined;
  private closing = false;

  constructor(private readonly options: ProxyOptions) {
    const clock = options.clock ?? monotonicClock();
    const listener = options.listener ?? {};
    this.recorder = new Recorder(options.capture, clock, { keepChunks: options.keepChunks, listener, stallSeconds: options.stallSeconds });
    this.recorderFor = options.recorder ?? (() => this.recorder);
    this.intercept = options.reverse ? undefined : options.intercept?.(this);
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) => this.accept(socket));
    this.stalls = new StallWatcher(() => this.relays, clock, {
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
        this.recorder.session({
          type: 'session',
          version: 1,
          startedAt: new Date().toISOString(),
          tool: 'chunkscope 0.1.0',
          mode: this.options.reverse ? 'reverse' : 'forward',
          listen: `${host}:${address.port}`,
          reverse: this.options.reverse ? `${this.options.reverse.host}:${this.options.reverse.port}` : null,
          stallSeconds: this.options.stallSeconds,
        });
        this.stalls.start();
        resolve({ host: address.address, port: address.port, url: `http://${host}:${address.port}` });
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const relay = new ConnectionRelay((handlers) => TcpLeg.accept(socket, handlers), this.relayContext(this.recorderFor()));
    this.relays.add(relay);
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
      closed: (done) => {
        this.relays.delete(done);
        this.options.listener?.connectionClosed?.(done.analyzer);
      },
      ...overrides,
    };
  }

  /** Track a relay made elsewhere (an intercepted session's), so close() ends it too. */
  adopt(relay: ConnectionRelay): void {
    this.relays.add(relay);
  }

  /** Stop accepting, record what is still open as open, and let go of every socket. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stalls.stop();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const relay of this.relays) relay.shutdown();
    this.recorder.end();
    await stopped;
  }
}
