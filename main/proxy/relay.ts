// One client connection and its upstream connection: every read is forwarded as it
// arrives, unchanged (DESIGN.md principle 1), and recorded with its time. Ends are
// mirrored: a FIN from one side becomes a FIN to the other once every byte is through
// (half-closes included; on TLS a close_notify stays a close_notify and its absence
// stays absent), an RST becomes an RST, and a slow reader slows the other side's reads
// instead of growing a queue. The sides are legs (leg.ts): plain TCP or TLS.

import type net from 'node:net';
import type { AccountStall } from '../../shared/account';
import type { ClientTag, CloseKind } from '../capture/format';
import type { ConnectionAnalyzer } from '../session/connection';
import { CONNECT_ESTABLISHED, connectFailure, generatedResponse } from './generated';
import { ForwardGate, originKey, type GateCommand, type GateOptions, type Origin } from './forward-gate';
import { TcpLeg, type Connect, type Leg, type LegHandlers, type PeerEnd } from './leg';
import { OwnTraffic, type Verdict } from './own-traffic';
import type { Recorder } from './recorder';
import type { Rule } from '../../shared/rules';
import type { Op } from '../rules/ops';
import { Pump, PUMP_HIGH_WATER } from '../rules/pump';
import { RequestRewriter } from '../rules/request';
import { ResponseRewriter } from '../rules/response';

/** What a CONNECT hands over to HTTPS interception. */
export interface Handover {
  outer: ConnectionRelay;
  recorder: Recorder;
  socket: net.Socket;
  origin: Origin;
  target: string;
}

export interface Interception {
  /** Whether CONNECT to this target is intercepted (else: an opaque tunnel). */
  wants(target: string): boolean;
  /** Take the client's socket; returns where the client's early bytes go. */
  take(handover: Handover): (bytes: Uint8Array) => void;
}

export interface RelayContext {
  recorder: Recorder;
  /** Bytes moved on a stream, or the connection ended (prompt stall resumption). */
  activity(analyzer: ConnectionAnalyzer, stream?: 0 | 1): void;
  mode: 'forward' | 'reverse';
  /** Reverse mode: where every connection goes. */
  reverse: Origin | null;
  /** How to reach an origin (default: plain TCP). */
  connect?: Connect;
  intercept?: Interception;
  /**
   * Fault and rewrite rules (main/rules). A connection opened while at least one is
   * enabled gets rewriters, and its capture records both sides (streams 2 and 3);
   * without rules the relay is byte-exact and records the client's side only.
   */
  rules?: () => readonly Rule[];
  /** Forward mode: what the gate needs to refuse a request to the proxy itself. */
  gate?: GateOptions;
  /**
   * This connection is the proxy's own, come back to it (a loop): nothing is relayed;
   * each request is answered with this sentence.
   */
  looped?: string;
  /** `serve`: whether an origin is Chunkscope's own UI, whose traffic is relayed but never recorded. */
  isOwnUi?: (origin: Origin) => boolean;
  /** The client Chunkscope launched on this connection (a per-client port, main/clients): recorded as a `client` event. */
  launched?: ClientTag | null;
  closed(relay: ConnectionRelay): void;
}

/** The rewriters of a connection opened with rules. */
interface Rewriting {
  request: RequestRewriter;
  response: ResponseRewriter;
  pump: Pump;
}

/** How long an RST waits for relayed bytes to reach the kernel before it is sent anyway. */
const RESET_FLUSH_MS = 2000;
/** Bytes queued for an upstream that is still connecting before the client is paused. */
const CONNECT_QUEUE = 1024 * 1024;

/** Pause a leg for as long as any reason holds it. */
class Flow {
  private readonly reasons = new Set<string>();
  constructor(private readonly leg: Leg) {}
  hold(reason: string): void {
    if (this.reasons.size === 0) this.leg.pause();
    this.reasons.add(reason);
  }
  release(reason: string): void {
    if (this.reasons.delete(reason) && this.reasons.size === 0 && !this.leg.destroyed) this.leg.resume();
  }
}

