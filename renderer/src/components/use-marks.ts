// Pins and comments, made through the API's setMark: the row comes back marked in the next
// update, and the session counts a change not saved.
import type { ExchangeMark, ExchangeRow } from '../../../shared/api';
import { useApi, useAppStore } from '../context';

export function useMarks() {
  const api = useApi();
  const store = useAppStore();
  const mark = async (row: ExchangeRow, change: Partial<ExchangeMark>) => {
    // From the mark the list holds now, not the one `row` had when it was drawn: a change
    // made before the update of the one before arrives must not undo it.
    const state = store.getState();
    const held = state.rows[state.index.get(row.id) ?? -1]?.mark ?? null;
    const next = { pinned: held?.pinned ?? false, comment: held?.comment ?? '', ...change };
    state.markRow(row.id, next.pinned || next.comment !== '' ? next : null);
    try {
      await api.setMark({ id: row.id, ...next });
    } catch (error) {
      store.getState().markRow(row.id, held);
      store.getState().notify(`could not mark the exchange: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  /** Pin them all, or (when all are pinned already) unpin them all; comments stay. */
  const togglePins = async (rows: ExchangeRow[]) => {
    const pinned = !rows.every((r) => r.mark?.pinned);
    for (const row of rows) await mark(row, { pinned });
  };
  return { mark, togglePins };
}
