// The exchanges as the list shows them: filtered, only those with a match when asked,
// sorted. The list keeps its own memoised copy; this is for a key press that needs the
// order once (the next match).
import type { ExchangeRow } from '../../../../shared/api';
import { parseFilter } from '../../model/filter';
import { sortRows } from '../../model/sort';
import type { AppState } from '../../store/store';
import { SORT_KEYS } from './columns';

export function onlyMatching(rows: ExchangeRow[], matched: ReadonlyMap<string, unknown> | null): ExchangeRow[] {
  return matched ? rows.filter((row) => matched.has(row.id)) : rows;
}

/** The ids of the rows the list shows, in its order. */
export function listOrder(state: AppState): string[] {
  const test = parseFilter(state.filter).test;
  const filtered = state.filter.trim() === '' ? state.rows : state.rows.filter(test);
  const shown = onlyMatching(filtered, state.matchesOnly ? (state.searchRun?.byExchange ?? null) : null);
  return sortRows(shown, state.columns.sorting, SORT_KEYS).map((row) => row.id);
}
