// One client connection and its upstream connection: every read is forwarded as it
// arrives, unchanged (DESIGN.md principle 1), and recorded with its time. How each side
// ends is decided by the end mirror (ends.ts: FIN stays FIN, RST stays RST, half-closes
// and close_notify kept); the relay carries its commands out on the legs (leg.ts: plain
// TCP or TLS). A slow reader slows the other side's reads instead of growing a queue.
// The origin's connection is upstream.ts; rules are main/rules/relay-rules.ts.

import type { PeerEnd } from '../../shared/http1';
import type { AccountStall } from '../../shared/account';
import type { ClientTag, CloseKind } from '../capture/format';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { EndMirror, type EndCommand, type Side } from './ends';
import { Flow } from './flow';
import { CONNECT_ESTABLISHED, connectFailure, generatedResponse } from './generated';
import { ForwardGate, originKey, type GateCommand, type Origin } from './forward-gate';
import { resetOnceFlushed, TcpLeg, type Leg, type LegHandlers } from './leg';
import { OwnTraffic, type Verdict } from './own-traffic';
import type { Recorder } from '../analysis/recorder';
import { OriginSwitch, Upstream } from './upstream';
import type { Rule } from '../../shared/rules';
import type { RelayContext } from './relay-context';

export type { Handover, Interception, RelayContext } from './relay-context';
import { RelayRules, ruleEvent } from '../rules/relay-rules';

