import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { groupDigits } from '../../../../shared/words';
import { useApp, useAppStore } from '../../context';
import { parseFilter, type Predicate } from '../../model/filter';
import { sortRows } from '../../model/sort';
import { chooseByClick, type Click } from '../../model/choosing';
import { selectChosen, selectFilter, selectHeld, selectOrigin, selectRows, selectSelected } from '../../store/store';
import { Menu } from '../Menu';
import { useCaptureFiles } from '../use-capture-files';
import { useMarks } from '../use-marks';
import { RowMenu, type RowMenuAt } from './RowMenu';
import { useWidth } from '../use-width';
import { ColumnsMenu } from './ColumnsMenu';
import { ListActions } from './ListActions';
import { SORT_KEYS, type ListColumn } from './columns';
import { useListTable } from './use-list-table';
import { onlyMatching } from './visible';

const ROW_HEIGHT = 24;

/**
 * Filter rows, re-testing only rows that changed: a row object is replaced when it
 * changes, so a WeakMap keyed by it remembers every other verdict.
 */
export function useFiltered(rows: ExchangeRow[], filter: string): ExchangeRow[] {
  const verdicts = useMemo(() => ({ test: parseFilter(filter).test as Predicate, cache: new WeakMap<ExchangeRow, boolean>() }), [filter]);
  return useMemo(() => {
    if (filter.trim() === '') return rows;
    const { test, cache } = verdicts;
    return rows.filter((row) => {
      let verdict = cache.get(row);
      if (verdict === undefined) {
        verdict = test(row);
        cache.set(row, verdict);
      }
      return verdict;
    });
  }, [rows, filter, verdicts]);
}

/** What breakpoints hold, by exchange, in words for its row: only in the live session, whose messages they are. */
function useHeldWords(): Map<string, string> {
  const list = useApp(selectHeld);
  const live = useApp((s) => s.session?.current === 'live');
  return useMemo(() => {
    const words = new Map<string, string>();
    if (!live) return words;
    for (const h of list) words.set(h.id, [words.get(h.id), `the ${h.direction}, held ${h.where}`].filter(Boolean).join('; '));
    return words;
  }, [list, live]);
}

interface RowEvents {
  onClick(id: string, click: Click): void;
  onMenu(id: string, x: number, y: number): void;
}

/** Memoised: a row renders again only when its data, its columns or its selection changed. */
const Row = memo(function Row({ row, selected, chosen, matched, columns, origin, held, events }: { row: ExchangeRow; selected: boolean; chosen: boolean; matched: number; columns: ListColumn[]; origin: number; held: string | null; events: RowEvents }) {
  return (
    <div
      className={`row ${selected ? 'selected' : chosen ? 'chosen' : ''} ${row.anomalies.errors > 0 ? 'has-errors' : ''} ${row.mark?.pinned ? 'pinned' : ''} ${matched > 0 ? 'matched' : ''} ${held ? 'held' : ''}`}
      data-testid="row"
      data-id={row.id}
      data-matched={matched > 0 ? matched : undefined}
      data-held={held ? 'true' : undefined}
      role="row"
      aria-selected={selected || chosen}
      onClick={(event) => events.onClick(row.id, { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey })}
      onContextMenu={(event) => {
        event.preventDefault();
        events.onMenu(row.id, event.clientX, event.clientY);
      }}
      title={held ?? (matched > 0 ? `${row.headline}\n(the search found ${matched === 1 ? 'a match' : `${matched} listed matches`} here)` : row.headline)}
    >
      {columns.map((c) => {
        const cell = c.cell(row, { origin, held });
        return (
          <span key={c.id} data-col={c.id} role="gridcell" className={`${c.numeric ? 'num' : ''} ${cell.className ?? ''}`} title={cell.title}>
            {cell.text}
          </span>
        );
      })}
    </div>
  );
});

