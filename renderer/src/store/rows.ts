// Folding update batches into the rows the list shows. Pure, so tested alone.

import type { ConnectionRow, ExchangeMark, ExchangeRow, SessionInfo, UpdateBatch } from '../../../shared/api';
import { withWholeSpans } from '../../../shared/lane-spans';
import { isLive } from './detail';

export interface RowsState {
  /** Rows in session order (by seq). A new array when anything changed. */
  rows: ExchangeRow[];
  /** id -> position in `rows`; updated in place (not part of rendering identity). */
  index: Map<string, number>;
  connections: Map<number, ConnectionRow>;
  session: SessionInfo | null;
  /**
   * Marks made here that the engine's rows may not carry yet (its updates come in order,
   * the last one with all of them): an incoming row shows the mark made, until one
   * arrives that carries it. Updated in place (not part of rendering identity).
   */
  pendingMarks: Map<string, ExchangeMark | null>;
}

export function emptyRows(): RowsState {
  return { rows: [], index: new Map(), connections: new Map(), session: null, pendingMarks: new Map() };
}

function sameMark(a: ExchangeMark | null | undefined, b: ExchangeMark | null | undefined): boolean {
  return (a?.pinned ?? false) === (b?.pinned ?? false) && (a?.comment ?? '') === (b?.comment ?? '');
}

/** A row as it comes, or with the mark made here that it does not carry yet. */
function withPendingMark(row: ExchangeRow, pending: Map<string, ExchangeMark | null>): ExchangeRow {
  if (!pending.has(row.id)) return row;
  const mark = pending.get(row.id)!;
  if (sameMark(row.mark, mark)) {
    pending.delete(row.id);
    return row;
  }
  return { ...row, mark };
}

/**
 * The row a detail came with, put in the list unless the list has a newer one. A finished
 * row of the same version says the same as the list's: keeping the list's object keeps the
 * row unchanged, so an open detail of a finished exchange is not asked for again and again.
 * (A live one of the same version may still differ: its stall and duration grow with time.)
 */
export function upsertRow(state: RowsState, detailRow: ExchangeRow): Pick<RowsState, 'rows'> | Record<string, never> {
  const row = withPendingMark(detailRow, state.pendingMarks);
  const at = state.index.get(row.id);
  if (at === undefined || state.rows[at] === row) return {};
  const listed = state.rows[at]!;
  if (listed.version > row.version || (listed.version === row.version && !isLive(row.state))) return {};
  const rows = state.rows.slice();
  rows[at] = row;
  return { rows };
}

/**
 * Apply every queued batch in order; returns the new state (rows copied at most once).
 * Live rows of `held` are left as they are: its open detail brings them.
 */
export function applyBatches(state: RowsState, batches: readonly UpdateBatch[], held: string | null = null): RowsState {
  let rows = state.rows;
  let index = state.index;
  let connections = state.connections;
  let session = state.session;
  let copiedRows = false;
  let copiedConnections = false;
  let unsorted = false;
  // Lanes copied in this call: the next batches' spans extend them in place.
  const lanes = new Set<number[]>();
  for (const batch of batches) {
    if (batch.reset) {
      rows = [];
      index = new Map();
      connections = new Map();
      copiedRows = true;
      copiedConnections = true;
      state.pendingMarks.clear();
    }
    if (batch.session) session = batch.session;
    for (const incoming of batch.rows ?? []) {
      const row = withPendingMark(incoming, state.pendingMarks);
      if (row.id === held && row.state !== 'complete' && row.state !== 'incomplete' && !batch.reset) continue;
      if (!copiedRows) {
        rows = rows.slice();
        copiedRows = true;
      }
      const at = index.get(row.id);
      if (at !== undefined) {
        rows[at] = row;
      } else {
        if (rows.length > 0 && rows[rows.length - 1]!.seq > row.seq) unsorted = true;
        index.set(row.id, rows.length);
        rows.push(row);
      }
    }
    for (const c of batch.connections ?? []) {
      if (!copiedConnections) {
        connections = new Map(connections);
        copiedConnections = true;
      }
      connections.set(c.number, withWholeSpans(connections.get(c.number), c, lanes));
    }
  }
  if (unsorted) {
    rows.sort((a, b) => a.seq - b.seq);
    index.clear();
    rows.forEach((row, i) => index.set(row.id, i));
  }
  return { rows, index, connections, session, pendingMarks: state.pendingMarks };
}