export class ConnectionRelay {
  readonly analyzer: ConnectionAnalyzer;
  private readonly recorder: Recorder;
  private readonly client: Leg;
  private readonly clientFlow: Flow;
  private readonly upstream: Upstream;
  private readonly ends = new EndMirror();
  private readonly gate: ForwardGate | null;
  private failure: string | null = null;
  private failureStatus = 502;
  /** A CONNECT's tunnel target, answered once its origin connects. */
  private tunnelTarget: string | null = null;
  /** Forward mode: a request for another origin waits for the current one's answers. */
  private readonly switching: OriginSwitch;
  /** After an intercepted CONNECT: where the client's early tunnel bytes go. */
  private handedOver: ((bytes: Uint8Array) => void) | null = null;
  private rules: RelayRules | null = null;
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
    this.switching = new OriginSwitch({
      outstanding: () => this.analyzer.outstanding(),
      origin: () => this.upstream.origin,
      execute: (command) => this.execute(command),
      hold: (on) => (on ? this.clientFlow.hold('switching-origin') : this.clientFlow.release('switching-origin')),
    });
    // Recorded from its first record on, so that Chunkscope's own UI traffic never is.
    this.analyzer = this.recorder.open(this.client.address, context.mode, this.ownTraffic !== null, context.launched ?? null);
    this.clientFlow = new Flow(this.client);
    this.upstream = new Upstream(context.connect, this.clientFlow, {
      connected: (leg, target) => this.upstreamConnected(leg, target),
      // An end of the client's that came while connecting goes after what it sent.
      flushed: () => this.carryOut(this.ends.connected()),
      failed: (error, target) => this.upstreamFailed(error, target),
      data: (bytes) => this.fromUpstream(bytes),
      end: (how) => this.upstreamEnded(how),
      error: (kind, detail) => this.upstreamError(kind, detail),
      close: () => this.carryOut(this.ends.closed('upstream')),
    });
    if (context.rules?.().some((r) => r.enabled)) this.rules = this.relayRules(context.rules);
    if (context.looped) {
      this.failure = context.looped;
      this.failureStatus = 508;
    } else if (context.reverse) this.connect(context.reverse, null);
  }

  /** The launched client this connection came from, if any (its decrypted session carries it too). */
  get launched(): ClientTag | null {
    return this.context.launched ?? null;
  }

  get recorded(): boolean {
    return this.recorder.recorded(this.analyzer);
  }

  // ---- the end mirror's commands, carried out ------------------------------------------

  /** Carry out what the end mirror decided. */
  private carryOut(commands: EndCommand[]): void {
    for (const c of commands) {
      switch (c.do) {
        case 'end':
          this.leg(c.side)?.end(c.how);
          break;
        case 'record':
          this.recorder.close(this.analyzer, c.side, c.kind, c.by, c.detail);
          break;
        case 'destroy':
          this.leg(c.side)?.destroy();
          break;
        case 'reset':
          this.resetAfterFlush(c.side);
          break;
        case 'finished':
          this.rules?.close();
          this.recorder.retire(this.analyzer);
          this.context.activity(this.analyzer);
          this.context.closed(this);
          break;
      }
    }
  }

  private leg(side: Side): Leg | null {
    return side === 'client' ? this.client : this.upstream.leg;
  }

  /** Mirror a reset: once the bytes relayed so far are handed to the kernel, an RST. */
  private resetAfterFlush(side: Side): void {
    const leg = this.leg(side);
    if (leg) resetOnceFlushed(leg, side === 'upstream' && !this.upstream.connected, () => this.carryOut(this.ends.resetSent(side)));
  }

  // ---- client to origin ---------------------------------------------------------

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
    this.ownTraffic?.release(verdict, {
      relay: (bytes, time) => this.relayRead(bytes, time),
      unrecord: () => this.recorder.unrecord(this.analyzer),
      closeBeforeIt: (why) => {
        this.discarding = true;
        this.afterAnswers = () => this.carryOut([...this.ends.end('client', 'fin', why), ...(this.upstream.connected ? this.ends.end('upstream', 'fin') : [])]);
        this.resumeDeferred();
      },
    });
  }

  private relayRead(bytes: Buffer, time: number): void {
    const base = this.analyzer.streamBytes(0);
    if (!this.gate) {
      // Reverse mode: forward first, then record: the read goes on without waiting.
      this.toUpstream([bytes]);
      this.recorder.read(this.analyzer, 0, bytes, time);
      this.context.activity(this.analyzer, 0);
      if (this.failure && this.analyzer.messages('request').length > 0) this.answer(this.failureStatus, this.failure);
    } else {
      const events = this.recorder.data(this.analyzer, 0, bytes, time);
      this.context.activity(this.analyzer, 0);
      for (const command of this.gate.push(bytes, base, events)) this.switching.push(command);
    }
    this.watchCapture();
  }

  /** Once the current origin has answered everything asked of it, go on. */
  private resumeDeferred(): void {
    if (this.afterAnswers && this.analyzer.outstanding() === 0) {
      const close = this.afterAnswers;
      this.afterAnswers = null;
      close();
    }
    this.switching.resume();
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
        if (this.upstream.origin !== originKey(command.origin)) {
          // A new origin for this client connection: the old upstream connection ends.
          if (this.upstream.leg) this.carryOut(this.ends.end('upstream', 'fin'));
          this.connect(command.origin, null);
        }
        this.toUpstream(command.bytes);
        break;
      }
      case 'tunnel':
        this.stopRules(); // a tunnel's bytes are not HTTP to rewrite
        // The UI's own WebSocket (ws:// through a proxy is a CONNECT) is not TLS: an opaque tunnel.
        if (this.context.intercept?.wants(command.target) && this.client instanceof TcpLeg && !this.ownTraffic?.own) this.handOver(command.origin, command.target);
        else this.connect(command.origin, command.target);
        break;
      case 'reject':
        if (this.upstream.connected && command.status === 400) this.toUpstream(command.held); // let the origin judge it
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
    if (this.ends.finished) return;
    for (const c of closes) this.recorder.close(this.analyzer, c.side, c.kind, c.by, c.detail);
    this.carryOut(this.ends.handedOverEnded());
  }

  private toUpstream(chunks: Uint8Array[]): void {
    if (this.handedOver) {
      for (const chunk of chunks) this.handedOver(chunk);
      return;
    }
    if (this.rules) this.rules.fromClient(chunks);
    else this.sendUpstream(chunks);
  }

  private sendUpstream(chunks: Uint8Array[]): void {
    if (this.ends.upstream.canWrite && this.ends.upstream.exists) this.upstream.send(chunks); // else the connection is ending
  }

  private connect(origin: Origin, tunnelTarget: string | null): void {
    this.tunnelTarget = tunnelTarget;
    this.ends.connecting();
    this.upstream.open(origin);
  }

  private upstreamConnected(leg: Leg, target: string): void {
    this.recorder.event(this.analyzer, { type: 'upstream', connection: this.analyzer.number, time: this.recorder.clock(), upstream: leg.address, target });
    if (this.tunnelTarget !== null) {
      this.recorder.event(this.analyzer, { type: 'tunnel', connection: this.analyzer.number, time: this.recorder.clock(), target: this.tunnelTarget, intercepted: false });
      this.generated(CONNECT_ESTABLISHED);
    }
  }

  // ---- origin to client -----------------------------------------------------------

  private fromUpstream(bytes: Buffer): void {
    const time = this.recorder.clock();
    if (!this.rules) return this.deliver(bytes, time);
    this.rules.fromOrigin(bytes);
    this.watchCapture();
  }

  /** Bytes for the client, from the origin or (with rules) from the response queue: sent, then recorded. */
  private deliver(bytes: Uint8Array, time = this.recorder.clock()): void {
    this.toClient(bytes);
    this.recorder.read(this.analyzer, 1, bytes, time);
    this.context.activity(this.analyzer, 1);
    this.resumeDeferred();
    this.watchCapture();
  }

  private toClient(bytes: Uint8Array): void {
    if (!this.ends.client.canWrite || this.handedOver) return;
    if (!this.client.write(bytes) && this.upstream.flow) {
      const flow = this.upstream.flow;
      flow.hold('client-drain');
      this.client.onceDrain(() => flow.release('client-drain'));
    }
  }

  /** Bytes Chunkscope itself sends the client (a 502, a CONNECT's 200). */
  private generated(bytes: Buffer): void {
    this.toClient(bytes);
    this.recorder.read(this.analyzer, 1, bytes, this.recorder.clock(), true);
  }

  /** Answer the client ourselves and close: the origin could not be reached or asked. */
  private answer(status: number, reason: string): void {
    if (!this.ends.client.canWrite) return;
    this.generated(generatedResponse(status, reason));
    this.carryOut(this.ends.answered());
  }

  private upstreamFailed(error: NodeJS.ErrnoException, target: string): void {
    if (!this.ends.live('upstream')) return;
    // Could not connect: say why, in words, as a 502 made here.
    const reason = connectFailure(error);
    this.recorder.event(this.analyzer, { type: 'upstream-failed', connection: this.analyzer.number, time: this.recorder.clock(), target, reason, code: error.code ?? null });
    this.upstream.forget();
    const finishing = this.ends.connectFailed();
    this.failure = `Chunkscope could not connect to ${target}: ${reason}.`;
    // A 502 answers a request: in reverse mode, wait for the client's first one.
    if (this.context.mode === 'forward' || this.analyzer.messages('request').length > 0) this.answer(502, this.failure);
    else if (!this.ends.client.canRead) this.carryOut(this.ends.end('client', 'fin'));
    this.carryOut(finishing);
  }

  // ---- how each side ends ----------------------------------------------------------------

  /** The origin's FIN: passed on to the client, or (with rules) after the response queue. */
  private upstreamEnded(how: PeerEnd): void {
    this.carryOut(this.ends.peerEnded('upstream', how, !this.rules));
    this.rules?.originEnded(how, null);
  }

  private upstreamError(kind: 'rst' | 'error', detail: string | null): void {
    if (!this.ends.live('upstream')) return;
    this.carryOut(this.ends.peerReset('upstream', kind, detail, !this.rules));
    this.rules?.originEnded(kind, detail);
  }

  private clientEnded(how: PeerEnd): void {
    this.relayHeld('unreadable'); // a request's start that never became readable
    // With rules, the end goes to the origin after the request queue (a request held at a breakpoint).
    this.carryOut(this.ends.peerEnded('client', how, !this.rules));
    this.rules?.clientEnded(how);
  }

  private clientError(kind: 'rst' | 'error', detail: string | null): void {
    if (!this.ends.live('client')) return;
    this.relayHeld('unreadable');
    this.carryOut(this.ends.peerReset('client', kind, detail));
  }

  private clientClosed(): void {
    if (this.handedOver) return; // the socket lives on under TLS
    this.rules?.close();
    this.carryOut(this.ends.closed('client'));
  }

  // ---- rules ------------------------------------------------------------------------

  private relayRules(rules: () => readonly Rule[]): RelayRules {
    return new RelayRules(rules, {
      toOrigin: (chunks) => {
        for (const bytes of chunks) this.recorder.read(this.analyzer, 2, bytes, this.recorder.clock());
        this.sendUpstream(chunks);
      },
      toClient: (bytes) => this.deliver(bytes),
      fromOrigin: (bytes) => this.recorder.read(this.analyzer, 3, bytes, this.recorder.clock()),
      applied: (op) => this.recorder.event(this.analyzer, { type: 'rule', connection: this.analyzer.number, time: this.recorder.clock(), ...ruleEvent(op) }),
      end: (side, how) => this.carryOut(how === 'rst' ? this.ends.reset(side === 'origin' ? 'upstream' : 'client') : side === 'origin' ? this.ends.toOrigin(how) : this.ends.end('client', how)),
      resetBoth: () => {
        this.rules?.close();
        this.carryOut([...this.ends.reset('client'), ...this.ends.reset('upstream')]);
      },
      flow: (side) => (side === 'origin' ? this.upstream.flow : this.clientFlow),
      stepping: this.context.stepping ? { stepping: this.context.stepping, connection: this.analyzer.number, owner: this.recorder, canHold: () => this.recorded } : null,
    });
  }

  /** Bytes from here on pass unchanged (a tunnel's). */
  private stopRules(): void {
    this.rules?.close();
    this.rules = null;
  }

  /** Pause both sides while the capture file catches up (memory stays flat). */
  private watchCapture(): void {
    if (!this.recorder.busy) return;
    this.clientFlow.hold('capture');
    this.upstream.flow?.hold('capture');
    const flows = [this.clientFlow, this.upstream.flow];
    this.recorder.onDrain(() => flows.forEach((f) => f?.release('capture')));
  }

  /** A silence became a stall (proxy/stalls.ts): the capture keeps what was reported live. */
  recordStall(stall: AccountStall): void {
    const { direction, exchange, since, waitingFor } = stall;
    this.recorder.event(this.analyzer, { type: 'stall', connection: this.analyzer.number, time: this.recorder.clock(), direction, exchange, since: this.analyzer.openedAt + since, waitingFor });
  }

  /** The proxy is shutting down: record what is still open and let go of both sides. */
  shutdown(): void {
    if (this.ends.finished) return;
    this.relayHeld('unreadable');
    this.rules?.close();
    this.carryOut(this.ends.shutdown());
    if (!this.handedOver) return this.client.destroy(); // its close events finish this relay
    this.carryOut(this.ends.handedOverEnded());
  }
}
