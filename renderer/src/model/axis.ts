// Axes with ticks chosen for the range shown (d3-array's ticks: the nice 1-2-5 steps
// d3-scale uses) and labelled in one unit (shared/words.ts), as many ticks as fit without
// their labels touching.

import { ticks } from 'd3-array';
import { durationTicks, sizeTicks, sizeUnit } from '../../../shared/words';
import type { Domain } from './zoom';

/** The linear map from `domain` to `range` (pixels). */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

export interface Tick {
  value: number;
  /** Pixel position along the axis. */
  at: number;
  label: string;
  /** Where the label's box starts on a horizontal axis: centred on the tick, but never past either end. */
  left: number;
}

function labelled(values: number[], labels: string[], scale: (v: number) => number, range: [number, number], measure: (text: string) => number, overhang: number): Tick[] {
  return values.map((value, i) => {
    const at = scale(value);
    const w = measure(labels[i]!);
    return { value, at, label: labels[i]!, left: Math.max(range[0] - overhang, Math.min(range[1] + overhang - w, at - w / 2)) };
  });
}

/** Tick values in seconds, nice in the unit the labels will use (minutes, hours past 2 minutes and 2 hours). */
function timeValues(domain: Domain, count: number): number[] {
  const span = domain[1] - domain[0];
  const unit = Math.max(Math.abs(domain[0]), Math.abs(domain[1])) >= 7200 && span >= 7200 ? 3600 : Math.max(Math.abs(domain[0]), Math.abs(domain[1])) >= 120 && span >= 120 ? 60 : 1;
  return ticks(domain[0] / unit, domain[1] / unit, count).map((v) => v * unit);
}

/**
 * Ticks of a time axis over `range` pixels, as many as fit: labels `measure`d and kept
 * `gap` pixels apart, reaching at most `overhang` pixels past either end.
 */
export function timeAxis(domain: Domain, range: [number, number], measure: (text: string) => number, overhang = 0, gap = 14): Tick[] {
  const scale = linear(domain, range);
  for (let count = Math.max(2, Math.floor((range[1] - range[0]) / 60)); count >= 2; count = count > 8 ? Math.floor(count * 0.7) : count - 1) {
    const values = timeValues(domain, count);
    const ticks = labelled(values, durationTicks(values), scale, range, measure, overhang);
    if (fits(ticks, measure, gap)) return ticks;
  }
  const values = [domain[0]];
  return labelled(values, durationTicks(values), scale, range, measure, overhang);
}

/** Each label `gap` pixels or more from the next, where it is drawn. */
function fits(ticks: Tick[], measure: (text: string) => number, gap: number): boolean {
  let right = -Infinity;
  for (const t of ticks) {
    if (t.left < right + gap) return false;
    right = t.left + measure(t.label);
  }
  return true;
}

/** Ticks of a bytes axis from 0 to `max` over `range` pixels (bottom to top): one every `spacing` pixels or more. */
export function bytesAxis(max: number, range: [number, number], spacing = 44): Tick[] {
  // A vertical axis: labels sit beside their tick, so `left` is unused (0).
  const top = Math.max(1, max);
  const { bytes } = sizeUnit(top);
  const scale = linear([0, top], range);
  // Bytes come whole: under a KB, no tick between two of them.
  const count = Math.min(bytes === 1 ? top : Infinity, Math.max(2, Math.floor(Math.abs(range[0] - range[1]) / spacing)));
  const values = ticks(0, top / bytes, count).map((v) => v * bytes).filter((v) => v <= top);
  const labels = sizeTicks(values);
  return values.map((value, i) => ({ value, at: scale(value), label: labels[i]!, left: 0 }));
}
