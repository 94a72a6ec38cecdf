// A message held at a breakpoint, decided without a socket or a clock (as proxy/ends.ts):
// events in (what its sender sent, in parts: held-parts.ts; the user's steps; the
// timeout; the messages before it went through), commands out (bytes for the receiver,
// rule events, an end, the timeout to set, done). Bytes no edit touches go out exactly
// as they came, size lines included. Tested as playbooks (held.test.ts); stepping.ts
// carries the commands out.

import type { Framing, SpanEvent } from '../../shared/http1';
import { heldWhere, partName, type HeldMessage, type HeldPart, type StepAction } from '../../shared/breakpoints';
import { duration, plural } from '../../shared/words';
import { MessageParts, nextView, sendable, sentWords, StepRefused, type Part } from './held-parts';
import { editOf, type EditStep } from './held-edit';

export { MAX_HELD_PARTS, StepRefused } from './held-parts';

export type HeldCommand =
  | { do: 'send'; pieces: Uint8Array[] }
  /** A change to what the receiver gets: the capture's `rule` event. */
  | { do: 'applied'; effect: string }
  | { do: 'end'; how: 'fin' | 'rst' }
  /** (Re)start the timeout, or stop it (null). */
  | { do: 'timer'; ms: number | null }
  /** All of it went through (or it ended): what comes after it on the connection goes on. */
  | { do: 'done' };

/** A step as the machine takes it: edited data as bytes. */
export type HeldStep = Exclude<StepAction, { action: 'edit' }> | ({ action: 'edit' } & EditStep);

export interface HeldOptions {
  /** The held message: `response` (its sender is the server) or `request` (the client). */
  direction: 'request' | 'response';
  /** The breakpoint: hold before the head (null), or after this many chunks. */
  chunks: number | null;
  releaseAfterMs: number;
}

type State = HeldMessage['state'] | 'before' | 'gone';

export class HeldQueue {
  private readonly message = new MessageParts();
  /** Parts the user released before they arrived. */
  private credits = 0;
  private mode: 'step' | 'rest' | 'drop-last' | 'ended' = 'step';
  private stall: { ms: number | null } | null = null;
  private attachedNow = false;
  private complete = false;
  private finished = false;
  /** It was held once: listed, and its steps recorded. */
  private reached = false;
  private lastTimer: number | null = null;
  senderEnded: string | null = null;
  receiverEnded: string | null = null;

  constructor(private readonly options: HeldOptions) {}

  get queuedBytes(): number {
    return this.message.queued;
  }

