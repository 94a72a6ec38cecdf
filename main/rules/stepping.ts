// Breakpoints on the live proxy: each held message's queue (held.ts) carried out on its
// connection, with a timer for its timeout, and the list of what is held, where the
// API finds a message to step. One Stepping per proxy; the app lists the messages of the
// session it shows (`owner`: the recorder of their connection).

import type { Direction, Framing, SpanEvent } from '../../shared/http1';
import { exchangeId, exchangeName, parseExchangeId } from '../../shared/exchange-id';
import { DEFAULT_RELEASE_AFTER_SECONDS, MAX_HOLD_SECONDS, type HeldMessage, type HeldTimedOut } from '../../shared/breakpoints';
import { HeldQueue, StepRefused, type HeldCommand, type HeldStep } from './held';
import type { Op, StepGate } from './ops';

export { StepRefused } from './held';

/** Where a held message's commands go: its connection's queue (the pump) and the relay. */
export interface GateSink {
  bytes(bytes: Buffer): void;
  applied(op: Extract<Op, { op: 'applied' }>): void;
  /** End the connection now: a FIN to the receiver, or an RST to both sides. */
  end(how: 'fin' | 'rst'): void;
  /** Bytes held came (positive) or left (negative): counted with the queue's, for backpressure. */
  count(delta: number): void;
}

export interface HeldIdentity {
  connection: number;
  /** The exchange's index on its connection. */
  exchange: number;
  direction: Direction;
  /** The breakpoint rule, as written. */
  rule: string;
  owner: unknown;
}

/** One held message on its connection. */
export class HeldGate implements StepGate {
  readonly id: string;
  private timer: NodeJS.Timeout | null = null;
  private releaseAt: number | null = null;
  /** When it last came to a stop: held, or stepped by the user and held again. */
  private heldSince: number | null = null;
  private done: (() => void) | null = null;
  private listed = false;
  private over = false;
  /** Bytes held, as last told to the queue's count. */
  private counted = 0;

  constructor(
    private readonly queue: HeldQueue,
    readonly identity: HeldIdentity,
    private readonly sink: GateSink,
    private readonly stepping: Stepping,
    /** It ended the connection: the rewriter sends nothing more. */
    private readonly stopped: () => void,
  ) {
    this.id = exchangeId(identity.connection, identity.exchange);
  }

  // ---- from the rewriter ------------------------------------------------------------

  framing(framing: Framing, contentLength: number | null): void {
    this.queue.framing(framing, contentLength);
  }

  /** A span of the message: queued; `arrived` (after a read's spans) sends what may go. */
  span(e: SpanEvent, pieces: Uint8Array[]): void {
    if (!this.over) this.queue.span(e, pieces); // abandoned (its queue stalled for good): nothing is kept
  }

  arrived(): void {
    this.run(() => this.queue.arrived());
  }

  /** Nothing more comes for this message; `senderEnd`, in words, when its sender ended first. */
  ended(senderEnd: string | null = null): void {
    if (senderEnd) this.peerEnded('sender', senderEnd);
    this.run(() => this.queue.ended());
  }

  /** Its sender ended its side (the end goes on after it), or its receiver did: said in the list. */
  peerEnded(peer: 'sender' | 'receiver', words: string): void {
    const field = peer === 'sender' ? 'senderEnded' : 'receiverEnded';
    if (this.over || this.queue[field] !== null) return;
    this.queue[field] = words;
    if (this.listed) this.stepping.changed();
  }

  // ---- from the queue (the pump) ----------------------------------------------------

  attach(done: () => void): void {
    this.done = done;
    this.run(() => this.queue.attached());
  }

  abandon(): void {
    this.over = true;
    this.counted = 0;
    this.done = null;
    this.clearTimer();
    this.unlist();
  }

  // ---- from the user ----------------------------------------------------------------

  act(step: HeldStep): void {
    // A step starts the count again (an edit only waits for one).
    if (step.action !== 'edit') this.heldSince = null;
    this.run(() => this.queue.act(step));
  }

  setReleaseAfter(ms: number): void {
    this.run(() => this.queue.setReleaseAfter(ms));
  }

  view(): HeldMessage {
    return { id: this.id, direction: this.identity.direction, rule: this.identity.rule, releaseAt: this.releaseAt, heldSince: this.heldSince, ...this.queue.view() };
  }

  peek(): ReturnType<HeldQueue['peek']> {
    return this.queue.peek();
  }

