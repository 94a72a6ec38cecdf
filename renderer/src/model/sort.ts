// Sorting the Exchanges list by the user's columns. Pure, so tested alone; TanStack Table
// keeps which columns and which way (its sorting state), this orders the rows: live rows
// are replaced every frame, and a table model of 100,000 row objects rebuilt each time
// would cost more than the sort.

import type { ExchangeRow } from '../../../shared/api';

export type SortKey = (row: ExchangeRow) => number | string | null;

/**
 * Rows ordered by each sort in turn (ties keep session order); a null value sorts last
 * either way, so "no status" never hides the 500s at the top.
 */
export function sortRows(rows: readonly ExchangeRow[], sorting: readonly { id: string; desc: boolean }[], keys: Readonly<Record<string, SortKey>>): ExchangeRow[] {
  const active = sorting.filter((s) => keys[s.id]);
  if (active.length === 0) return rows as ExchangeRow[];
  // Each key computed once per row, not once per comparison.
  const values = active.map((s) => rows.map(keys[s.id]!));
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < active.length; k++) {
      const x = values[k]![a]!;
      const y = values[k]![b]!;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return active[k]!.desc ? -c : c;
    }
    return a - b;
  });
  return order.map((i) => rows[i]!);
}

/** Column widths that fill `available` pixels: the extra goes to the flexible columns (host, path), in proportion. */
export function fitWidths(sizes: readonly number[], flex: readonly number[], available: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const weight = flex.reduce((a, b) => a + b, 0);
  if (available <= total || weight === 0) return [...sizes];
  const extra = available - total;
  const out = sizes.map((s, i) => s + Math.floor((extra * flex[i]!) / weight));
  return out;
}