export function SessionsList() {
  const store = useAppStore();
  const rows = useApp(selectRows);
  const filter = useApp(selectFilter);
  const selected = useApp(selectSelected);
  const origin = useApp(selectOrigin);
  const held = useHeldWords();
  const [section, width] = useWidth<HTMLElement>(800);
  const { table, headers, shown, template, total, reset } = useListTable(width);
  const sorting = useApp((s) => s.columns.sorting);
  const filtered = useFiltered(rows, filter);
  const matches = useApp((s) => s.searchRun?.byExchange ?? null);
  const matchesOnly = useApp((s) => s.matchesOnly);
  const visible = useMemo(() => sortRows(onlyMatching(filtered, matchesOnly ? matches : null), sorting, SORT_KEYS), [filtered, sorting, matches, matchesOnly]);
  const parent = useRef<HTMLDivElement>(null);
  // The header sits in the scroll container (sticky), so columns scroll sideways with it.
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 6, scrollMargin: ROW_HEIGHT });
  const chosen = useApp(selectChosen);
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const anchor = useRef<string | null>(null);
  const [menu, setMenu] = useState<RowMenuAt | null>(null);
  const { togglePins } = useMarks();
  const { exportSelected } = useCaptureFiles();
  const harMaxBody = useApp((s) => s.harMaxBody);
  // Read through a ref: the handlers stay the same, so rows do not render again for them.
  const latest = useRef({ visible, chosen });
  latest.current = { visible, chosen };
  const events = useMemo<RowEvents>(
    () => ({
      onClick: (id, click) => {
        const { visible: shown, chosen: before } = latest.current;
        if (!click.toggle && !click.range) {
          anchor.current = id;
          return store.getState().select(id);
        }
        const next = chooseByClick(
          shown.map((r) => r.id),
          { chosen: before, anchor: anchor.current },
          id,
          click,
        );
        anchor.current = next.anchor;
        store.getState().choose(next.chosen, next.chosen.includes(id) ? id : null);
      },
      onMenu: (id, x, y) => {
        const state = store.getState();
        // A right-click outside the exchanges chosen chooses that one alone.
        if (!state.chosen.includes(id)) {
          anchor.current = id;
          state.select(id);
        }
        const ids = store.getState().chosen;
        const rowOf = (key: string) => state.rows[state.index.get(key) ?? -1];
        const row = rowOf(id);
        if (row) setMenu({ row, rows: ids.map(rowOf).filter((r): r is ExchangeRow => !!r), x, y });
      },
    }),
    [store],
  );
  const chosenRows = () => chosen.map((id) => rows[store.getState().index.get(id) ?? -1]).filter((r): r is ExchangeRow => !!r);
  const selectedIndex = useMemo(() => (selected ? visible.findIndex((r) => r.id === selected) : -1), [visible, selected]);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const move = (delta: number) => {
    if (visible.length === 0) return;
    const next = Math.max(0, Math.min(visible.length - 1, (selectedIndex < 0 ? (delta > 0 ? -1 : visible.length) : selectedIndex) + delta));
    anchor.current = visible[next]!.id;
    store.getState().select(visible[next]!.id);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return; // keys in a header's controls are theirs
    const page = Math.max(1, Math.floor((parent.current?.clientHeight ?? 240) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1),
      ArrowUp: () => move(-1),
      PageDown: () => move(page),
      PageUp: () => move(-page),
      Home: () => move(-visible.length),
      End: () => move(visible.length),
      Enter: () => document.querySelector<HTMLElement>('[data-testid="detail"]')?.focus(),
      Escape: () => store.getState().select(null),
      p: () => void togglePins(chosenRows()),
      P: () => void togglePins(chosenRows()),
      ContextMenu: () => {
        const row = selected ? document.querySelector(`[data-testid="row"][data-id="${selected}"]`)?.getBoundingClientRect() : null;
        if (selected && row) events.onMenu(selected, row.left + 40, row.bottom);
      },
    };
    const action = event.ctrlKey || event.metaKey || event.altKey ? undefined : keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const style = { '--cols': template, '--total': `${total}px` } as CSSProperties;
  return (
    <section className="sessions" ref={section}>
      <div ref={parent} className="rows" tabIndex={0} role="grid" aria-rowcount={visible.length} aria-label="Exchanges" data-testid="sessions" onKeyDown={onKeyDown} style={style}>
        <div className="row header" role="row" data-testid="list-header">
          {headers.map((header) => {
            const column = header.column;
            const sorted = column.getIsSorted();
            const about = shown.find((c) => c.id === column.id)?.about;
            return (
              <span key={header.id} data-col={column.id} role="columnheader" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'} className={column.getIsResizing() ? 'resizing' : ''}>
                <button type="button" className="sort" title={`${about}. Click to sort, Shift+click to sort by several`} onClick={column.getToggleSortingHandler()}>
                  {column.id}
                  {sorted ? <span className="sort-mark">{sorted === 'asc' ? ' ▲' : ' ▼'}{sorting.length > 1 ? column.getSortIndex() + 1 : ''}</span> : null}
                </button>
                <span
                  className="resize"
                  role="separator"
                  aria-orientation="vertical"
                  title="Drag to resize; double-click for the default width"
                  onMouseDown={header.getResizeHandler()}
                  onTouchStart={header.getResizeHandler()}
                  onDoubleClick={() => column.resetSize()}
                  onClick={(event) => event.stopPropagation()}
                />
              </span>
            );
          })}
        </div>
        {visible.length === 0 ? <p className="empty">{rows.length === 0 ? 'No exchanges yet: send requests through the proxy.' : matchesOnly ? 'No exchange the filter shows has a match.' : 'No exchange matches the filter.'}</p> : null}
        <div className="row-space" style={{ height: virtualizer.getTotalSize() - ROW_HEIGHT }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = visible[item.index]!;
            return (
              <div key={row.id} className="row-slot" style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)`, height: ROW_HEIGHT }}>
                <Row row={row} selected={row.id === selected} chosen={chosenSet.has(row.id)} matched={matches?.get(row.id)?.length ?? 0} columns={shown} origin={origin} held={held.get(row.id) ?? null} events={events} />
              </div>
            );
          })}
        </div>
      </div>
      <div className="list-footer">
        <span data-testid="shown-count">{visible.length === rows.length ? `${groupDigits(rows.length)} exchanges` : `${groupDigits(visible.length)} of ${groupDigits(rows.length)} exchanges match`}</span>
        {chosen.length > 0 ? (
          <Menu label={`Export selected (${groupDigits(chosen.length)})…`} title="The exchanges chosen (Ctrl+click, Shift+click) alone, as a capture or as HAR" testId="export-selected" className="export-menu">
            {(close) => (
              <>
                <button type="button" role="menuitem" data-testid="export-chosen-capture" onClick={() => (close(), void exportSelected({ ids: chosen, format: 'capture' }))}>
                  as a capture…
                </button>
                <button type="button" role="menuitem" data-testid="export-chosen-har" onClick={() => (close(), void exportSelected({ ids: chosen, format: 'har', maxBodyBytes: harMaxBody }))}>
                  as HAR…
                </button>
              </>
            )}
          </Menu>
        ) : null}
        {sorting.length > 0 ? (
          <button type="button" className="link" onClick={() => table.resetSorting(true)} data-testid="unsort">
            session order
          </button>
        ) : null}
        <ListActions />
        <ColumnsMenu columns={table.getAllLeafColumns()} onReset={reset} />
      </div>
      {menu ? <RowMenu at={menu} onClose={() => setMenu(null)} /> : null}
    </section>
  );
}