  /** Held and steppable (listed): from the first hold until it lets go. */
  get listed(): boolean {
    return this.reached && this.mode === 'step' && !this.finished;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Held or stalled: nothing of it goes on until a step (or the timeout). */
  get stopped(): boolean {
    const state = this.state();
    return state === 'held' || state === 'stalled';
  }

  setReleaseAfter(ms: number): HeldCommand[] {
    this.options.releaseAfterMs = ms;
    return this.state() === 'held' ? this.timer(ms) : [];
  }

  // ---- what the sender sent ---------------------------------------------------------

  framing(framing: Framing, contentLength: number | null): void {
    this.message.framing(framing, contentLength);
  }

  /** A span of the message as its sender sent it: queued (`arrived` sends what may go). */
  span(e: SpanEvent, pieces: Uint8Array[]): void {
    if (!this.finished) this.message.span(e, pieces);
  }

  /** After a read's spans: what may go now goes (in one piece per part), and the hold starts when its point is reached. */
  arrived(): HeldCommand[] {
    return this.settle(this.state(), false, []);
  }

  /** Nothing more will come for this message (it is complete, or its sender ended). */
  ended(): HeldCommand[] {
    const before = this.state();
    this.complete = true;
    this.message.end();
    return this.settle(before, false, []);
  }

  /** The messages before it on the connection went through: its turn. */
  attached(): HeldCommand[] {
    const before = this.state();
    this.attachedNow = true;
    return this.settle(before, false, []);
  }

  // ---- what the user does -----------------------------------------------------------

  act(step: HeldStep): HeldCommand[] {
    if (!this.listed) throw new StepRefused(`the ${this.options.direction} is not held any more`);
    const before = this.state();
    const next = this.message.next();
    const where = this.where();
    if (step.action === 'edit') {
      const edit = editOf(next, step, this.upcomingName()); // refused before anything changes
      next!.edit = edit;
      return this.changed(before, true); // a stall stays on

    }
    const out: HeldCommand[] = [];
    this.stall = null;
    switch (step.action) {
      case 'next':
        // A part that is here goes at its turn; one that is not goes on as it arrives.
        if (next) next.released = true;
        else this.credits++;
        break;
      case 'rest':
        this.mode = 'rest';
        out.push(this.applied(`released the rest (${where}) as the ${this.sender()} sends it`));
        break;
      case 'drop-last-chunk':
        if (this.message.chunked === false) throw new StepRefused(`the ${this.options.direction} is not chunked: it has no last chunk to drop`);
        if (this.complete && !this.message.parts.some((p) => p.part === 'last-chunk')) throw new StepRefused(`the last chunk is not coming: the ${this.sender()} ended the ${this.options.direction} without it`);
        this.mode = 'drop-last';
        out.push(this.applied(`will send the chunks as they come (${where}), withhold the last chunk, then ${this.finWords()}`));
        break;
      case 'stall': {
        const ms = step.seconds === undefined ? null : step.seconds * 1000;
        this.stall = { ms };
        out.push(this.applied(`stalled ${where}${ms === null ? ' (until the next step or the connection ends)' : ` for ${duration(ms / 1000)}, then the rest goes on`}`));
        break;
      }
      case 'end':
        out.push(this.applied(`${step.how === 'fin' ? this.finWords() : 'reset the connection (RST) to both sides'} ${where}`));
        return [...out, ...this.endNow(step.how)];
    }
    return this.settle(before, true, out);
  }

  /** The timeout: a message nobody stepped is released (or a stall with a time is over). */
  timeout(): HeldCommand[] {
    const state = this.state();
    if (state !== 'held' && (state !== 'stalled' || this.stall?.ms === null)) return [];
    const why = state === 'stalled' ? `after the stall of ${duration((this.stall?.ms ?? 0) / 1000)}` : `nobody stepped it for ${duration(this.options.releaseAfterMs / 1000)}`;
    this.lastTimer = null;
    this.stall = null;
    this.mode = 'rest';
    return this.settle(state, false, [this.applied(`released the rest (${this.where()}) as the ${this.sender()} sends it: ${why}`)]);
  }

  // ---- what is sent -----------------------------------------------------------------

  /** `out`, then what may go now, then the timeout as the state changed (`touched`: a step restarts it). */
  private settle(before: State, touched: boolean, out: HeldCommand[]): HeldCommand[] {
    return [...out, ...this.advance(), ...this.changed(before, touched)];
  }

  private advance(): HeldCommand[] {
    const out: HeldCommand[] = [];
    while (!this.finished && this.attachedNow) {
      const p = this.message.parts[0];
      if (!p) {
        if (this.complete) this.finish(out);
        else if (!this.auto(this.message.expected())) this.reach(out); // its point is reached: held before a part still to come
        break;
      }
      if (!p.flowing) {
        if (this.mode === 'drop-last' && p.part === 'last-chunk') {
          out.push(this.applied(`withheld the last chunk after ${plural(p.chunk, 'chunk')} and ${this.finWords()}`), ...this.endNow('fin'));
          break;
        }
        if (this.mode === 'rest' || this.mode === 'drop-last' || this.auto(p)) {
          p.flowing = true;
          if (p.edit) out.push(this.sentEffect(p)); // an edit is said whatever let it go
        } else if (p.released || this.credits > 0) {
          if (!p.released) this.credits--;
          p.flowing = true;
          out.push(this.sentEffect(p));
        } else {
          this.reach(out);
          break;
        }
      }
      const { sent, taken } = sendable(p);
      this.message.queued -= taken;
      const last = out.at(-1);
      if (last?.do === 'send') last.pieces.push(...sent);
      else if (sent.length > 0) out.push({ do: 'send', pieces: sent });
      if (!p.complete) break;
      this.message.parts.shift();
    }
    return out;
  }

  /** The breakpoint lets this part through without a step (before its point); null: no part is coming. */
  private auto(p: { part: HeldPart; chunk: number } | null): boolean {
    const at = this.options.chunks;
    return p === null || (!this.reached && at !== null && (p.part === 'head' || (p.part !== 'body' && p.chunk < at)));
  }

  private reach(out: HeldCommand[]): void {
    if (this.reached) return;
    this.reached = true;
    out.push(this.applied(`held the ${this.options.direction} ${this.where()}`));
  }

  private finish(out: HeldCommand[]): void {
    this.finished = true;
    if (this.lastTimer !== null) out.push({ do: 'timer', ms: null });
    this.lastTimer = null;
    out.push({ do: 'done' });
  }

  private endNow(how: 'fin' | 'rst'): HeldCommand[] {
    this.mode = 'ended';
    this.message.drop();
    const out: HeldCommand[] = [{ do: 'end', how }];
    this.finish(out);
    return out;
  }

  /** Starts or stops the timeout as the state changes (`touched`: a step restarts it). */
  private changed(before: State, touched: boolean): HeldCommand[] {
    const now = this.state();
    if (now === 'held' && (touched || before !== 'held')) return this.timer(this.options.releaseAfterMs);
    if (now === 'stalled' && touched) return this.timer(this.stall!.ms);
    if (now !== 'held' && now !== 'stalled' && this.lastTimer !== null) return this.timer(null);
    return [];
  }

  private timer(ms: number | null): HeldCommand[] {
    this.lastTimer = ms;
    return [{ do: 'timer', ms }];
  }

  private state(): State {
    if (!this.listed) return this.reached ? 'gone' : 'before';
    if (this.message.parts[0]?.flowing || this.credits > 0 || this.message.parts.some((p) => p.released)) return 'releasing';
    return this.stall ? 'stalled' : 'held';
  }

  // ---- what the UI sees -------------------------------------------------------------

  /** The held message's state, for the list (shared/breakpoints.ts). */
  view(): Omit<HeldMessage, 'id' | 'direction' | 'rule' | 'releaseAt' | 'heldSince'> {
    const state = this.state();
    const next = this.message.next();
    const { part, chunk } = this.message.upcoming();
    const edit = next?.edit ?? null;
    return {
      state: state === 'stalled' || state === 'releasing' ? state : 'held',
      before: part,
      chunk,
      where: heldWhere(part, chunk),
      head: next?.part === 'head' && next.complete ? (edit?.lines ?? next.lines).join('\n') : null,
      next: next ? nextView(next) : null,
      edited: edit ? { head: edit.lines !== null, sizeLine: edit.line && next!.part !== 'head' ? Buffer.from(edit.line).toString('latin1').replace(/\r\n$/, '') : null, dataLength: edit.data?.length ?? null } : null,
      queuedBytes: this.message.queued,
      queuedChunks: this.message.wholeChunksAfter(next),
      senderEnded: this.senderEnded,
      receiverEnded: this.receiverEnded,
    };
  }

  /** What arrived so far of the next part, for an editor. */
  peek(): ReturnType<MessageParts['peek']> {
    return this.message.peek();
  }

  // ---- words ------------------------------------------------------------------------

  private upcomingName(): string {
    const { part, chunk } = this.message.upcoming();
    return partName(part, chunk);
  }

  private where(): string {
    const { part, chunk } = this.message.upcoming();
    return heldWhere(part, chunk);
  }

  private sentEffect = (p: Part): HeldCommand => this.applied(sentWords(p, this.sender()));
  private applied = (effect: string): HeldCommand => ({ do: 'applied', effect });
  private sender = (): string => (this.options.direction === 'response' ? 'server' : 'client');
  private finWords = (): string => (this.options.direction === 'response' ? 'closed the connection to the client (FIN)' : 'ended the request to the server (FIN)');
}
