// Where everything of a Timeline goes for one view (domain) and size: the plot's box, the
// axes' ticks, the labels placed so none overlap or leave the plot, and the marks in view.
// Pure (text is measured by the caller's function), so tested alone.

import { bytesAxis, linear, timeAxis, type Tick } from './axis';
import { placeLabels, type PlacedLabel } from './labels';
import { firstAtOrAfter, seriesMarks, type TimelineData, type TimelineMark } from './timeline';
import type { Domain } from './zoom';

/** Several chunks share a mark when there are more than one per this many pixels. */
export const BIN = 8;
const LABEL_ROW = 16;
const ITEM_STRIP = 12;
const AXIS = 22;

export interface SceneLabel extends PlacedLabel {
  kind: 'stall' | 'end' | 'first-end' | 'last-chunk' | 'missing';
  /** Top of the label's box, and the mark's x. */
  top: number;
  text: string;
  title: string;
  tone: string;
}

export interface Scene {
  plot: { left: number; right: number; top: number; bottom: number };
  /** Where the item ticks go (above the plot), when there are items. */
  itemStrip: { top: number; bottom: number } | null;
  xTicks: Tick[];
  yTicks: Tick[];
  labels: SceneLabel[];
  /** Marks per series, in view. */
  marks: TimelineMark[][];
  x(t: number): number;
  y(bytes: number): number;
}

export function timelineScene(data: TimelineData, domain: Domain, width: number, height: number, measure: (text: string) => number): Scene {
  const hasItems = data.items.times.length > 0;
  // The bytes axis first: its widest label sets the plot's left edge.
  const provisional = bytesAxis(data.maxBytes, [height - AXIS, 40]);
  const left = Math.max(44, ...provisional.map((t) => measure(t.label) + 12));
  const right = Math.max(left + 40, width - 14);

  const x = linear(domain, [left, right]);
  const inView = (t: number) => t >= domain[0] && t <= domain[1];
  const raw: Omit<SceneLabel, 'left' | 'row' | 'top'>[] = [];
  data.stalls.forEach((s, i) => {
    const mid = (Math.max(s.from, domain[0]) + Math.min(s.to, domain[1])) / 2;
    if (s.to >= domain[0] && s.from <= domain[1]) raw.push({ id: `stall-${i}`, kind: 'stall', x: x(mid), width: measure(s.label) + 8, text: s.label, title: s.story, tone: 'live' });
  });
  data.ends.forEach((e, i) => {
    if (inView(e.t)) raw.push({ id: `end-${i}`, kind: e.first ? 'first-end' : 'end', x: x(e.t), width: measure(e.label) + 8, text: e.label, title: e.story, tone: e.mirrored ? 'mirrored' : e.kind === 'fin' ? 'fin' : 'bad' });
  });
  if (data.last && inView(data.last.t)) raw.push({ id: 'last', kind: data.last.kind, x: x(data.last.t), width: measure(data.last.label) + 8, text: data.last.label, title: data.last.label, tone: data.last.kind === 'missing' ? 'bad' : 'ok' });
  const placed = placeLabels(raw, { left, right }, { gap: 6, maxRows: 8 });
  const rows = Math.max(1, placed.rows);
  const stripTop = rows * LABEL_ROW + 4;
  const top = stripTop + (hasItems ? ITEM_STRIP : 0) + 4;
  const bottom = Math.max(top + 40, height - AXIS);
  const byId = new Map(raw.map((r) => [r.id, r]));
  // Row 0 nearest the plot.
  const labels = placed.placed.map((p) => ({ ...byId.get(p.id)!, ...p, top: (rows - 1 - p.row) * LABEL_ROW + 2 }));

  const y = linear([0, data.maxBytes], [bottom, top]);
  const yTicks = bytesAxis(data.maxBytes, [bottom, top]);
  // Time labels may reach into the margins, as far as the bytes axis's width or the right edge.
  const xTicks = timeAxis(domain, [left, right], measure, Math.min(left - 4, right - width + 14 + 12, 24));
  const marks = data.series.map((s, i) => seriesMarks(s, i, domain, left, right - left, BIN));
  return { plot: { left, right, top, bottom }, itemStrip: hasItems ? { top: stripTop, bottom: stripTop + ITEM_STRIP } : null, xTicks, yTicks, labels, marks, x, y };
}

/** The radius of a mark: its area follows its bytes (the biggest chunk: 8 px; merged marks at most 10). */
export function markRadius(mark: TimelineMark, maxChunk: number): number {
  return Math.min(10, 2 + 6 * Math.sqrt(mark.bytes / Math.max(1, maxChunk)));
}

/** The mark under the pointer (within its radius, or 6 px), nearest first. */
export function markAt(scene: Scene, data: TimelineData, px: number, py: number): TimelineMark | null {
  let best: TimelineMark | null = null;
  let bestDistance = Infinity;
  scene.marks.forEach((marks, s) => {
    const maxChunk = data.series[s]!.maxChunk;
    // Marks are in x order: look only near the pointer.
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.x < px - 12) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < marks.length && marks[i]!.x <= px + 12; i++) {
      const m = marks[i]!;
      const d = Math.hypot(m.x - px, scene.y(m.cumulative) - py);
      if (d <= Math.max(6, markRadius(m, maxChunk) + 2) && d < bestDistance) {
        best = m;
        bestDistance = d;
      }
    }
  });
  return best;
}

/** Items whose end is at pixel `px` of the item strip (±3 px): their indexes. */
export function itemsAt(scene: Scene, data: TimelineData, domain: Domain, px: number): number[] {
  const found: number[] = [];
  const times = data.items.times;
  const from = firstAtOrAfter(times, domain[0]);
  for (let i = from; i < times.length && times[i]! <= domain[1]; i++) if (Math.abs(scene.x(times[i]!) - px) <= 3) found.push(i);
  return found;
}
