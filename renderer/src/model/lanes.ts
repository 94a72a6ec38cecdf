// A connection's lane: its exchanges along time, its idle gaps, and how it ended. A
// connection with 4,001 requests reads as counts per pixel range, not 4,001 boxes.

import type { ConnectionRow } from '../../../shared/api';
import { endLabel } from '../../../shared/words';

export interface LaneBin {
  x: number;
  width: number;
  /** Exchanges that start in this bin. */
  count: number;
}

export interface LaneLayout {
  bins: LaneBin[];
  /** The largest count in a bin (for shading). */
  densest: number;
  /** Exchanges drawn as separate bars when there are few. */
  bars: { x: number; width: number; index: number }[];
  end: { x: number; label: string; kind: 'fin' | 'rst' | 'other' } | null;
  longestGap: { x: number; width: number; seconds: number } | null;
}

/** Lay out a lane between session times t0 and t1 over `width` pixels. */
export function laneLayout(c: ConnectionRow, t0: number, t1: number, width: number): LaneLayout {
  const span = Math.max(1e-6, t1 - t0);
  const x = (t: number) => ((t - t0) / span) * width;
  const n = c.spans.length / 2;
  const bars: LaneLayout['bars'] = [];
  const bins: LaneBin[] = [];
  let densest = 0;
  if (n <= width / 3) {
    for (let i = 0; i < n; i++) {
      const start = x(c.spans[2 * i]!);
      bars.push({ x: start, width: Math.max(2, x(c.spans[2 * i + 1]!) - start), index: i });
    }
  } else {
    const binWidth = 4;
    const counts = new Array<number>(Math.ceil(width / binWidth)).fill(0);
    for (let i = 0; i < n; i++) {
      const b = Math.min(counts.length - 1, Math.max(0, Math.floor(x(c.spans[2 * i]!) / binWidth)));
      counts[b]!++;
    }
    counts.forEach((count, b) => {
      if (count > 0) bins.push({ x: b * binWidth, width: binWidth, count });
      densest = Math.max(densest, count);
    });
  }
  let longestGap: LaneLayout['longestGap'] = null;
  for (let i = 1; i < n; i++) {
    const gap = c.spans[2 * i]! - c.spans[2 * i - 1]!;
    if (gap > 0.05 && (!longestGap || gap > longestGap.seconds)) {
      longestGap = { x: x(c.spans[2 * i - 1]!), width: x(c.spans[2 * i]!) - x(c.spans[2 * i - 1]!), seconds: gap };
    }
  }
  const end = c.ended
    ? {
        x: x(c.ended.at),
        kind: c.ended.how === 'fin' || c.ended.how === 'close-notify' ? ('fin' as const) : c.ended.how === 'rst' ? ('rst' as const) : ('other' as const),
        label: endLabel(c.ended),
      }
    : null;
  return { bins, densest, bars, end, longestGap };
}

/** "4,001 requests · 4,000 answered · server RST" */
export function laneSummary(c: ConnectionRow): string {
  const parts = [`${c.requests.toLocaleString('en-US')} request${c.requests === 1 ? '' : 's'}`];
  if (c.responses !== c.requests) parts.push(`${c.responses.toLocaleString('en-US')} answered`);
  if (c.tunnel) parts.push('tunnel');
  if (c.upstreamFailure) parts.push(`could not connect: ${c.upstreamFailure}`);
  if (c.tls?.failure) parts.push(`TLS failed (${c.tls.failure.side})`);
  else if (c.tls?.client) parts.push('HTTPS');
  return parts.join(' · ');
}

