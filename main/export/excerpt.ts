// Some exchanges of a capture as a capture of their own: each connection that carried one
// keeps its events (open, TLS, tunnel, how each side ended) and, of its bytes, only those
// of the exchanges asked for, with their arrival times. So each exchange parses as it did
// and the connection's account (who ended it, how, after which stall) reads the same.
//
// What is left out is the other exchanges' bytes. So on its connection a kept exchange is
// numbered among the kept ones (c3#5 alone becomes c3#1), byte offsets count from the first
// byte kept, and the last exchange kept on a connection is followed by the connection's end
// (it may have been followed by others). Two passes: where each exchange's bytes lie, then
// the copy. Memory: the messages of the connections asked for (no bodies), as HAR export.

import type { ExchangeMark } from '../../shared/api';
import { exchangeId, parseExchangeId } from '../../shared/exchange-id';
import type { CaptureRecord, MarkEvent } from '../capture/format';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import type { ConnectionAnalyzer } from '../analysis/connection';

/** Bytes [from, to) of a stream, kept. */
type Range = [number, number];

/** What is kept of one connection. */
interface Cut {
  /** Kept byte ranges of each stream (0, 1: the client's; 2, 3: the origin's, with rules), in order. */
  ranges: [Range[], Range[], Range[], Range[]];
  /** Old exchange index -> its index in the excerpt. */
  renumber: Map<number, number>;
  /** Response message indices of the kept exchanges, in order (an import's recorded body lengths follow them). */
  responses: number[];
}

export interface ExcerptPlan {
  cuts: Map<number, Cut>;
  /** Exchanges asked for that the capture does not have (by id). */
  missing: string[];
}

/** What the excerpt says it left out, in words (the API's and the CLI's answer). */
export const EXCERPT_LEAVES_OUT =
  'the other exchanges of the same connections: a kept exchange is numbered among the kept ones on its connection, byte offsets count from the first byte kept, and the connection’s end follows the last exchange kept on it';

/** Pass 1: where the bytes of each exchange asked for lie. `records` is read once. */
export function planExcerpt(records: Iterable<CaptureRecord>, ids: readonly string[]): ExcerptPlan {
  const asked = new Map<number, Set<number>>();
  for (const id of ids) {
    const ref = parseExchangeId(id);
    if (!ref) continue;
    if (!asked.has(ref.connection)) asked.set(ref.connection, new Set());
    asked.get(ref.connection)!.add(ref.index);
  }
  const analysis = new CaptureAnalysis({ keepChunks: false });
  for (const record of records) if (!('connection' in record) || asked.has(record.connection)) analysis.add(record);
  const cuts = new Map<number, Cut>();
  const missing: string[] = [];
  for (const [number, indices] of asked) {
    const a = analysis.connections.get(number);
    const count = a?.exchangeCount() ?? 0;
    const kept = [...indices].filter((i) => i < count).sort((x, y) => x - y);
    for (const i of indices) if (i >= count) missing.push(exchangeId(number, i));
    if (!a || kept.length === 0) continue;
    const origin = a.origin;
    cuts.set(number, {
      ranges: [...streamRanges(a, kept), ...(origin ? streamRanges(origin, kept) : [[], []])] as Cut['ranges'],
      renumber: new Map(kept.map((old, i) => [old, i])),
      responses: responseIndices(a, new Set(kept)),
    });
  }
  return { cuts, missing };
}

/**
 * The byte ranges of exchanges `kept` on the request and response streams of an analysis:
 * exchange k runs from where k-1 ended (its last message's end) to where it ends; the
 * connection's last exchange runs to the stream's end (a tunnel, bytes never parsed).
 */
function streamRanges(a: ConnectionAnalyzer, kept: number[]): [Range[], Range[]] {
  const count = a.exchangeCount();
  const requests = a.messages('request');
  // One pass over the responses (a connection may carry 100,000 exchanges).
  const responseEnds: number[] = [];
  for (const m of a.messages('response')) {
    if (m && m.requestIndex !== null) responseEnds[m.requestIndex] = Math.max(responseEnds[m.requestIndex] ?? 0, m.end);
  }
  const bounds: [number[], number[]] = [[0], [0]];
  for (let k = 0; k < count; k++) {
    bounds[0].push(Math.max(bounds[0][k]!, requests.at(k)?.end ?? 0));
    bounds[1].push(Math.max(bounds[1][k]!, responseEnds[k] ?? 0));
  }
  const ranges = (b: number[]): Range[] => kept.map((k) => [b[k]!, k === count - 1 ? Infinity : b[k + 1]!]);
  return [ranges(bounds[0]), ranges(bounds[1])];
}

