// Feeding parsers in pieces for the tests: whole, byte by byte, split at every
// position. Each piece is a fresh copy that is scribbled over once fed, so a
// parser that keeps a reference instead of what it needs is caught.

import { expect } from 'vitest';
import type { BodyEnd, StreamItem } from '../../../shared/stream';
import type { ItemParser, ParseError } from '../item-parser';
import { piecesAt } from '../../http1/test-support/run';

/** The split helper of the framing parser's tests: the same cuts, the same pieces. */
export { piecesAt };

export const COMPLETE: BodyEnd = { complete: true, reason: null };
export const RST: BodyEnd = { complete: false, reason: 'no last chunk: the server reset the connection (RST)' };

export interface Run {
  items: StreamItem[];
  errors: ParseError[];
  /** How many items had come out before end(). */
  beforeEnd: number;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function runPieces(make: () => ItemParser, pieces: readonly Uint8Array[], end: BodyEnd = COMPLETE): Run {
  const parser = make();
  const items: StreamItem[] = [];
  const errors: ParseError[] = [];
  for (const piece of pieces) {
    const copy = piece.slice();
    const out = parser.feed(copy);
    copy.fill(0xee);
    items.push(...out.items);
    errors.push(...out.errors);
  }
  const beforeEnd = items.length;
  const out = parser.end(end);
  items.push(...out.items);
  errors.push(...out.errors);
  return { items, errors, beforeEnd };
}

export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Items and errors only (what must not depend on the split). */
export function outcome(run: Run): { items: StreamItem[]; errors: ParseError[] } {
  return { items: run.items, errors: run.errors };
}

/**
 * Fed whole, one byte at a time and split in two at every position, the parser
 * gives the same items and errors. Returns the run fed whole.
 */
export function expectSplitInvariant(make: () => ItemParser, bytes: Uint8Array, end: BodyEnd = COMPLETE): Run {
  const whole = runPieces(make, [bytes], end);
  const expected = JSON.stringify(outcome(whole));
  expect(outcome(runPieces(make, bytewise(bytes), end)), 'fed one byte at a time').toEqual(outcome(whole));
  for (let cut = 1; cut < bytes.length; cut++) {
    const run = runPieces(make, piecesAt(bytes, [cut]), end);
    if (JSON.stringify(outcome(run)) !== expected) expect(outcome(run), `split at byte ${cut}`).toEqual(outcome(whole));
  }
  return whole;
}

/** The bytes of an item's range, as text. */
export function slice(bytes: Uint8Array, item: { start: number; end: number }): string {
  return new TextDecoder().decode(bytes.subarray(item.start, item.end));
}
