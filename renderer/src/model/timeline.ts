// The Timeline of one exchange, as data a canvas draws at any zoom: time on x (seconds
// since the request's first byte), cumulative bytes on y. Each chunk a mark sized by its
// bytes; the last chunk or its absence; stalls as gaps with their length; each side's
// end, who and how (a mirrored one as passed on); where the Stream view's items ended.
// Everything comes from the detail and its account. Pure, so tested alone.

import type { AccountEnd, AccountStall } from '../../../shared/account';
import type { ExchangeDetail, MessageDetail } from '../../../shared/api';
import * as words from '../../../shared/words';
import type { Domain } from './zoom';

export interface ChunkSeries {
  side: 'request' | 'response';
  message: MessageDetail;
  /** When each chunk's last byte arrived, seconds since the request's first byte. */
  times: Float64Array;
  /** Data bytes up to and including each chunk. */
  cumulative: Float64Array;
  maxChunk: number;
}

export interface TimelineEnd {
  t: number;
  label: string;
  /** The story's sentence for it. */
  story: string;
  kind: 'fin' | 'rst' | 'other';
  mirrored: boolean;
  /** The end that came first and was no mirror: who ended the connection. */
  first: boolean;
}

export interface TimelineStall {
  from: number;
  to: number;
  label: string;
  /** What it waited for, and what ended it. */
  story: string;
  ongoing: boolean;
}

export interface TimelineData {
  /** The request's first byte, seconds since the connection opened: 0 on the axis. */
  origin: number;
  full: Domain;
  /** The exchange's last moment (the whole view ends a little after it). */
  end: number;
  /** The response's chunks first, then the request's when it was chunked. */
  series: ChunkSeries[];
  /** The top of the bytes axis: the larger body. */
  maxBytes: number;
  stalls: TimelineStall[];
  ends: TimelineEnd[];
  /** The last chunk of the main body (the response's, else the request's), or where it should have come. */
  last: { t: number; kind: 'last-chunk' | 'missing'; label: string } | null;
  streaming: boolean;
  /** Where each item of the Stream view ended, in order, and what it said ("item #3 ended: …"). */
  items: { times: Float64Array; labels: string[] };
}

/** A mark as drawn: one chunk, or the chunks sharing a few pixels when they are dense. */
export interface TimelineMark {
  series: number;
  first: number;
  count: number;
  bytes: number;
  /** Pixel column (left edge of its bin) and the time of its last chunk. */
  x: number;
  t: number;
  /** Cumulative bytes after its last chunk. */
  cumulative: number;
}

function series(side: ChunkSeries['side'], message: MessageDetail | null, origin: number): ChunkSeries | null {
  const c = message?.chunkColumns;
  if (!message || !c || c.sizes.length === 0) return null;
  const n = c.sizes.length;
  const times = new Float64Array(n);
  const cumulative = new Float64Array(n);
  let total = 0;
  let maxChunk = 1;
  for (let i = 0; i < n; i++) {
    times[i] = c.lastTimes[i]! - origin;
    total += c.dataLengths[i]!;
    cumulative[i] = total;
    if (c.dataLengths[i]! > maxChunk) maxChunk = c.dataLengths[i]!;
  }
  return { side, message, times, cumulative, maxChunk };
}

function stallStory(s: AccountStall): string {
  const ended = s.endedBy === null ? '' : s.endedBy === 'bytes' ? '; then bytes came' : `; then ${words.howItEnded(s.endedBy)}`;
  return `${s.ongoing ? 'waiting' : 'no byte'} for ${words.duration(s.seconds)}, waiting for ${s.waitingFor}${ended}`;
}

export function timelineData(detail: ExchangeDetail, items: readonly { arrived: number | null; label: string }[] = []): TimelineData {
  const origin = detail.account.span.from;
  const all = [series('response', detail.response, origin), series('request', detail.request, origin)].filter((s): s is ChunkSeries => s !== null);
  const span = Math.max(1e-3, (detail.account.span.to ?? detail.response?.last ?? origin) - origin);
  const ends: TimelineEnd[] = [];
  // The decision the last mark stands for, while an end Chunkscope passed on may still join it.
  let source: AccountEnd | null = null;
  for (const e of detail.account.ends) {
    const last = ends[ends.length - 1];
    if (e.mirrored && last && source && source.how === e.how && e.at - source.at <= span * 0.02) {
      // Passed on at once: one mark, "server FIN, passed on to the client".
      last.label = words.endPassedOn(source, e);
      last.story = `${last.story}; ${words.endStep(e)}`;
      source = null;
      continue;
    }
    const kind = e.how === 'rst' ? 'rst' : e.how === 'fin' || e.how === 'close-notify' ? 'fin' : 'other';
    ends.push({ t: e.at - origin, label: words.endTag(e), story: words.endStep(e), kind, mirrored: e.mirrored, first: false });
    source = e.mirrored ? null : e;
  }
  const firstEnd = ends.find((e) => !e.mirrored) ?? null;
  if (firstEnd) firstEnd.first = true;
  const stalls = detail.account.stalls.map((s) => ({
    from: s.since - origin,
    to: s.since + s.seconds - origin,
    label: `${s.ongoing ? 'waiting' : 'no byte for'} ${words.duration(s.seconds)}`,
    story: stallStory(s),
    ongoing: s.ongoing,
  }));
  const main = detail.response?.framing === 'chunked' ? detail.response : detail.request?.framing === 'chunked' ? detail.request : null;
  const streaming = detail.row.state === 'streaming' || detail.row.state === 'waiting';
  let last: TimelineData['last'] = null;
  if (main?.terminator && main.last !== null) last = { t: main.last - origin, kind: 'last-chunk', label: main === detail.request ? "request's last chunk" : 'last chunk' };
  else if (main && !main.terminator && !streaming) last = { t: firstEnd?.t ?? (main.last ?? origin) - origin, kind: 'missing', label: '✗ last chunk missing' };
  // Items still arriving have no end yet: only the ended ones are marked.
  const ended = items.filter((i): i is { arrived: number; label: string } => i.arrived !== null);
  const itemTimes = Float64Array.from(ended, (i) => i.arrived - origin);

  let end = 1e-3;
  const later = (t: number) => {
    if (Number.isFinite(t) && t > end) end = t;
  };
  if (detail.account.span.to !== null) later(detail.account.span.to - origin);
  for (const s of all) later(s.times[s.times.length - 1]!);
  for (const m of [detail.request, detail.response]) if (m?.last !== null && m?.last !== undefined) later(m.last - origin);
  for (const s of stalls) later(s.to);
  for (const e of ends) later(e.t);
  itemTimes.forEach(later);
  let maxBytes = 1;
  for (const s of all) maxBytes = Math.max(maxBytes, s.cumulative[s.cumulative.length - 1]!);
  return { origin, full: [0, end * 1.04], end, series: all, maxBytes, stalls, ends, last, streaming, items: { times: itemTimes, labels: ended.map((i) => i.label) } };
}

