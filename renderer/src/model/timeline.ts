// The Timeline of one response: time on x, bytes on y. Each chunk is a mark sized by its
// bytes, a line climbs with the cumulative bytes, and the end is marked: the last chunk,
// or a red "missing" marker and the close (FIN or RST, which side). Pure, so tested alone.

import type { ConnectionEnd, ExchangeDetail } from '../../../shared/api';
import * as words from '../../../shared/words';

export interface TimelineMark {
  x: number;
  y: number;
  r: number;
  /** Chunks this mark stands for (more than 1 when many share a pixel). */
  chunks: number;
  firstChunk: number;
  bytes: number;
}

export interface TimelineLayout {
  width: number;
  height: number;
  /** Time span shown, seconds since the response's first byte. */
  duration: number;
  totalBytes: number;
  marks: TimelineMark[];
  /** Cumulative bytes: points "x,y". */
  line: string;
  end: { x: number; kind: 'last-chunk' | 'missing' | 'streaming' | 'none'; label: string };
  close: { x: number; label: string; kind: 'fin' | 'rst' | 'other' } | null;
  ticks: { x: number; label: string }[];
  /** Where items of the Stream view ended (one mark per pixel column), over the chunk marks. */
  items: { x: number; count: number; first: number; label: string }[];
  /** Silences of this exchange (the account's stalls), as bands with their length. */
  stalls: { x: number; width: number; label: string }[];
}

/** An item of the Stream view, as the Timeline needs it: when its last byte came, its label. */
export interface TimelineItem {
  /** Seconds since the connection opened. */
  arrived: number | null;
  label: string;
}

const PAD = { left: 56, right: 24, top: 16, bottom: 28 };

function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (raw <= m * power) return m * power;
  return 10 * power;
}

export function timelineLayout(detail: ExchangeDetail, closeAt: ConnectionEnd | null, width: number, height: number, streamItems: readonly TimelineItem[] = []): TimelineLayout {
  const response = detail.response;
  const columns = response?.chunkColumns;
  const start = response?.first ?? 0;
  const n = columns?.sizes.length ?? 0;
  const times = columns ? columns.lastTimes.map((t) => t - start) : [];
  const closeTime = closeAt ? closeAt.at - detail.connectionOpenedAt - start : null;
  const lastTime = response?.last !== null && response?.last !== undefined ? response.last - start : 0;
  const stallEnds = detail.account.stalls.map((s) => s.since + s.seconds - start);
  const duration = Math.max(1e-3, lastTime, closeTime ?? 0, ...stallEnds, ...(times.length ? [times[times.length - 1]!] : [0])) * 1.05;
  const totalBytes = columns ? columns.dataLengths.reduce((a, b) => a + b, 0) : response?.bodyLength ?? 0;
  const plotW = Math.max(1, width - PAD.left - PAD.right);
  const plotH = Math.max(1, height - PAD.top - PAD.bottom);
  const x = (t: number) => PAD.left + (t / duration) * plotW;
  const y = (b: number) => PAD.top + plotH - (totalBytes > 0 ? (b / totalBytes) * plotH : 0);
  // A loop, not Math.max(...): a million arguments overflow the stack.
  let maxChunk = 1;
  for (const length of columns?.dataLengths ?? []) if (length > maxChunk) maxChunk = length;

  // One mark per pixel column at most: many chunks sharing a pixel become one bigger mark.
  const marks: TimelineMark[] = [];
  let cumulative = 0;
  const points: string[] = [`${x(0).toFixed(1)},${y(0).toFixed(1)}`];
  for (let i = 0; i < n; i++) {
    const size = columns!.dataLengths[i]!;
    cumulative += size;
    const px = Math.round(x(times[i]!));
    const last = marks[marks.length - 1];
    if (last && Math.round(last.x) === px) {
      last.chunks++;
      last.bytes += size;
      last.y = y(cumulative);
    } else {
      marks.push({ x: px, y: y(cumulative), r: 0, chunks: 1, firstChunk: i, bytes: size });
    }
    if (n < 5000 || i % Math.ceil(n / 5000) === 0 || i === n - 1) points.push(`${x(times[i]!).toFixed(1)},${y(cumulative).toFixed(1)}`);
  }
  // Area follows bytes: the biggest single chunk gets radius 8; merged marks may grow to 10.
  for (const m of marks) m.r = Math.min(10, 2 + 6 * Math.sqrt(m.bytes / maxChunk));

  let end: TimelineLayout['end'];
  if (!response || response.framing !== 'chunked') end = { x: x(lastTime), kind: 'none', label: '' };
  else if (response.terminator) end = { x: x(lastTime), kind: 'last-chunk', label: 'last chunk' };
  else if (closeAt) end = { x: x(closeTime ?? lastTime), kind: 'missing', label: 'last chunk missing' };
  else end = { x: x(lastTime), kind: 'streaming', label: 'streaming' };

  const close = closeAt && closeTime !== null
    ? {
        x: x(closeTime),
        kind: closeAt.how === 'fin' || closeAt.how === 'close-notify' ? ('fin' as const) : closeAt.how === 'rst' ? ('rst' as const) : ('other' as const),
        label: words.endLabel(closeAt),
      }
    : null;

  const step = niceStep(duration, 6);
  const ticks: TimelineLayout['ticks'] = [];
  for (let t = 0; t <= duration; t += step) ticks.push({ x: x(t), label: t < 1 ? `${Math.round(t * 1000)} ms` : `${t.toFixed(step < 1 ? 1 : 0)} s` });

  // Item boundaries: a feed that flushes one item per chunk puts one on every chunk mark;
  // one that batches puts several on one mark, or leaves marks without one.
  const items: TimelineLayout['items'] = [];
  streamItems.forEach((item, i) => {
    if (item.arrived === null) return;
    const px = Math.round(x(Math.max(0, item.arrived - start)));
    const last = items[items.length - 1];
    if (last && last.x === px) last.count++;
    else items.push({ x: px, count: 1, first: i, label: item.label });
  });

  const stalls = detail.account.stalls.map((s) => {
    const from = x(Math.max(0, s.since - start));
    return { x: from, width: Math.max(2, x(Math.max(0, s.since + s.seconds - start)) - from), label: `${s.ongoing ? 'waiting' : 'no byte for'} ${words.duration(s.seconds)}` };
  });
  return { width, height, duration, totalBytes, marks, line: points.join(' '), end, close, ticks, items, stalls };
}
