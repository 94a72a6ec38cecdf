// Running the parser over pieces of input, and the invariants every run must keep.

import type { Direction, EndKind, Http1Event } from '../../../shared/http1';
import type { DirectionReport } from '../../../shared/ledger';
import { LedgerBuilder } from '../ledger';
import { Http1Parser, type ParserOptions } from '../parser';

export interface Run {
  events: Http1Event[];
  report: DirectionReport;
}

export function parserOptions(direction: Direction, methods: string[] | null, limits: ParserOptions['limits'] = {}): ParserOptions {
  const options: ParserOptions = { limits };
  if (direction === 'response' && methods) options.requestMethod = (i) => methods[i];
  return options;
}

export function runPieces(direction: Direction, pieces: Iterable<Uint8Array>, eof: EndKind, options: ParserOptions = {}): Run {
  const parser = new Http1Parser(direction, options);
  const ledger = new LedgerBuilder(direction);
  const events: Http1Event[] = [];
  for (const piece of pieces) {
    const out = parser.feed(piece);
    ledger.push(out);
    for (const e of out) events.push(e);
  }
  const out = parser.end(eof);
  ledger.push(out);
  for (const e of out) events.push(e);
  return { events, report: ledger.report() };
}

export function* bytewise(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/** Cut points of a split into several pieces. */
export function piecesAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

const MERGEABLE = new Set(['chunk-data', 'body-data', 'raw']);

/**
 * Events with adjacent pieces of one data span merged: how many pieces a chunk's data
 * arrives in depends on the reads, and is the only thing that may.
 */
export function normalize(events: readonly Http1Event[]): Http1Event[] {
  const out: Http1Event[] = [];
  for (const event of events) {
    const prev = out[out.length - 1];
    if (
      prev &&
      MERGEABLE.has(event.type) &&
      prev.type === event.type &&
      'length' in prev &&
      'length' in event &&
      prev.offset + prev.length === event.offset &&
      prev.message === event.message &&
      (prev as { chunk?: number }).chunk === (event as { chunk?: number }).chunk &&
      (prev as { reason?: string }).reason === (event as { reason?: string }).reason
    ) {
      out[out.length - 1] = { ...prev, length: prev.length + event.length } as Http1Event;
      continue;
    }
    out.push(event);
  }
  return out;
}

/** The spans must cover [0, total) exactly once: returns a description of the first gap or overlap. */
export function coverageProblem(events: readonly Http1Event[], total: number): string | null {
  const spans = events.filter((e): e is Extract<Http1Event, { length: number }> => 'length' in e && e.length > 0);
  spans.sort((a, b) => a.offset - b.offset);
  let at = 0;
  for (const span of spans) {
    if (span.offset !== at) return `${span.offset > at ? 'gap' : 'overlap'} at byte ${at} (next span: ${span.type} @${span.offset}+${span.length})`;
    at += span.length;
  }
  return at === total ? null : `spans end at ${at}, input has ${total} bytes`;
}
