// The Stream view of an exchange's response (issue 8): its body fed to main/stream in
// the pieces it arrived in (each chunk's data, split where network reads split it), so
// every item knows the chunks that carried it and when its last byte came. A view is
// kept per exchange and fed only what arrived since the last look: a live stream is
// not parsed again every time the tab refreshes.

import type { StreamViewResult } from '../../shared/api';
import { fieldValue } from '../../shared/fields';
import type { MessageRecord } from '../../shared/ledger';
import { StreamView, type BodyPiece } from '../stream';
import type { ConnectionAnalyzer } from '../analysis/connection';

/** Bodies are viewed up to this many bytes as sent; beyond, the view says where it stopped. */
export const MAX_STREAM_BODY = 64 * 1024 * 1024;
/** Views kept (the exchanges looked at last). */
const KEPT = 4;
/** Work this long, then let the proxy's sockets run. */
const SLICE_MS = 4;
/** Items in one answer: a view far behind catches up in several small answers, never one that stalls the relay to serialise. */
export const ITEMS_PER_ANSWER = 2000;
/** Bytes of the stream read at once while feeding a view: reading a body already there costs a window a turn. */
export const FEED_WINDOW = 256 * 1024;


/**
 * Body ranges of the stream past offset `after`, in order, with the chunk each belongs to
 * (null when not chunked), within `span` bytes of the stream from the first. The chunks
 * already fed are skipped by a binary search: a look at a live stream of a million chunks
 * costs what arrived since the last, not the whole.
 */
export function bodyRangesAfter(m: MessageRecord, after: number, span = Infinity): { from: number; to: number; chunk: number | null }[] {
  if (m.framing === 'chunked') {
    const chunks = m.chunks ?? [];
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid]!;
      if (c.dataOffset + c.dataLength <= after) lo = mid + 1;
      else hi = mid;
    }
    const ranges: { from: number; to: number; chunk: number | null }[] = [];
    let limit = Infinity;
    for (let i = lo; i < chunks.length; i++) {
      const c = chunks[i]!;
      const from = Math.max(c.dataOffset, after);
      limit = Math.min(limit, from + span);
      if (from >= limit) break;
      ranges.push({ from, to: Math.min(c.dataOffset + c.dataLength, limit), chunk: c.index });
    }
    return ranges;
  }
  if (m.bodyLength === 0 || m.end <= after) return [];
  const from = Math.max(m.end - m.bodyLength, after);
  return [{ from, to: Math.min(m.end, from + span), chunk: null }];
}

interface Watched {
  key: string;
  view: StreamView;
  /** Stream offset up to which the body was fed. */
  fedTo: number;
  fed: number;
  limited: string | null;
  finished: boolean;
  busy: Promise<unknown>;
}

export interface StreamSource {
  analyzer: ConnectionAnalyzer;
  index: number;
  response: MessageRecord | null;
  /** Bytes [from, to) of what the client received. */
  bytes(from: number, to: number): Uint8Array;
  /** What happened to the exchange, in one sentence: the account's headline (ExchangeDetail.account). */
  headline(): string;
}

export class StreamViews {
  private watched: Watched[] = [];

  /** The view of one exchange, fed what arrived since; items from #`from` on. */
  async view(source: StreamSource, from: number): Promise<StreamViewResult> {
    const { analyzer, response } = source;
    if (!response) return { kind: null, note: 'no response yet', decoding: null, items: [], errors: [], ended: false, streaming: true, limited: null, from: 0, total: 0 };
    const key = `${analyzer.number}:${source.index}:${response.offset}`;
    let w = this.watched.find((x) => x.key === key);
    if (!w) {
      const view = new StreamView({ contentType: fieldValue(response.headers, 'content-type'), contentEncoding: fieldValue(response.headers, 'content-encoding') });
      w = { key, view, fedTo: 0, fed: 0, limited: null, finished: false, busy: Promise.resolve() };
    }
    this.watched = [w, ...this.watched.filter((x) => x !== w)].slice(0, KEPT);
    // One look at a time per exchange: a second waits for the first.
    const run = w.busy.then(() => this.feed(w, source, response));
    w.busy = run.catch(() => undefined);
    return run.then((streaming) => {
      const total = w.view.itemCount;
      const start = from <= total ? from : 0;
      const report = w.view.report(start, ITEMS_PER_ANSWER);
      return { ...report, note: report.note ?? w.limited, streaming, limited: w.limited, from: start, total };
    });
  }

  /** Feed what is new; end the view once the body ended. Resolves with whether it still streams. */
  private async feed(w: Watched, source: StreamSource, response: MessageRecord): Promise<boolean> {
    const { analyzer } = source;
    const end = analyzer.streamEnd(1);
    // Framing lost (an F-class anomaly): no more of this body can be read.
    const lost = response.anomalies.find((a) => a.cls === 'F');
    const ended = response.complete || end !== null || lost !== undefined;
    if (w.finished) return false;
    // A window of the stream at a time: a first look at a body of 60 MiB that all arrived
    // already reads and walks it in slices, never in one synchronous read.
    let slice = performance.now();
    for (;;) {
      const pieces = bodyRangesAfter(response, w.fedTo, FEED_WINDOW);
      if (pieces.length === 0) break;
      if (w.fed >= MAX_STREAM_BODY) {
        w.limited = `the view stops after the first ${MAX_STREAM_BODY / 1024 / 1024} MiB of the body`;
        break;
      }
      const first = pieces[0]!.from;
      const all = source.bytes(first, pieces[pieces.length - 1]!.to);
      for (const range of pieces) {
        let at = range.from;
        while (at < range.to && w.fed < MAX_STREAM_BODY) {
          // The read that carried byte `at`: one piece per read per chunk.
          const [offset, length, time] = analyzer.readAt(1, at) ?? [at, range.to - at, analyzer.openedAt];
          const to = Math.min(range.to, offset + length, at + (MAX_STREAM_BODY - w.fed));
          const piece: BodyPiece = { bytes: all.subarray(at - first, to - first), time: time - analyzer.openedAt, chunk: range.chunk };
          await w.view.push(piece);
          w.fed += to - at;
          w.fedTo = at = to;
          if (performance.now() - slice >= SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
        }
      }
    }
    if (!ended && !w.limited) return true;
    w.finished = true;
    if (!w.limited) {
      // Why it ended early is the account's headline: the same words as the detail's.
      await w.view.end({ complete: response.complete, reason: response.complete ? null : source.headline() });
    }
    return false;
  }
}
