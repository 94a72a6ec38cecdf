// A connection's lane at one view of the session: its exchanges along time (one bar each
// when few, counts per few pixels when thousands), its stalls, and its ends (who, how; a
// mirrored end as passed on). Times on the engine's clock; the caller shows them since
// the session's start. Pure, so tested alone.

import type { ConnectionRow } from '../../../shared/api';
import { endLabel, endStep, endTag, groupDigits, plural } from '../../../shared/words';
import type { Domain } from './zoom';

export interface LaneGeometry {
  /** One per exchange in view, when they are few enough to tell apart. */
  bars: { x: number; width: number; index: number; matched: boolean }[];
  /** Exchanges starting in each bin of `bin` pixels, when there are too many for bars. */
  bins: { x: number; width: number; count: number; matched: number }[];
  densest: number;
  stalls: { x: number; width: number }[];
  ends: { x: number; label: string; story: string; kind: 'fin' | 'rst' | 'other'; mirrored: boolean }[];
}

/** The first exchange whose end is at or after `t` (spans: start, end, start, end… in order). */
function firstEndingAfter(spans: readonly number[], t: number): number {
  let lo = 0;
  let hi = spans.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid + 1]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lay out lane `c` for the view `domain` (engine clock) over `width` pixels from `left`.
 * `matches` says which exchanges the list's filter keeps (the others are drawn faint).
 */
export function laneGeometry(c: ConnectionRow, domain: Domain, left: number, width: number, matches: (index: number) => boolean = () => true, bin = 4): LaneGeometry {
  const perSecond = width / Math.max(1e-9, domain[1] - domain[0]);
  const x = (t: number) => left + (t - domain[0]) * perSecond;
  const n = c.spans.length / 2;
  const from = firstEndingAfter(c.spans, domain[0]);
  let to = from;
  while (to < n && c.spans[2 * to]! <= domain[1]) to++;
  const bars: LaneGeometry['bars'] = [];
  const bins: LaneGeometry['bins'] = [];
  let densest = 0;
  if (to - from <= width / 3) {
    for (let i = from; i < to; i++) {
      const a = Math.max(left - 2, x(c.spans[2 * i]!));
      const b = Math.min(left + width + 2, x(c.spans[2 * i + 1]!));
      bars.push({ x: a, width: Math.max(2, b - a), index: i, matched: matches(i) });
    }
  } else {
    let current: LaneGeometry['bins'][number] | null = null;
    for (let i = from; i < to; i++) {
      const column = Math.floor((Math.max(left, x(c.spans[2 * i]!)) - left) / bin);
      const bx = left + column * bin;
      if (!current || current.x !== bx) {
        current = { x: bx, width: bin, count: 0, matched: 0 };
        bins.push(current);
      }
      current.count++;
      if (matches(i)) current.matched++;
      if (current.count > densest) densest = current.count;
    }
  }
  const stalls = c.stalls
    .map((s) => ({ a: x(c.openedAt + s.since), b: x(c.openedAt + s.since + s.seconds) }))
    .filter((s) => s.b >= left && s.a <= left + width)
    .map((s) => ({ x: Math.max(left, s.a), width: Math.max(2, Math.min(left + width, s.b) - Math.max(left, s.a)) }));
  const ends = c.ends
    .map((e) => ({ x: x(c.openedAt + e.at), label: endTag(e), story: endStep(e), kind: e.how === 'rst' ? ('rst' as const) : e.how === 'fin' || e.how === 'close-notify' ? ('fin' as const) : ('other' as const), mirrored: e.mirrored }))
    .filter((e) => e.x >= left - 1 && e.x <= left + width + 1);
  return { bars, bins, densest, stalls, ends };
}

/** The exchange at time `t` (engine clock), or within `slack` seconds of it; null when none. */
export function exchangeAt(c: ConnectionRow, t: number, slack: number): number | null {
  const i = firstEndingAfter(c.spans, t - slack);
  if (i >= c.spans.length / 2) return null;
  return c.spans[2 * i]! <= t + slack ? i : null;
}

/** The end that says who ended the connection, for the lane's label: "server RST". */
export function laneEndLabel(c: ConnectionRow): string | null {
  return c.ended ? endLabel(c.ended) : null;
}

/** "4,001 requests · 4,000 answered" */
export function laneSummary(c: ConnectionRow): string {
  const parts = [`${plural(c.requests, 'request')}`];
  if (c.responses !== c.requests) parts.push(`${groupDigits(c.responses)} answered`);
  if (c.tunnel) parts.push('tunnel');
  if (c.upstreamFailure) parts.push(`could not connect: ${c.upstreamFailure}`);
  if (c.tls?.failure) parts.push(`TLS failed (${c.tls.failure.side})`);
  else if (c.tls?.client) parts.push('HTTPS');
  return parts.join(' · ');
}

/** The whole session on the engine's clock: from its first connection to its last activity or end. */
export function sessionSpan(connections: Iterable<ConnectionRow>): Domain {
  let from = Infinity;
  let to = -Infinity;
  for (const c of connections) {
    if (c.openedAt < from) from = c.openedAt;
    to = Math.max(to, c.lastActivity, c.ended?.at ?? 0);
    for (const e of c.ends) to = Math.max(to, c.openedAt + e.at);
  }
  if (from === Infinity) return [0, 1];
  return [from, Math.max(from + 1e-3, to)];
}