/** The response messages of exchanges `kept`, in order. */
function responseIndices(a: ConnectionAnalyzer, kept: Set<number>): number[] {
  const out: number[] = [];
  for (const m of a.messages('response')) if (m && m.requestIndex !== null && kept.has(m.requestIndex)) out.push(m.index);
  return out;
}

/**
 * Pass 2: the excerpt's records, from the capture's records read again. `marks`: the pins
 * and comments to carry (by the capture's exchange ids; default the capture's own).
 */
export function* excerptRecords(records: Iterable<CaptureRecord>, plan: ExcerptPlan, marks?: ReadonlyMap<string, ExchangeMark>): Generator<CaptureRecord> {
  const offsets = new Map<number, [number, number, number, number]>();
  const ownMarks = new Map<string, ExchangeMark>();
  let last = 0;
  for (const record of records) {
    if ('time' in record && Number.isFinite(record.time)) last = Math.max(last, record.time);
    if (record.type === 'session') {
      yield record;
      continue;
    }
    if (record.type === 'end') continue; // one end, after the marks
    const cut = plan.cuts.get(record.connection);
    if (!cut) continue;
    switch (record.type) {
      case 'data': {
        const at = offsets.get(record.connection) ?? [0, 0, 0, 0];
        offsets.set(record.connection, at);
        const from = at[record.stream];
        at[record.stream] += record.bytes.length;
        for (const [start, end] of cut.ranges[record.stream]) {
          const a = Math.max(start, from);
          const b = Math.min(end, from + record.bytes.length);
          if (a < b) yield { ...record, bytes: record.bytes.subarray(a - from, b - from) };
        }
        break;
      }
      case 'rule':
      case 'stall': {
        const exchange = cut.renumber.get(record.exchange);
        if (exchange !== undefined) yield { ...record, exchange };
        break;
      }
      case 'mark': {
        // The last mark of an exchange holds; an empty one takes it away.
        const id = exchangeId(record.connection, record.exchange);
        if (record.pinned || record.comment !== '') ownMarks.set(id, { pinned: record.pinned, comment: record.comment });
        else ownMarks.delete(id);
        break;
      }
      case 'rewrite': {
        const offset = keptOffset(cut.ranges[record.stream], record.offset);
        if (offset !== null) yield { ...record, offset };
        break;
      }
      case 'imported': {
        const bodies = record.recordedBodies;
        const requests = [...cut.renumber.keys()];
        yield bodies ? { ...record, recordedBodies: { request: requests.map((k) => bodies.request[k] ?? null), response: cut.responses.map((m) => bodies.response[m] ?? null) } } : record;
        break;
      }
      default:
        yield record;
    }
  }
  for (const [number, cut] of plan.cuts) {
    for (const [old, exchange] of cut.renumber) {
      const mark = (marks ?? ownMarks).get(exchangeId(number, old));
      if (mark && (mark.pinned || mark.comment !== '')) yield { type: 'mark', connection: number, time: last, exchange, pinned: mark.pinned, comment: mark.comment } satisfies MarkEvent;
    }
  }
  yield { type: 'end', time: last };
}

/** Where a byte of a stream is in the excerpt (its kept ranges put end to end), or null when it is not kept. */
function keptOffset(ranges: Range[], offset: number): number | null {
  let before = 0;
  for (const [start, end] of ranges) {
    if (offset >= start && offset < end) return before + offset - start;
    before += end - start;
  }
  return null;
}

/** How many exchanges the plan keeps. */
export function excerptSize(plan: ExcerptPlan): number {
  let n = 0;
  for (const cut of plan.cuts.values()) n += cut.renumber.size;
  return n;
}
