// Edit and resend: captured requests as the plan that sends each again byte for byte,
// found in a capture's records (the CLI reads the file; the app's worker thread reads the
// session's), with where they went (the origin, http or https) and, for the original
// timing, when each started and when the answer before it was complete. Reading stops
// once the last request wanted is whole: what comes after it is never read.

import { DEFAULT_END, type ConnectionPlan, type EndPlan, type RequestPlan } from '../../shared/plan';
import { byteCount, size } from '../../shared/words';
import type { CaptureRecord } from '../capture/format';
import { ConnectionAnalyzer } from '../analysis/connection';
import { planFromBytes } from './from-bytes';

/**
 * The most request bytes the app's composer takes (the plan is edited whole, and written
 * and read as text on the engine's thread: a mebibyte of binary body takes tens of
 * milliseconds); `send --from` on the command line takes up to what a plan may send.
 */
export const MAX_COMPOSE_BYTES = 1024 * 1024;

export class CannotCompose extends Error {}

export interface CapturedRequest {
  /** Request #index on its connection (0-based). */
  index: number;
  plan: RequestPlan;
  /** Seconds since the capture started: its first byte, and the previous request's answer complete (null when none). */
  startedAt: number;
  previousAnswerAt: number | null;
}

export interface CapturedRequests {
  requests: CapturedRequest[];
  /** Where the connection went: `http://host:port` or `https://…`; null when the capture does not say. */
  to: string | null;
  /** How the client ended the connection right after the last request wanted, when it did (cut short, or reset). */
  end: EndPlan | null;
}

interface Read {
  offset: number;
  bytes: Uint8Array;
  time: number;
}

/**
 * Requests `indexes` (0-based, ascending) of connection `connection`, from `records` in
 * capture order. Throws CannotCompose with a sentence when one is not there.
 */
export function capturedRequests(records: Iterable<CaptureRecord>, connection: number, indexes: number[], options: { timing?: boolean; maxBytes?: number } = {}): CapturedRequests {
  const maxBytes = options.maxBytes ?? MAX_COMPOSE_BYTES;
  const wanted = [...new Set(indexes)].sort((a, b) => a - b);
  const lastWanted = wanted.at(-1) ?? 0;
  let analyzer: ConnectionAnalyzer | null = null;
  /** Stream-0 reads from the first wanted request's start on. */
  const reads: Read[] = [];
  let kept = 0;
  const starts: number[] = [];
  const answeredAt: number[] = [];
  let done = false;
  for (const record of records) {
    if (record.type === 'session' || record.type === 'end' || record.connection !== connection) continue;
    if (record.type === 'open') {
      analyzer = new ConnectionAnalyzer(record.connection, record.client, record.mode, record.time, { keepChunks: false });
      continue;
    }
    if (!analyzer) continue;
    if (record.type !== 'data') analyzer.event(record);
    // Past the last request wanted, only where the connection went is still missing, if that.
    if (done && (analyzer.upstreams.length > 0 || analyzer.upstreamFailure)) break;
    if (record.type !== 'data') continue;
    if (record.stream === 1 && !done) {
      for (const e of analyzer.data(1, record.bytes, record.time, record.generated)) {
        const m = e.type === 'message-complete' ? analyzer.messages('response').at(e.message) : undefined;
        if (m && m.requestIndex !== null && (m.response?.status ?? 0) >= 200) answeredAt[m.requestIndex] = record.time;
      }
      continue;
    }
    if (record.stream !== 0 || done) continue;
    const offset = analyzer.streamBytes(0);
    for (const e of analyzer.data(0, record.bytes, record.time, record.generated)) {
      if (e.type === 'message-start') starts[e.message] = e.offset;
      if (e.type === 'message-start' && e.message > lastWanted) done = true;
    }
    if (offset + record.bytes.length > (wanted[0] === 0 ? 0 : (starts[wanted[0]!] ?? Infinity))) {
      reads.push({ offset, bytes: record.bytes, time: record.time });
      kept += record.bytes.length;
      if (kept > maxBytes) {
        throw new CannotCompose(`the requests wanted on c${connection} are over ${size(maxBytes)}, more than the composer edits; replay --to sends them again byte for byte`);
      }
    }
  }
  if (!analyzer) throw new CannotCompose(`the capture has no connection c${connection}`);
  const total = analyzer.streamBytes(0);
  const count = analyzer.messages('request').length;
  const requests = wanted.map((index): CapturedRequest => {
    if (index >= count) throw new CannotCompose(`c${connection} has ${count === 1 ? 'one request' : `${count} requests`}, no request #${index + 1}`);
    const from = index === 0 ? 0 : starts[index]!;
    const to = starts[index + 1] ?? total;
    const bytes = slice(reads, from, to);
    const timeAt = (offset: number) => timeOf(reads, from + offset);
    return { index, plan: planFromBytes(bytes, options.timing ? timeAt : undefined), startedAt: timeOf(reads, from), previousAnswerAt: index > 0 ? (answeredAt[index - 1] ?? null) : null };
  });
  const tls = analyzer.tls?.client != null;
  const target = analyzer.upstreams[0]?.target ?? analyzer.upstreamFailure?.target ?? null;
  const lastRequest = analyzer.messages('request').at(lastWanted);
  // A request the client cut short (or reset): the plan ends the connection the same way, right after it.
  // An RST counts over a FIN before it: Node reads an RST that follows data as the end of the stream first.
  const closes = analyzer.closes.filter((c) => c.side === 'client' && c.by === 'peer' && (c.kind === 'fin' || c.kind === 'rst' || c.kind === 'close-notify'));
  const how = closes.some((c) => c.kind === 'rst') ? 'rst' : 'fin';
  const end: EndPlan | null = lastRequest && !lastRequest.complete && closes.length > 0 && lastWanted === count - 1 ? { how, after: 'written' } : null;
  return { requests, to: target ? `${tls ? 'https' : 'http'}://${target}` : null, end };
}

/** One captured request as a plan of its own (the composer's "edit and resend"). */
export function capturedPlan(records: Iterable<CaptureRecord>, connection: number, index: number, maxBytes?: number): ConnectionPlan {
  const found = capturedRequests(records, connection, [index], { maxBytes });
  return { to: found.to, pipeline: false, requests: [found.requests[0]!.plan], end: found.end ?? DEFAULT_END };
}

function slice(reads: Read[], from: number, to: number): Buffer {
  const parts: Uint8Array[] = [];
  for (const r of reads) {
    const start = Math.max(from, r.offset);
    const end = Math.min(to, r.offset + r.bytes.length);
    if (end > start) parts.push(r.bytes.subarray(start - r.offset, end - r.offset));
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length !== to - from) throw new CannotCompose(`the capture holds ${byteCount(bytes.length)} of the ${byteCount(to - from)} of this request`);
  return bytes;
}

/** Seconds since the capture started when the byte at stream offset `offset` arrived. */
function timeOf(reads: Read[], offset: number): number {
  for (const r of reads) if (offset < r.offset + r.bytes.length) return r.time;
  return reads.at(-1)?.time ?? 0;
}