  private run(take: () => HeldCommand[]): void {
    if (this.over) return;
    const commands = take();
    for (const c of commands) {
      switch (c.do) {
        case 'send':
          this.sink.bytes(c.pieces.length === 1 ? Buffer.from(c.pieces[0]!.buffer, c.pieces[0]!.byteOffset, c.pieces[0]!.length) : Buffer.concat(c.pieces));
          break;
        case 'applied':
          this.sink.applied({ op: 'applied', direction: this.identity.direction, exchange: this.identity.exchange, rule: this.identity.rule, effect: c.effect });
          break;
        case 'end':
          this.stopped();
          this.sink.end(c.how);
          break;
        case 'timer':
          this.clearTimer();
          if (c.ms !== null) {
            // Never past a day: a timer past 2^31 ms fires at once (the API and the CLI refuse longer).
            const ms = Math.min(c.ms, MAX_HOLD_SECONDS * 1000);
            this.releaseAt = Date.now() + ms;
            this.timer = setTimeout(() => {
              this.timer = null;
              this.run(() => {
                const commands = this.queue.timeout();
                const said = commands.find((t) => t.do === 'applied');
                if (said?.do === 'applied') this.stepping.timedOut({ id: this.id, direction: this.identity.direction, rule: this.identity.rule, effect: said.effect }, this.identity.owner);
                return commands;
              });
            }, ms);
            this.timer.unref();
          }
          break;
        case 'done': {
          this.over = true;
          this.clearTimer();
          const done = this.done;
          this.done = null;
          done?.();
          break;
        }
      }
    }
    this.heldSince = !this.over && this.queue.listed && this.queue.stopped ? (this.heldSince ?? Date.now()) : null;
    this.sink.count(this.queue.queuedBytes - this.counted);
    this.counted = this.queue.queuedBytes;
    if (this.queue.listed && !this.over && !this.listed) {
      this.listed = true;
      this.stepping.add(this);
    } else if ((!this.queue.listed || this.over) && this.listed) this.unlist();
    else if (this.listed) this.stepping.changed();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.releaseAt = null;
  }

  private unlist(): void {
    if (!this.listed) return;
    this.listed = false;
    this.stepping.remove(this);
  }
}

export interface SteppingOptions {
  /** The timeout: a held message nobody steps for this long is released (default 5 min). */
  releaseAfterMs?: number;
  /** Whether a message may be held, by its connection's owner (the app holds only what it shows; default: all). */
  holds?(owner: unknown): boolean;
  /** The list changed: a message was held or let go (`membership`), or one was stepped or more of it arrived. */
  changed?(membership: boolean): void;
  /** The timeout released a held message of `owner`'s (said before the list drops it). */
  timedOut?(held: HeldTimedOut, owner: unknown): void;
}

/** Everything held on one proxy, and the steps the API asks for. */
export class Stepping {
  private readonly gates = new Set<HeldGate>();
  releaseAfterMs: number;

  constructor(private readonly options: SteppingOptions = {}) {
    this.releaseAfterMs = options.releaseAfterMs ?? DEFAULT_RELEASE_AFTER_SECONDS * 1000;
  }

  /** A held message for a breakpoint that matched, or null when its owner's messages are not held. */
  hold(identity: HeldIdentity, chunks: number | null, sink: GateSink, stopped: () => void): HeldGate | null {
    if (this.options.holds && !this.options.holds(identity.owner)) return null;
    return new HeldGate(new HeldQueue({ direction: identity.direction, chunks, releaseAfterMs: this.releaseAfterMs }), identity, sink, this, stopped);
  }

  add(gate: HeldGate): void {
    this.gates.add(gate);
    this.changed(true);
  }

  remove(gate: HeldGate): void {
    if (this.gates.delete(gate)) this.changed(true);
  }

  changed(membership = false): void {
    this.options.changed?.(membership);
  }

  timedOut(held: HeldTimedOut, owner: unknown): void {
    this.options.timedOut?.(held, owner);
  }

  /** What is held (of one owner's connections, when given), in the order it was held. */
  list(owner?: unknown): HeldMessage[] {
    return [...this.gates].filter((g) => owner === undefined || g.identity.owner === owner).map((g) => g.view());
  }

  /** A step on a held message; its state after it (null: it is not held any more). */
  step(target: { id: string; direction: Direction }, step: HeldStep, owner?: unknown): HeldMessage | null {
    const gate = this.find(target, owner);
    gate.act(step);
    return this.gates.has(gate) ? gate.view() : null;
  }

  peek(target: { id: string; direction: Direction }, owner?: unknown): ReturnType<HeldGate['peek']> {
    return this.find(target, owner).peek();
  }

  /** A new timeout, for what is held now and what will be. */
  setReleaseAfter(ms: number): void {
    this.releaseAfterMs = ms;
    for (const gate of [...this.gates]) gate.setReleaseAfter(ms);
  }

  /** Release the rest of every held message but those of `keep` (a session the app no longer shows). */
  releaseOthers(keep: unknown): void {
    for (const gate of [...this.gates]) if (gate.identity.owner !== keep) gate.act({ action: 'rest' });
  }

  private find(target: { id: string; direction: Direction }, owner: unknown): HeldGate {
    for (const gate of this.gates) {
      if (gate.id === target.id && gate.identity.direction === target.direction && (owner === undefined || gate.identity.owner === owner)) return gate;
    }
    const ref = parseExchangeId(target.id);
    throw new StepRefused(`the ${target.direction} of ${ref ? exchangeName(ref) : target.id} is not held (it went on, or its connection ended)`);
  }
}