/** The first index whose time is at or after `t` (times ascending). */
export function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose time is after `t`. */
function firstAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The marks of one series in view: one per chunk when they are sparse, else the chunks of
 * each `bin` pixels merged (their bytes summed), so 100,000 chunks cost one pass and draw
 * at most a mark per bin. Work grows with the chunks in view, not with the exchange.
 */
export function seriesMarks(s: ChunkSeries, index: number, domain: Domain, left: number, width: number, bin: number): TimelineMark[] {
  const from = firstAtOrAfter(s.times, domain[0]);
  const to = firstAfter(s.times, domain[1]);
  const perPixel = width / Math.max(1e-12, domain[1] - domain[0]);
  const dense = to - from > width / bin;
  const marks: TimelineMark[] = [];
  let current: TimelineMark | null = null;
  let column = -1;
  for (let i = from; i < to; i++) {
    const t = s.times[i]!;
    const x = left + (t - domain[0]) * perPixel;
    const bytes = s.cumulative[i]! - (i > 0 ? s.cumulative[i - 1]! : 0);
    if (dense) {
      const c = Math.floor((x - left) / bin);
      if (current && c === column) {
        current.count++;
        current.bytes += bytes;
        current.t = t;
        current.cumulative = s.cumulative[i]!;
        continue;
      }
      column = c;
      current = { series: index, first: i, count: 1, bytes, x: left + c * bin + bin / 2, t, cumulative: s.cumulative[i]! };
    } else {
      current = { series: index, first: i, count: 1, bytes, x, t, cumulative: s.cumulative[i]! };
    }
    marks.push(current);
  }
  return marks;
}

/** The chunk of a series nearest time `t`. */
export function nearestChunk(s: ChunkSeries, t: number): number {
  const i = firstAtOrAfter(s.times, t);
  if (i <= 0) return 0;
  if (i >= s.times.length) return s.times.length - 1;
  return t - s.times[i - 1]! <= s.times[i]! - t ? i - 1 : i;
}

/** What a chunk's mark says when hovered or picked: number, size as sent, offset, arrival, gap, the items it ended. */
export function chunkFacts(data: TimelineData, s: ChunkSeries, i: number): string[] {
  const c = s.message.chunkColumns!;
  const received = c.dataLengths[i]!;
  const facts = [
    `chunk #${words.groupDigits(i + 1)} of the ${s.side}`,
    `size as sent ${c.sizeTokens[i]} (${words.byteCount(c.sizes[i]!)}${received < c.sizes[i]! ? `, ${words.groupDigits(received)} received` : ''})`,
    `at byte ${words.groupDigits(c.offsets[i]!)}`,
    `arrived ${words.duration(s.times[i]!)}`,
  ];
  if (i > 0) facts.push(`gap ${words.duration(Math.max(0, c.firstTimes[i]! - c.lastTimes[i - 1]!))}`);
  if (s.side === 'response' && data.items.times.length > 0) {
    const from = firstAtOrAfter(data.items.times, i > 0 ? s.times[i - 1]! + 1e-12 : -Infinity);
    let to = from;
    while (to < data.items.times.length && data.items.times[to]! <= s.times[i]!) to++;
    if (to > from) facts.push(to - from === 1 ? data.items.labels[from]! : `${words.plural(to - from, 'item')} ended in it`);
  }
  return facts;
}

/** What a merged mark says: which chunks, their bytes, when. */
export function groupFacts(s: ChunkSeries, first: number, count: number, bytes: number): string[] {
  return [
    `chunks #${words.groupDigits(first + 1)}–#${words.groupDigits(first + count)} of the ${s.side} (${words.groupDigits(count)})`,
    words.byteCount(bytes),
    `arrived ${words.duration(s.times[first]!)} – ${words.duration(s.times[first + count - 1]!)}`,
    'zoom in to tell them apart',
  ];
}
