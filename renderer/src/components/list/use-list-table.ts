// The Exchanges list's columns as a TanStack Table: it keeps which columns are shown, their
// widths (dragged by the user) and the sort, in the settings store, so they are remembered.
// The rows themselves are filtered and sorted here (model/sort.ts), not by the table.
import { columnResizingFeature, columnSizingFeature, columnVisibilityFeature, functionalUpdate, rowSortingFeature, tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { useApp, useAppStore } from '../../context';
import { fitWidths } from '../../model/sort';
import { LIST_COLUMNS, type ListColumn } from './columns';

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnVisibilityFeature, rowSortingFeature });
const NO_ROWS: ExchangeRow[] = [];
const columns: ColumnDef<typeof features, ExchangeRow>[] = LIST_COLUMNS.map((c) => ({
  id: c.id,
  header: c.title,
  accessorFn: c.sortKey,
  size: c.size,
  minSize: c.minSize,
  maxSize: 1200,
  sortDescFirst: false,
}));
const DEFAULT_VISIBILITY = Object.fromEntries(LIST_COLUMNS.filter((c) => c.hidden).map((c) => [c.id, false]));
const BY_ID = new Map(LIST_COLUMNS.map((c) => [c.id, c]));

/** Whether any row is a launched client's, once per rows array (the selector runs on every change of the store). */
const anyTagged = new WeakMap<ExchangeRow[], boolean>();
function hasLaunchedClient(rows: ExchangeRow[]): boolean {
  let found = anyTagged.get(rows);
  if (found === undefined) {
    found = rows.some((r) => r.clientTag);
    anyTagged.set(rows, found);
  }
  return found;
}

export function useListTable(available: number) {
  const store = useAppStore();
  const settings = useApp((s) => s.columns);
  // The client column shows itself once an exchange of a launched client is in the list, unless the user chose.
  const tagged = useApp((s) => hasLaunchedClient(s.rows));
  const defaults = useMemo(() => (tagged ? { ...DEFAULT_VISIBILITY, client: true } : DEFAULT_VISIBILITY), [tagged]);
  const visibility = useMemo(() => ({ ...defaults, ...settings.visibility }), [defaults, settings.visibility]);
  const table = useTable({
    features,
    columns,
    data: NO_ROWS,
    columnResizeMode: 'onChange',
    enableMultiSort: true,
    state: { columnSizing: settings.sizing, columnVisibility: visibility, sorting: settings.sorting },
    onColumnSizingChange: (updater) => store.getState().setColumns((c) => ({ ...c, sizing: functionalUpdate(updater, c.sizing) })),
    onColumnVisibilityChange: (updater) => store.getState().setColumns((c) => ({ ...c, visibility: functionalUpdate(updater, { ...defaults, ...c.visibility }) })),
    onSortingChange: (updater) => store.getState().setColumns((c) => ({ ...c, sorting: functionalUpdate(updater, c.sorting) })),
  });
  const headers = table.getHeaderGroups()[0]!.headers;
  // The same array while the same columns show, so rows do not render again for nothing.
  const ids = headers.map((h) => h.column.id).join('\n');
  const shown: ListColumn[] = useMemo(() => ids.split('\n').map((id) => BY_ID.get(id)!), [ids]);
  // The room left over goes to host and path, so a wide window shows long paths whole.
  const widths = fitWidths(
    headers.map((h) => h.getSize()),
    shown.map((c) => (settings.sizing[c.id] === undefined ? (c.flex ?? 0) : 0)),
    available - 2,
  );
  const template = widths.map((w) => `${w}px`).join(' ');
  const total = widths.reduce((a, b) => a + b, 0);
  const reset = () => store.getState().setColumns(() => ({ sizing: {}, visibility: {}, sorting: [] }));
  return { table, headers, shown, widths, template, total, reset };
}
