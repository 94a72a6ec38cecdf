// A connection's lane, its exchanges' spans, reaches a page whole once (when it gets the
// session), then in each update only from the first exchange whose span may have moved:
// those before it ended and are final. A connection kept alive for 100,000 exchanges then
// costs each update its new spans, not 200,000 numbers. Whoever reads the updates (the
// renderer's store, tests, a benchmark) puts the lane together here.

import type { ConnectionRow } from './rows';

/**
 * `incoming` with its spans whole: the first `spansFrom` exchanges as `had` (the row held
 * before, whole) says them, then `incoming`'s own. Span arrays in `owned` were made here
 * for the caller and are held by nobody else: those are extended in place, so several
 * updates folded at once copy a lane once.
 */
export function withWholeSpans(had: ConnectionRow | undefined, incoming: ConnectionRow, owned?: Set<number[]>): ConnectionRow {
  const from = incoming.spansFrom ?? 0;
  if (from === 0) return incoming;
  const keep = 2 * from;
  const before = had?.spans ?? [];
  let spans: number[];
  if (owned?.has(before) && before.length >= keep) {
    before.length = keep;
    spans = before;
  } else {
    spans = before.slice(0, keep);
    owned?.add(spans);
  }
  // Only a page that has not had the session yet can miss earlier spans (the session comes
  // whole next and replaces this row): a zero-length span at the opening holds their place.
  while (spans.length < keep) spans.push(incoming.openedAt);
  for (const t of incoming.spans) spans.push(t);
  return { ...incoming, spans, spansFrom: 0 };
}
