// Rules on a relayed connection: the request rewriter between the client and the origin,
// the response rewriter and its queue (the pump) between the origin and the client. The
// relay hands them what each side sends; they hand back bytes (recorded as streams 2 and
// 3: both framings are kept), the rule events, and ends and resets for the relay to carry
// out. Without rules none of this exists and the relay is byte-exact.

import type { Rule } from '../../shared/rules';
import type { PeerEnd } from '../../shared/http1';
import type { Op } from './ops';
import { Pump, PUMP_HIGH_WATER } from './pump';
import { RequestRewriter } from './request';
import { ResponseRewriter } from './response';

/** Reads that can be held for a reason and released (the relay's flow of one side). */
export interface Holdable {
  hold(reason: string): void;
  release(reason: string): void;
}

/** What the rules need of their relay. */
export interface RulesHost {
  /** Bytes for the origin, after the request rules (the relay records them as stream 2). */
  toOrigin(bytes: Uint8Array[]): void;
  /** Bytes for the client, after the response rules. */
  toClient(bytes: Uint8Array): void;
  /** A rule changed what was sent: the capture's `rule` event. */
  applied(op: Extract<Op, { op: 'applied' }>): void;
  /** Bytes the origin sent, before the rules (stream 3). */
  fromOrigin(bytes: Uint8Array): void;
  /** A rule ends the client's side, or passes on the origin's end. */
  endClient(how: PeerEnd): void;
  resetClient(): void;
  /** A rule resets both sides. */
  resetBoth(): void;
  /** The origin's reads: paused while the response queue is full, resumed when it drains. */
  originFlow(): Holdable | null;
}

/** The capture's `rule` event of an applied rule (without connection and time). */
export function ruleEvent(op: Extract<Op, { op: 'applied' }>): { direction: 'request' | 'response'; exchange: number; rule: string; effect: string } {
  return { direction: op.direction, exchange: op.exchange, rule: op.rule, effect: op.effect };
}

export class RelayRules {
  private readonly request: RequestRewriter;
  private readonly response: ResponseRewriter;
  private readonly pump: Pump;

  constructor(
    rules: () => readonly Rule[],
    private readonly host: RulesHost,
  ) {
    this.request = new RequestRewriter(rules);
    // After a 101 or a 2xx to CONNECT the client's bytes are a tunnel's: passed as they come.
    this.response = new ResponseRewriter(rules, (i) => this.request.facts[i], () => this.requestOps(this.request.passThrough()));
    this.pump = new Pump({
      bytes: (bytes) => host.toClient(bytes),
      applied: (op) => host.applied(op),
      reset: () => host.resetBoth(),
      fin: () => host.endClient('fin'),
      end: (op) => (op.how === 'fin' || op.how === 'close-notify' ? host.endClient(op.how) : host.resetClient()),
    });
  }

  /** What the client sent. */
  fromClient(chunks: Uint8Array[]): void {
    const ops: Op[] = [];
    for (const chunk of chunks) ops.push(...this.request.push(chunk));
    this.requestOps(ops);
  }

  /** The client ended its side: the request rules let go of what they hold. */
  clientEnded(): void {
    this.requestOps(this.request.end());
  }

  /** What the origin sent: queued through the response rules. */
  fromOrigin(bytes: Buffer): void {
    this.host.fromOrigin(bytes);
    this.pump.push(this.response.push(bytes));
    const flow = this.host.originFlow();
    if (this.pump.queuedBytes >= PUMP_HIGH_WATER && flow) {
      flow.hold('rules');
      this.pump.onDrained(() => flow.release('rules'));
    }
  }

  /** The origin ended (FIN, close_notify, RST): its end goes to the client after the queue. */
  originEnded(how: PeerEnd | 'rst' | 'error', detail: string | null): void {
    this.pump.push(this.response.end({ op: 'end', how, detail }));
  }

  close(): void {
    this.pump.close();
    this.request.close();
  }

  /** Carry out the request rewriter's ops: bytes to the origin, rule events, a reset. */
  private requestOps(ops: Op[]): void {
    const out: Uint8Array[] = [];
    for (const op of ops) {
      if (op.op === 'bytes') out.push(op.pieces.length === 1 ? op.pieces[0]! : Buffer.concat(op.pieces));
      else if (op.op === 'applied') this.host.applied(op);
      else if (op.op === 'reset') {
        this.host.toOrigin(out.splice(0));
        this.host.resetBoth();
      }
    }
    this.host.toOrigin(out);
  }
}
