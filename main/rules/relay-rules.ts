// Rules on a relayed connection: the request rewriter and its queue (a pump) between the
// client and the origin, the response rewriter and its queue between the origin and the
// client. The relay hands them what each side sends; they hand back bytes (recorded as
// streams 2 and 3: both framings are kept), the rule events, and ends and resets for the
// relay to carry out. A message held at a breakpoint waits in its queue (stepping.ts).
// Without rules none of this exists and the relay is byte-exact.

import type { Rule } from '../../shared/rules';
import type { Direction, PeerEnd } from '../../shared/http1';
import { howItEnded } from '../../shared/words';
import type { Op } from './ops';
import { Pump, PUMP_HIGH_WATER, type PumpSink } from './pump';
import { RequestRewriter, type HoldMessage } from './request';
import { ResponseRewriter } from './response';
import type { GateSink, Stepping } from './stepping';

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
  /**
   * A rule ends a side, or passes on the other side's end after its queue: to the client a
   * FIN (close_notify then FIN) or an RST; to the origin the client's end, or a rule's FIN.
   */
  end(side: 'client' | 'origin', how: PeerEnd | 'rst'): void;
  /** A rule resets both sides. */
  resetBoth(): void;
  /** A side's reads: paused while the queue of what it sent is full (a stall, a hold), resumed when it drains. */
  flow(side: 'client' | 'origin'): Holdable | null;
  /** Breakpoints: where held messages are listed, and this connection's number and owner. */
  stepping: { stepping: Stepping; connection: number; owner: unknown; canHold(): boolean } | null;
}

/** The capture's `rule` event of an applied rule (without connection and time). */
export function ruleEvent(op: Extract<Op, { op: 'applied' }>): { direction: 'request' | 'response'; exchange: number; rule: string; effect: string } {
  return { direction: op.direction, exchange: op.exchange, rule: op.rule, effect: op.effect };
}

export class RelayRules {
  private readonly request: RequestRewriter;
  private readonly response: ResponseRewriter;
  /** What goes to the client, and to the origin, in order and in time. */
  private readonly pump: Pump;
  private readonly requestPump: Pump;
  /** How each side ended, in words, for messages held after it (a response held after the client's FIN). */
  private readonly ended: { client: string | null; origin: string | null } = { client: null, origin: null };

  constructor(
    rules: () => readonly Rule[],
    private readonly host: RulesHost,
  ) {
    const responseSink: PumpSink = {
      bytes: (bytes) => host.toClient(bytes),
      applied: (op) => host.applied(op),
      reset: () => host.resetBoth(),
      fin: () => host.end('client', 'fin'),
      end: (op) => host.end('client', op.how === 'fin' || op.how === 'close-notify' ? op.how : 'rst'),
    };
    const requestSink: PumpSink = {
      bytes: (bytes) => host.toOrigin([bytes]),
      applied: (op) => host.applied(op),
      reset: () => host.resetBoth(),
      fin: () => host.end('origin', 'fin'),
      // The client's end, passed on once what came before it went (a request held at a breakpoint).
      end: (op) => (op.how === 'fin' || op.how === 'close-notify' ? host.end('origin', op.how) : undefined),
    };
    this.pump = new Pump(responseSink);
    this.requestPump = new Pump(requestSink);
    this.request = new RequestRewriter(rules, undefined, this.holder('request', requestSink, this.requestPump));
    // After a 101 or a 2xx to CONNECT the client's bytes are a tunnel's: passed as they come.
    this.response = new ResponseRewriter(rules, (i) => this.request.facts[i], () => this.requestPump.push(this.request.passThrough()), this.holder('response', responseSink, this.pump));
  }

  /** What the client sent: queued through the request rules. */
  fromClient(chunks: Uint8Array[]): void {
    const ops: Op[] = [];
    for (const chunk of chunks) ops.push(...this.request.push(chunk));
    this.requestPump.push(ops);
    this.backpressure(this.requestPump, this.host.flow('client'), 'rules');
  }

  /** The client ended its side: the request rules let go of what they hold, then its end goes to the origin. */
  clientEnded(how: PeerEnd): void {
    const words = (this.ended.client = howItEnded({ who: 'client', how }));
    this.requestPump.push([...this.request.end(words), { op: 'end', how, detail: null }]);
    this.requestPump.peerEnded('sender', words);
    this.pump.peerEnded('receiver', words);
  }

  /** What the origin sent: queued through the response rules. */
  fromOrigin(bytes: Buffer): void {
    this.host.fromOrigin(bytes);
    this.pump.push(this.response.push(bytes));
    this.backpressure(this.pump, this.host.flow('origin'), 'rules');
  }

  /** The origin ended (FIN, close_notify, RST): its end goes to the client after the queue. */
  originEnded(how: PeerEnd | 'rst' | 'error', detail: string | null): void {
    this.pump.push(this.response.end({ op: 'end', how, detail }));
    const words = (this.ended.origin = howItEnded({ who: 'server', how, detail }));
    this.pump.peerEnded('sender', words);
    this.requestPump.peerEnded('receiver', words);
  }

  close(): void {
    this.pump.close();
    this.requestPump.close();
    this.request.close();
  }

  /** Stop reading a side while its queue is over the high-water mark; go on once it drained. */
  private backpressure(pump: Pump, flow: Holdable | null, reason: string): void {
    if (pump.queuedBytes < PUMP_HIGH_WATER || !flow) return;
    flow.hold(reason);
    pump.onDrained(() => flow.release(reason));
  }

  /** How a rewriter holds a message at a breakpoint: a gate in its queue, listed for the API. */
  private holder(direction: Direction, sink: PumpSink, pump: Pump): HoldMessage {
    return (exchange, rule, stopped) => {
      const at = this.host.stepping;
      if (!at || !at.canHold() || (rule.action.kind !== 'break-response' && rule.action.kind !== 'break-request')) return null;
      const gateSink: GateSink = {
        bytes: sink.bytes,
        applied: sink.applied,
        end: (how) => (how === 'rst' ? sink.reset() : sink.fin()),
        count: (delta) => pump.count(delta),
      };
      const gate = at.stepping.hold({ connection: at.connection, exchange, direction, rule: rule.text, owner: at.owner }, rule.action.chunks, gateSink, stopped);
      const receiverEnded = direction === 'response' ? this.ended.client : this.ended.origin;
      if (gate && receiverEnded) gate.peerEnded('receiver', receiverEnded);
      return gate;
    };
  }
}