export class ConnectionRelay {
  readonly analyzer: ConnectionAnalyzer;
  private readonly recorder: Recorder;
  private readonly client: Leg;
  private readonly clientFlow: Flow;
  private upstream: Leg | null = null;
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
  private failureStatus = 502;
  private finished = false;
  /** Commands waiting for the current origin to finish answering before a switch. */
  private deferred: GateCommand[] = [];
  /** After an intercepted CONNECT: where the client's early tunnel bytes go. */
  private handedOver: ((bytes: Uint8Array) => void) | null = null;
  private rewriting: Rewriting | null = null;
  /** Forward mode in `serve`: tells Chunkscope's own UI traffic from the rest (own-traffic.ts). */
  private readonly ownTraffic: OwnTraffic | null;
  /** Reads from the client are dropped: the connection is closing before a request it will send again. */
  private discarding = false;
  /** Once every request sent is answered: close (the connection changes sides). */
  private afterAnswers: (() => void) | null = null;

  constructor(
    client: (handlers: LegHandlers) => Leg,
    private readonly context: RelayContext,
  ) {
    this.recorder = context.recorder;
    this.gate = context.mode === 'forward' ? new ForwardGate(context.gate) : null;
    this.client = client({
      data: (bytes) => this.fromClient(bytes),
      end: (how) => this.clientEnded(how),
      error: (kind, detail) => this.clientError(kind, detail),
      close: () => this.clientClosed(),
    });
    this.ownTraffic = this.gate && context.isOwnUi ? new OwnTraffic(context.isOwnUi) : null;
    // Recorded from its first record on, so that Chunkscope's own UI traffic never is.
    this.analyzer = this.recorder.open(this.client.address, context.mode, this.ownTraffic !== null, context.launched ?? null);
    this.clientFlow = new Flow(this.client);
    if (context.rules?.().some((r) => r.enabled)) this.rewriting = this.rewriters(context.rules);
    if (context.looped) {
      this.failure = context.looped;
      this.failureStatus = 508;
    } else if (context.reverse) this.connect(context.reverse, null);
  }

  // ---- client to origin ---------------------------------------------------------

  /** The launched client this connection came from, if any (its decrypted session carries it too). */
  get launched(): ClientTag | null {
    return this.context.launched ?? null;
  }

  get recorded(): boolean {
    return this.recorder.recorded(this.analyzer);
  }

  private fromClient(bytes: Buffer): void {
    const time = this.recorder.clock();
    if (this.discarding) return;
    if (this.ownTraffic && this.gate!.betweenRequests) {
      const verdict = this.ownTraffic.push(bytes, time);
      if (verdict === null) return; // held until the request's target can be read
      this.relayHeld(verdict);
      return;
    }
    this.relayRead(bytes, time);
  }

  /** The reads held at a request's start, once it is known whose traffic it is (own-traffic.ts). */
  private relayHeld(verdict: Verdict): void {
    const reads = this.ownTraffic?.take() ?? [];
    if (reads.length === 0) return;
    if (this.ownTraffic!.step(verdict, () => this.recorder.unrecord(this.analyzer)) === 'relay') {
      for (const read of reads) this.relayRead(read.bytes, read.time);
      return;
    }
    this.discarding = true;
    const why = verdict === 'own' ? "Chunkscope closed this kept-alive connection before its next request, which was for Chunkscope's own UI (never recorded); the client sends it again on a new connection" : null;
    this.afterAnswers = () => {
      this.endClient('fin', why);
      if (this.upstream && this.connected) this.endUpstream('fin');
    };
    this.resumeDeferred();
  }

