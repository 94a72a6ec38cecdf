// What a rewriter asks the relay to do, in order: send bytes, wait, hold, end.

import type { Direction } from '../../shared/http1';

export type PeerEndHow = 'fin' | 'close-notify' | 'rst' | 'error';

export type Op =
  | { op: 'bytes'; pieces: Uint8Array[]; length: number }
  /** Wait this long before the next op (delay-chunks). */
  | { op: 'wait'; ms: number }
  /** Send nothing more: for `ms`, or (null) until the connection ends (stall-after-chunks). */
  | { op: 'hold'; ms: number | null }
  /** Reset the connection (RST) to the client and the origin. */
  | { op: 'reset' }
  /** Close the connection to the client with a FIN (drop-last-chunk). */
  | { op: 'fin' }
  /** The origin's end of the connection, passed on after the bytes before it. */
  | { op: 'end'; how: PeerEndHow; detail: string | null }
  /** A rule changed what is sent: recorded in the capture when this op is reached. */
  | { op: 'applied'; direction: Direction; exchange: number; rule: string; effect: string }
  /** A message held at a breakpoint: what follows waits until it went through (stepping.ts). */
  | { op: 'step'; gate: StepGate };

/** A held message in the queue: given its turn, it sends through the queue's sink, then says it is done. */
export interface StepGate {
  attach(done: () => void): void;
  /** Never given its turn (the connection ends, or a stall holds the queue for good). */
  abandon(): void;
  /** Its sender ended its side (that end goes on after it), or its receiver did: in words. */
  peerEnded(peer: 'sender' | 'receiver', words: string): void;
}

/** Unconsumed input, taken from the front in the order the parser's spans tile it. */
export class ByteQueue {
  private pieces: Uint8Array[] = [];
  private head = 0; // offset into pieces[0]
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    this.length += bytes.length;
  }

  /** Remove and return the next `n` bytes (as views, no copy). */
  take(n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (n > 0 && this.pieces.length > 0) {
      const first = this.pieces[0]!;
      const available = first.length - this.head;
      const k = Math.min(n, available);
      out.push(first.subarray(this.head, this.head + k));
      n -= k;
      this.length -= k;
      if (k === available) {
        this.pieces.shift();
        this.head = 0;
      } else this.head += k;
    }
    return out;
  }
}

export function totalLength(pieces: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

/** Split `pieces` into the first `n` bytes and the rest. */
export function splitPieces(pieces: readonly Uint8Array[], n: number): [Uint8Array[], Uint8Array[]] {
  const head: Uint8Array[] = [];
  const rest: Uint8Array[] = [];
  for (const p of pieces) {
    if (n >= p.length) {
      head.push(p);
      n -= p.length;
    } else if (n > 0) {
      head.push(p.subarray(0, n));
      rest.push(p.subarray(n));
      n = 0;
    } else rest.push(p);
  }
  return [head, rest];
}

/** Collects ops, merging consecutive bytes into one op. */
export class OpList {
  ops: Op[] = [];

  bytes(pieces: readonly Uint8Array[]): void {
    const length = totalLength(pieces);
    if (length === 0) return;
    const last = this.ops[this.ops.length - 1];
    if (last?.op === 'bytes') {
      last.pieces.push(...pieces);
      last.length += length;
    } else this.ops.push({ op: 'bytes', pieces: [...pieces], length });
  }

  /**
   * Pieces as `parts` ops or fewer (never merged with others): a big body goes out in a few
   * writes, each copied into one buffer on its own, not all at once in one copy of it all.
   */
  split(pieces: readonly Uint8Array[], parts: number): void {
    const part = Math.ceil(totalLength(pieces) / parts);
    let group: Uint8Array[] = [];
    let length = 0;
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      group.push(piece);
      length += piece.length;
      if (length >= part) {
        this.ops.push({ op: 'bytes', pieces: group, length });
        group = [];
        length = 0;
      }
    }
    if (length > 0) this.ops.push({ op: 'bytes', pieces: group, length });
  }

  text(s: string): void {
    this.bytes([Buffer.from(s, 'latin1')]);
  }

  push(op: Op): void {
    this.ops.push(op);
  }

  drain(): Op[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }
}
