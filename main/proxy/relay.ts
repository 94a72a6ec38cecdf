// One client connection and its upstream connection: every read is forwarded as it
// arrives, unchanged (DESIGN.md principle 1), and recorded with its time. Ends are
// mirrored: a FIN from one side becomes a FIN to the other once every byte is through
// (half-closes included), an RST becomes an RST, and a slow reader slows the other
// side's reads instead of growing a queue.

import net from 'node:net';
import type { ConnectionAnalyzer } from '../session/connection';
import { CONNECT_ESTABLISHED, connectFailure, generatedResponse } from './generated';
import { ForwardGate, originKey, type GateCommand, type Origin } from './forward-gate';
import { ReadBuffers } from './read-buffers';
import type { Recorder } from './recorder';

export interface RelayContext {
  recorder: Recorder;
  /** Bytes moved on a stream, or the connection ended (prompt stall resumption). */
  activity(analyzer: ConnectionAnalyzer, stream?: 0 | 1): void;
  mode: 'forward' | 'reverse';
  /** Reverse mode: where every connection goes. */
  reverse: Origin | null;
  closed(relay: ConnectionRelay): void;
}

/** How long an RST waits for relayed bytes to reach the kernel before it is sent anyway. */
const RESET_FLUSH_MS = 2000;
/** Bytes queued for an upstream that is still connecting before the client is paused. */
const CONNECT_QUEUE = 1024 * 1024;

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function address(socket: net.Socket, remote = true): string {
  const host = remote ? socket.remoteAddress : socket.localAddress;
  const port = remote ? socket.remotePort : socket.localPort;
  if (!host) return 'unknown';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Pause a socket for as long as any reason holds it. */
class Flow {
  private readonly reasons = new Set<string>();
  constructor(private readonly socket: net.Socket) {}
  hold(reason: string): void {
    if (this.reasons.size === 0) this.socket.pause();
    this.reasons.add(reason);
  }
  release(reason: string): void {
    if (this.reasons.delete(reason) && this.reasons.size === 0 && !this.socket.destroyed) this.socket.resume();
  }
}

export class ConnectionRelay {
  readonly analyzer: ConnectionAnalyzer;
  private readonly recorder: Recorder;
  private readonly clientFlow: Flow;
  private upstream: net.Socket | null = null;
  private upstreamFlow: Flow | null = null;
  private upstreamOrigin: string | null = null;
  private connecting = false;
  private connected = false;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private readonly gate: ForwardGate | null;
  private clientFinReceived = false;
  private upstreamFinSent = false;
  private clientFinSent = false;
  private upstreamGone = false;
  private clientGone = false;
  private failure: string | null = null;
  private finished = false;
  /** Commands waiting for the current origin to finish answering before a switch. */
  private deferred: GateCommand[] = [];

  constructor(
    private readonly client: net.Socket,
    private readonly context: RelayContext,
  ) {
    this.recorder = context.recorder;
    this.analyzer = this.recorder.open(address(client), context.mode);
    this.clientFlow = new Flow(client);
    this.gate = context.mode === 'forward' ? new ForwardGate() : null;
    client.setNoDelay(true);
    client.on('data', (bytes: Buffer) => this.fromClient(bytes));
    client.on('end', () => this.clientEnded());
    client.on('error', (error) => this.clientError(error));
    client.on('close', () => this.clientClosed());
    if (context.reverse) this.connect(context.reverse, null);
  }

  // ---- client to origin ---------------------------------------------------------

  private fromClient(bytes: Buffer): void {
    const time = this.recorder.clock();
    const base = this.analyzer.streamBytes(0);
    if (!this.gate) {
      // Reverse mode: forward first, then record: the read goes on without waiting.
      this.toUpstream([bytes]);
      this.recorder.data(this.analyzer, 0, bytes, time);
      this.context.activity(this.analyzer, 0);
      if (this.failure && this.analyzer.messages('request').length > 0) this.answer(502, this.failure);
    } else {
      const events = this.recorder.data(this.analyzer, 0, bytes, time);
      this.context.activity(this.analyzer, 0);
      for (const command of this.gate.push(bytes, base, events)) {
        if (this.deferred.length > 0 || this.needsSwitch(command)) this.defer(command);
        else this.execute(command);
      }
    }
    this.watchCapture();
  }

  /** A request for another origin while this one still owes responses must wait. */
  private needsSwitch(command: GateCommand): boolean {
    return command.kind === 'send' && this.upstreamOrigin !== null && this.upstreamOrigin !== originKey(command.origin) && this.analyzer.outstanding() > 1;
  }

  private defer(command: GateCommand): void {
    this.deferred.push(command);
    this.clientFlow.hold('switching-origin');
  }

  /** Once the current origin has answered everything asked of it, go on. */
  private resumeDeferred(): void {
    if (this.deferred.length === 0) return;
    // Requests still owed by the current origin: all outstanding but the deferred ones.
    const deferredRequests = this.deferred.filter((c) => c.kind === 'send').length;
    if (this.analyzer.outstanding() - deferredRequests > 0) return;
    const commands = this.deferred;
    this.deferred = [];
    this.clientFlow.release('switching-origin');
    for (const command of commands) this.execute(command);
  }

  private execute(command: GateCommand): void {
    switch (command.kind) {
      case 'pass':
        this.toUpstream(command.bytes);
        break;
      case 'send': {
        if (command.rewrite) {
          this.recorder.event(this.analyzer, { type: 'rewrite', connection: this.analyzer.number, time: this.recorder.clock(), stream: 0, ...command.rewrite });
        }
        const key = originKey(command.origin);
        if (this.upstreamOrigin !== key) {
          // A new origin for this client connection: the old upstream connection ends.
          if (this.upstream && !this.upstreamFinSent) this.endUpstream();
          this.connect(command.origin, null);
        }
        this.toUpstream(command.bytes);
        break;
      }
      case 'tunnel':
        this.connect(command.origin, command.target);
        break;
      case 'reject':
        if (this.connected && command.status === 400) this.toUpstream(command.held); // let the origin judge it
        else this.answer(command.status, command.reason);
        break;
    }
  }

  private toUpstream(chunks: Uint8Array[]): void {
    if (!this.upstream || this.upstreamFinSent) return; // nowhere to go: the connection is ending
    if (!this.connected) {
      for (const chunk of chunks) {
        this.queued.push(chunk);
        this.queuedBytes += chunk.length;
      }
      if (this.queuedBytes > CONNECT_QUEUE) this.clientFlow.hold('connecting');
      return;
    }
    for (const chunk of chunks) {
      if (chunk.length > 0 && !this.upstream.write(chunk)) {
        this.clientFlow.hold('upstream-drain');
        this.upstream.once('drain', () => this.clientFlow.release('upstream-drain'));
      }
    }
  }

  private connect(origin: Origin, tunnelTarget: string | null): void {
    const target = originKey(origin);
    const reads = new ReadBuffers();
    const socket: net.Socket = net.connect({
      host: origin.host,
      port: origin.port,
      allowHalfOpen: true,
      onread: {
        buffer: reads.next,
        callback: (n: number) => {
          const bytes = reads.took(n);
          if (socket === this.upstream) this.fromUpstream(bytes);
          return true;
        },
      },
    });
    this.upstream = socket;
    this.upstreamFlow = new Flow(socket);
    this.upstreamOrigin = target;
    this.connecting = true;
    this.connected = false;
    this.upstreamFinSent = false;
    this.upstreamGone = false;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (socket !== this.upstream) return;
      this.connecting = false;
      this.connected = true;
      this.recorder.event(this.analyzer, { type: 'upstream', connection: this.analyzer.number, time: this.recorder.clock(), upstream: address(socket), target });
      if (tunnelTarget !== null) {
        this.recorder.event(this.analyzer, { type: 'tunnel', connection: this.analyzer.number, time: this.recorder.clock(), target: tunnelTarget, intercepted: false });
        this.generated(CONNECT_ESTABLISHED);
      }
      const queued = this.queued;
      this.queued = [];
      this.queuedBytes = 0;
      this.clientFlow.release('connecting');
      this.toUpstream(queued);
      if (this.clientFinReceived) this.endUpstream();
    });
    socket.on('end', () => {
      if (socket === this.upstream) this.upstreamEnded();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.upstreamError(socket, error, target));
    socket.on('close', () => {
      if (socket === this.upstream) {
        this.upstreamGone = true;
        this.maybeFinished();
      }
    });
  }

  // ---- origin to client -----------------------------------------------------------

  private fromUpstream(bytes: Buffer): void {
    const time = this.recorder.clock();
    this.toClient(bytes);
    this.recorder.data(this.analyzer, 1, bytes, time);
    this.context.activity(this.analyzer, 1);
    this.resumeDeferred();
    this.watchCapture();
  }

  private toClient(bytes: Uint8Array): void {
    if (this.clientGone || this.clientFinSent) return;
    if (!this.client.write(bytes) && this.upstreamFlow) {
      const flow = this.upstreamFlow;
      flow.hold('client-drain');
      this.client.once('drain', () => flow.release('client-drain'));
    }
  }

  /** Bytes Chunkscope itself sends the client (a 502, a CONNECT's 200). */
  private generated(bytes: Buffer): void {
    this.toClient(bytes);
    this.recorder.data(this.analyzer, 1, bytes, this.recorder.clock(), true);
  }

  /** Answer the client ourselves and close: the origin could not be reached or asked. */
  private answer(status: number, reason: string): void {
    if (this.clientFinSent || this.clientGone) return;
    this.generated(generatedResponse(status, reason));
    this.endClient();
    if (this.upstream && !this.upstreamFinSent && this.connected) this.endUpstream();
  }

  // ---- ends -------------------------------------------------------------------------

  private clientEnded(): void {
    this.clientFinReceived = true;
    this.recorder.close(this.analyzer, 'client', 'fin', 'peer');
    if (this.connected) this.endUpstream();
    else if (!this.connecting) {
      // Nothing upstream to tell (no request, or it was answered here): end our side too.
      this.endClient();
    }
    this.maybeFinished();
  }

  private upstreamEnded(): void {
    this.recorder.close(this.analyzer, 'upstream', 'fin', 'peer');
    this.endClient();
  }

  private endUpstream(): void {
    if (!this.upstream || this.upstreamFinSent) return;
    this.upstreamFinSent = true;
    this.upstream.end();
    this.recorder.close(this.analyzer, 'upstream', 'fin', 'proxy');
  }

  private endClient(): void {
    if (this.clientFinSent || this.clientGone) return;
    this.clientFinSent = true;
    this.client.end();
    this.recorder.close(this.analyzer, 'client', 'fin', 'proxy');
  }

  private clientError(error: NodeJS.ErrnoException): void {
    if (this.clientGone) return;
    const kind = RESET_CODES.has(error.code ?? '') ? 'rst' : 'error';
    this.recorder.close(this.analyzer, 'client', kind, 'peer', kind === 'error' ? `${error.code ?? ''} ${error.message}`.trim() : null);
    this.clientGone = true;
    this.client.destroy();
    if (this.upstream && !this.upstreamGone) this.reset(this.upstream, 'upstream');
  }

  private upstreamError(socket: net.Socket, error: NodeJS.ErrnoException, target: string): void {
    if (socket !== this.upstream || this.upstreamGone) return;
    this.upstreamGone = true;
    if (!this.connected) {
      // Could not connect: say why, in words, as a 502 made here.
      const reason = connectFailure(error);
      this.recorder.event(this.analyzer, { type: 'upstream-failed', connection: this.analyzer.number, time: this.recorder.clock(), target, reason, code: error.code ?? null });
      this.connecting = false;
      this.upstream = null;
      this.failure = `Chunkscope could not connect to ${target}: ${reason}.`;
      // A 502 answers a request: in reverse mode, wait for the client's first one.
      if (this.context.mode === 'forward' || this.analyzer.messages('request').length > 0) this.answer(502, this.failure);
      else if (this.clientFinReceived) this.endClient();
      this.maybeFinished();
      return;
    }
    const kind = RESET_CODES.has(error.code ?? '') ? 'rst' : 'error';
    this.recorder.close(this.analyzer, 'upstream', kind, 'peer', kind === 'error' ? `${error.code ?? ''} ${error.message}`.trim() : null);
    socket.destroy();
    if (!this.clientGone) this.reset(this.client, 'client');
  }

  /** Mirror a reset: once the bytes relayed so far are handed to the kernel, send an RST. */
  private reset(socket: net.Socket, side: 'client' | 'upstream'): void {
    const send = () => {
      if (socket.destroyed) return;
      this.recorder.close(this.analyzer, side, 'rst', 'proxy');
      socket.resetAndDestroy();
      if (side === 'client') this.clientGone = true;
      else this.upstreamGone = true;
      this.maybeFinished();
    };
    if (socket.writableLength === 0 || socket.connecting) return send();
    const timer = setTimeout(send, RESET_FLUSH_MS);
    socket.once('drain', () => {
      clearTimeout(timer);
      send();
    });
  }

  private clientClosed(): void {
    this.clientGone = true;
    if (this.upstream && !this.upstreamGone && !this.upstreamFinSent && !this.connected) this.upstream.destroy();
    this.maybeFinished();
  }

  private maybeFinished(): void {
    if (this.finished) return;
    const upstreamDone = !this.upstream || this.upstreamGone;
    if (!this.clientGone || !upstreamDone) return;
    this.finished = true;
    this.recorder.retire(this.analyzer);
    this.context.activity(this.analyzer);
    this.context.closed(this);
  }

  /** Pause both sides while the capture file catches up (memory stays flat). */
  private watchCapture(): void {
    if (!this.recorder.busy) return;
    this.clientFlow.hold('capture');
    this.upstreamFlow?.hold('capture');
    const flows = [this.clientFlow, this.upstreamFlow];
    this.recorder.onDrain(() => flows.forEach((f) => f?.release('capture')));
  }

  /** The proxy is shutting down: record what is still open and let go of both sockets. */
  shutdown(): void {
    if (this.finished) return;
    if (!this.clientGone) this.recorder.close(this.analyzer, 'client', 'open', 'peer');
    if (this.upstream && !this.upstreamGone) this.recorder.close(this.analyzer, 'upstream', 'open', 'peer');
    this.client.destroy();
    this.upstream?.destroy();
  }
}