  private relayRead(bytes: Buffer, time: number): void {
    const base = this.analyzer.streamBytes(0);
    if (!this.gate) {
      // Reverse mode: forward first, then record: the read goes on without waiting.
      this.toUpstream([bytes]);
      this.recorder.data(this.analyzer, 0, bytes, time);
      this.context.activity(this.analyzer, 0);
      if (this.failure && this.analyzer.messages('request').length > 0) this.answer(this.failureStatus, this.failure);
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
    if (this.afterAnswers && this.analyzer.outstanding() === 0) {
      const close = this.afterAnswers;
      this.afterAnswers = null;
      close();
    }
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
    if (this.context.looped && (command.kind === 'send' || command.kind === 'tunnel')) return this.answer(508, this.context.looped);
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
          if (this.upstream && !this.upstreamFinSent) this.endUpstream('fin');
          this.connect(command.origin, null);
        }
        this.toUpstream(command.bytes);
        break;
      }
      case 'tunnel':
        this.stopRewriting(); // a tunnel's bytes are not HTTP to rewrite
        // The UI's own WebSocket (ws:// through a proxy is a CONNECT) is not TLS: an opaque tunnel.
        if (this.context.intercept?.wants(command.target) && this.client instanceof TcpLeg && !this.ownTraffic?.own) this.handOver(command.origin, command.target);
        else this.connect(command.origin, command.target);
        break;
      case 'reject':
        if (this.connected && command.status === 400) this.toUpstream(command.held); // let the origin judge it
        else this.answer(command.status, command.reason);
        break;
    }
  }

  /** HTTPS interception: answer the CONNECT, then give the client's socket to TLS. */
  private handOver(origin: Origin, target: string): void {
    this.generated(CONNECT_ESTABLISHED);
    this.recorder.event(this.analyzer, { type: 'tunnel', connection: this.analyzer.number, time: this.recorder.clock(), target, intercepted: true });
    const socket = (this.client as TcpLeg).detach();
    this.handedOver = this.context.intercept!.take({ outer: this, recorder: this.recorder, socket, origin, target });
  }

  /** The intercepted session ended: its TCP ends are this connection's too. */
  interceptionEnded(closes: { side: 'client' | 'upstream'; kind: CloseKind; by: 'peer' | 'proxy'; detail: string | null }[]): void {
    if (this.finished) return;
    for (const c of closes) this.recorder.close(this.analyzer, c.side, c.kind, c.by, c.detail);
    this.clientGone = true;
    this.upstreamGone = true;
    this.maybeFinished();
  }

  private toUpstream(chunks: Uint8Array[]): void {
    if (this.handedOver) {
      for (const chunk of chunks) this.handedOver(chunk);
      return;
    }
    if (!this.rewriting) return this.sendUpstream(chunks);
    const ops: Op[] = [];
    for (const chunk of chunks) ops.push(...this.rewriting.request.push(chunk));
    this.requestOps(ops);
  }

  private sendUpstream(chunks: Uint8Array[]): void {
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
        this.upstream.onceDrain(() => this.clientFlow.release('upstream-drain'));
      }
    }
  }

  private connect(origin: Origin, tunnelTarget: string | null): void {
    const target = originKey(origin);
    const connect = this.context.connect ?? TcpLeg.connect;
    this.upstreamOrigin = target;
    this.connecting = true;
    this.connected = false;
    this.upstreamFinSent = false;
    this.upstreamGone = false;
    const leg: Leg = connect(origin, {
      connect: () => {
        if (leg !== this.upstream) return;
        this.connecting = false;
        this.connected = true;
        this.recorder.event(this.analyzer, { type: 'upstream', connection: this.analyzer.number, time: this.recorder.clock(), upstream: leg.address, target });
        if (tunnelTarget !== null) {
          this.recorder.event(this.analyzer, { type: 'tunnel', connection: this.analyzer.number, time: this.recorder.clock(), target: tunnelTarget, intercepted: false });
          this.generated(CONNECT_ESTABLISHED);
        }
        const queued = this.queued;
        this.queued = [];
        this.queuedBytes = 0;
        this.clientFlow.release('connecting');
        this.sendUpstream(queued);
        if (this.clientFinReceived) this.endUpstream('fin');
      },
      failed: (error) => {
        if (leg === this.upstream) this.upstreamFailed(error, target);
      },
      data: (bytes) => {
        if (leg === this.upstream) this.fromUpstream(bytes);
      },
      end: (how) => {
        if (leg === this.upstream) this.upstreamEnded(how);
      },
      error: (kind, detail) => {
        if (leg === this.upstream) this.upstreamError(kind, detail);
      },
      close: () => {
        if (leg === this.upstream) {
          this.upstreamGone = true;
          this.maybeFinished();
        }
      },
    });
    this.upstream = leg;
    this.upstreamFlow = new Flow(leg);
  }

  // ---- origin to client -----------------------------------------------------------

  private fromUpstream(bytes: Buffer): void {
    const time = this.recorder.clock();
    if (this.rewriting) {
      const { pump, response } = this.rewriting;
      this.recorder.data(this.analyzer, 3, bytes, time);
      pump.push(response.push(bytes));
      if (pump.queuedBytes >= PUMP_HIGH_WATER && this.upstreamFlow) {
        const flow = this.upstreamFlow;
        flow.hold('rules');
        pump.onDrained(() => flow.release('rules'));
      }
      this.watchCapture();
      return;
    }
    this.toClient(bytes);
    this.recorder.data(this.analyzer, 1, bytes, time);
    this.context.activity(this.analyzer, 1);
    this.resumeDeferred();
    this.watchCapture();
  }

  private toClient(bytes: Uint8Array): void {
    if (this.clientGone || this.clientFinSent || this.handedOver) return;
    if (!this.client.write(bytes) && this.upstreamFlow) {
      const flow = this.upstreamFlow;
      flow.hold('client-drain');
      this.client.onceDrain(() => flow.release('client-drain'));
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
    this.endClient('fin');
    if (this.upstream && !this.upstreamFinSent && this.connected) this.endUpstream('fin');
  }

  private upstreamFailed(error: NodeJS.ErrnoException, target: string): void {
    if (this.upstreamGone) return;
    this.upstreamGone = true;
    // Could not connect: say why, in words, as a 502 made here.
    const reason = connectFailure(error);
    this.recorder.event(this.analyzer, { type: 'upstream-failed', connection: this.analyzer.number, time: this.recorder.clock(), target, reason, code: error.code ?? null });
    this.connecting = false;
    this.upstream?.destroy();
    this.upstream = null;
    this.failure = `Chunkscope could not connect to ${target}: ${reason}.`;
    // A 502 answers a request: in reverse mode, wait for the client's first one.
    if (this.context.mode === 'forward' || this.analyzer.messages('request').length > 0) this.answer(502, this.failure);
    else if (this.clientFinReceived) this.endClient('fin');
    this.maybeFinished();
  }

  // ---- ends -------------------------------------------------------------------------

  private clientEnded(how: PeerEnd): void {
    this.relayHeld('unreadable'); // a request's start that never became readable
    this.clientFinReceived = true;
    this.recorder.close(this.analyzer, 'client', how, 'peer');
    if (this.rewriting) {
      this.requestOps(this.rewriting.request.end());
    }
    if (this.connected) this.endUpstream(how);
    else if (!this.connecting) {
      // Nothing upstream to tell (no request, or it was answered here): end our side too.
      this.endClient('fin');
    }
    this.maybeFinished();
  }

  private upstreamEnded(how: PeerEnd): void {
    this.recorder.close(this.analyzer, 'upstream', how, 'peer');
    if (this.rewriting) return this.rewriting.pump.push(this.rewriting.response.end({ op: 'end', how, detail: null }));
    this.endClient(how);
  }

  private endUpstream(how: PeerEnd): void {
    if (!this.upstream || this.upstreamFinSent) return;
    this.upstreamFinSent = true;
    this.upstream.end(how);
    this.recorder.close(this.analyzer, 'upstream', how, 'proxy');
  }

  private endClient(how: PeerEnd, detail: string | null = null): void {
    if (this.clientFinSent || this.clientGone) return;
    this.clientFinSent = true;
    this.client.end(how);
    this.recorder.close(this.analyzer, 'client', how, 'proxy', detail);
  }

  private clientError(kind: 'rst' | 'error', detail: string | null): void {
    if (this.clientGone) return;
    this.relayHeld('unreadable');
    this.recorder.close(this.analyzer, 'client', kind, 'peer', detail);
    this.clientGone = true;
    this.client.destroy();
    if (this.upstream && !this.upstreamGone) this.reset(this.upstream, 'upstream');
  }

  private upstreamError(kind: 'rst' | 'error', detail: string | null): void {
    if (this.upstreamGone) return;
    this.upstreamGone = true;
    this.recorder.close(this.analyzer, 'upstream', kind, 'peer', detail);
    this.upstream?.destroy();
    if (this.rewriting) return this.rewriting.pump.push(this.rewriting.response.end({ op: 'end', how: kind, detail }));
    if (!this.clientGone) this.reset(this.client, 'client');
  }

  /** Mirror a reset: once the bytes relayed so far are handed to the kernel, send an RST. */
  private reset(leg: Leg, side: 'client' | 'upstream'): void {
    const send = () => {
      if (leg.destroyed) return;
      this.recorder.close(this.analyzer, side, 'rst', 'proxy');
      leg.resetAndDestroy();
      if (side === 'client') this.clientGone = true;
      else this.upstreamGone = true;
      this.maybeFinished();
    };
    if (leg.writableLength === 0 || (side === 'upstream' && this.connecting)) return send();
    const timer = setTimeout(send, RESET_FLUSH_MS);
    leg.onceDrain(() => {
      clearTimeout(timer);
      send();
    });
  }

  private clientClosed(): void {
    if (this.handedOver) return; // the socket lives on under TLS
    this.clientGone = true;
    this.rewriting?.pump.close();
    if (this.upstream && !this.upstreamGone && !this.upstreamFinSent && !this.connected) this.upstream.destroy();
    this.maybeFinished();
  }

  private maybeFinished(): void {
    if (this.finished) return;
    const upstreamDone = !this.upstream || this.upstreamGone;
    if (!this.clientGone || !upstreamDone) return;
    this.finished = true;
    this.rewriting?.pump.close();
    this.recorder.retire(this.analyzer);
    this.context.activity(this.analyzer);
    this.context.closed(this);
  }

  // ---- rules ------------------------------------------------------------------------

  private rewriters(rules: () => readonly Rule[]): Rewriting {
    const request = new RequestRewriter(rules);
    // After a 101 or a 2xx to CONNECT the client's bytes are a tunnel's: passed as they come.
    const response = new ResponseRewriter(rules, (i) => request.facts[i], () => this.requestOps(request.passThrough()));
    const pump = new Pump({
      bytes: (bytes) => {
        this.toClient(bytes);
        this.recorder.data(this.analyzer, 1, bytes, this.recorder.clock());
        this.context.activity(this.analyzer, 1);
        this.resumeDeferred();
        this.watchCapture();
      },
      applied: (op) => this.applied(op),
      reset: () => this.resetBoth(),
      fin: () => this.endClient('fin'),
      end: (op) => {
        if (op.how === 'fin' || op.how === 'close-notify') this.endClient(op.how);
        else if (!this.clientGone) this.reset(this.client, 'client');
      },
    });
    return { request, response, pump };
  }

  /** Carry out the request rewriter's ops: bytes to the origin (recorded as stream 2). */
  private requestOps(ops: Op[]): void {
    const out: Uint8Array[] = [];
    for (const op of ops) {
      if (op.op === 'bytes') {
        const bytes = op.pieces.length === 1 ? op.pieces[0]! : Buffer.concat(op.pieces);
        out.push(bytes);
        this.recorder.data(this.analyzer, 2, bytes, this.recorder.clock());
      } else if (op.op === 'applied') this.applied(op);
      else if (op.op === 'reset') {
        this.sendUpstream(out.splice(0));
        this.resetBoth();
      }
    }
    this.sendUpstream(out);
  }

  private applied(op: Extract<Op, { op: 'applied' }>): void {
    this.recorder.event(this.analyzer, { type: 'rule', connection: this.analyzer.number, time: this.recorder.clock(), direction: op.direction, exchange: op.exchange, rule: op.rule, effect: op.effect });
  }

  /** A rule resets the connection: RST to the client and to the origin. */
  private resetBoth(): void {
    this.rewriting?.pump.close();
    if (!this.clientGone) this.reset(this.client, 'client');
    if (this.upstream && !this.upstreamGone) this.reset(this.upstream, 'upstream');
  }

  /** Bytes from here on pass unchanged (a tunnel's). */
  private stopRewriting(): void {
    if (!this.rewriting) return;
    this.rewriting.pump.close();
    this.rewriting = null;
  }

  /** Pause both sides while the capture file catches up (memory stays flat). */
  private watchCapture(): void {
    if (!this.recorder.busy) return;
    this.clientFlow.hold('capture');
    this.upstreamFlow?.hold('capture');
    const flows = [this.clientFlow, this.upstreamFlow];
    this.recorder.onDrain(() => flows.forEach((f) => f?.release('capture')));
  }

  /** A silence became a stall (proxy/stalls.ts): the capture keeps what was reported live. */
  recordStall(stall: AccountStall): void {
    const { direction, exchange, since, waitingFor } = stall;
    this.recorder.event(this.analyzer, { type: 'stall', connection: this.analyzer.number, time: this.recorder.clock(), direction, exchange, since: this.analyzer.openedAt + since, waitingFor });
  }

  /** The proxy is shutting down: record what is still open and let go of both sides. */
  shutdown(): void {
    if (this.finished) return;
    this.relayHeld('unreadable');
    this.rewriting?.pump.close();
    if (!this.clientGone) this.recorder.close(this.analyzer, 'client', 'open', 'peer');
    if (this.upstream && !this.upstreamGone) this.recorder.close(this.analyzer, 'upstream', 'open', 'peer');
    this.upstream?.destroy();
    if (!this.handedOver) return this.client.destroy(); // its close events finish this relay
    this.finished = true;
    this.recorder.retire(this.analyzer);
  }
}
