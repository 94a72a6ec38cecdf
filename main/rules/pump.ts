// Carries out a rewriter's ops in order, in time: bytes go out at once, a wait or a
// hold delays everything after it, and a message held at a breakpoint (a step gate)
// holds what follows it until it went through. What waits is counted (a gate's bytes
// too), so the relay can stop reading the sender while too much is queued (memory stays
// bounded during a stall or a hold).

import type { Op, StepGate } from './ops';

export interface PumpSink {
  bytes(bytes: Buffer): void;
  applied(op: Extract<Op, { op: 'applied' }>): void;
  reset(): void;
  fin(): void;
  end(op: Extract<Op, { op: 'end' }>): void;
}

/** Queued bytes above which the relay stops reading the origin. */
export const PUMP_HIGH_WATER = 1024 * 1024;

export class Pump {
  private ops: Op[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The held message whose turn it is. */
  private gate: StepGate | null = null;
  /** Held until the connection ends (stall without a time limit). */
  private stopped = false;
  private closed = false;
  queuedBytes = 0;
  private drained: (() => void)[] = [];

  constructor(private readonly sink: PumpSink) {}

  push(ops: Op[]): void {
    if (this.closed || ops.length === 0) return;
    if (this.stopped) return this.afterHold(ops);
    for (const op of ops) {
      if (op.op === 'bytes') this.queuedBytes += op.length;
      this.ops.push(op);
    }
    this.run();
  }

  /**
   * Held until the connection ends: nothing more is sent (so nothing is kept: memory
   * stays flat however much the origin sends), and the origin's end, when it comes,
   * is the end of the stall.
   */
  private afterHold(ops: Op[]): void {
    for (const op of ops) {
      if (op.op === 'end') this.sink.end(op);
      else if (op.op === 'applied') this.sink.applied(op);
      else if (op.op === 'step') op.gate.abandon();
    }
  }

  /** The side sending into this queue, or the one it sends to, ended (in words): held messages still queued say so. */
  peerEnded(peer: 'sender' | 'receiver', words: string): void {
    this.gate?.peerEnded(peer, words);
    for (let i = this.next; i < this.ops.length; i++) {
      const op = this.ops[i]!;
      if (op.op === 'step') op.gate.peerEnded(peer, words);
    }
  }

  /** Bytes held by a gate in this queue came (positive) or left (negative). */
  count(delta: number): void {
    this.queuedBytes += delta;
    if (this.queuedBytes < PUMP_HIGH_WATER) this.release();
  }

  /** Called once the queue falls below the high-water mark. */
  onDrained(listener: () => void): void {
    if (this.queuedBytes < PUMP_HIGH_WATER) return listener();
    this.drained.push(listener);
  }

  /** Holding until the connection ends. */
  get held(): boolean {
    return this.stopped && !this.closed;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const op of this.ops.slice(this.next)) if (op.op === 'step') op.gate.abandon();
    this.gate?.abandon();
    this.gate = null;
    this.ops = [];
    this.next = 0;
    this.queuedBytes = 0;
    this.release();
  }

  private run(): void {
    if (this.timer || this.stopped || this.gate) return;
    while (this.next < this.ops.length && !this.closed) {
      const op = this.ops[this.next++]!;
      switch (op.op) {
        case 'bytes':
          this.queuedBytes -= op.length;
          this.sink.bytes(op.pieces.length === 1 ? Buffer.from(op.pieces[0]!.buffer, op.pieces[0]!.byteOffset, op.pieces[0]!.length) : Buffer.concat(op.pieces));
          break;
        case 'applied':
          this.sink.applied(op);
          break;
        case 'reset':
          this.sink.reset();
          break;
        case 'fin':
          this.sink.fin();
          break;
        case 'end':
          this.sink.end(op);
          break;
        case 'step': {
          // Its bytes go straight to the sink as they are released; the rest waits for it.
          const gate = (this.gate = op.gate);
          gate.attach(() => {
            if (this.gate !== gate) return;
            this.gate = null;
            this.run();
          });
          if (this.gate) this.compact();
          return;
        }
        case 'wait':
        case 'hold':
          if (op.ms === null) {
            this.stopped = true;
            const rest = this.ops.slice(this.next);
            this.ops = [];
            this.next = 0;
            this.queuedBytes = 0;
            this.release();
            this.afterHold(rest);
            return;
          } else {
            this.timer = setTimeout(() => {
              this.timer = null;
              this.run();
            }, op.ms);
          }
          this.compact();
          return;
      }
    }
    this.compact();
  }

  private compact(): void {
    if (this.next > 1024 || this.next === this.ops.length) {
      this.ops = this.ops.slice(this.next);
      this.next = 0;
    }
    if (this.queuedBytes < PUMP_HIGH_WATER) this.release();
  }

  private release(): void {
    if (this.drained.length === 0) return;
    const listeners = this.drained;
    this.drained = [];
    for (const l of listeners) l();
  }
}
