import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { ExchangeRow } from '../../../shared/api';
import { useApp, useAppStore } from '../context';
import { parseFilter, type Predicate } from '../model/filter';
import { duration, endLabel, groupDigits, rate, size } from '../../../shared/words';
import { selectFilter, selectRows, selectSelected } from '../store/store';

const ROW_HEIGHT = 24;

/** A padlock for decrypted HTTPS (an SVG: emoji fonts are not everywhere). */
function Lock() {
  return (
    <svg className="lock" data-testid="https" role="img" aria-label="HTTPS" viewBox="0 0 10 12" width="9" height="11">
      <path d="M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <rect x="1" y="5" width="8" height="6.5" rx="1" fill="currentColor" />
    </svg>
  );
}

// The two classic failures first: whether the last chunk came and how the connection ended.
export const COLUMNS = ['#', 'conn', 'req', 'method', 'req body', 'host', 'path', 'status', 'framing', 'chunks', 'last chunk', 'ended', 'anomalies', 'bytes', 'duration'] as const;

/**
 * Filter rows, re-testing only rows that changed: a row object is replaced when it
 * changes, so a WeakMap keyed by it remembers every other verdict.
 */
function useFiltered(rows: ExchangeRow[], filter: string): ExchangeRow[] {
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

function terminatorCell(row: ExchangeRow): { text: string; className: string } {
  if (row.stalled?.ongoing) return { text: `stalled ${duration(row.stalled.seconds)}`, className: 'stalled' };
  switch (row.terminator) {
    case 'present':
      return { text: 'present', className: 'ok' };
    case 'missing':
      return { text: 'MISSING', className: 'bad' };
    case 'streaming':
      return { text: 'streaming…', className: 'live' };
    default:
      return { text: row.framing === null && row.state === 'waiting' ? 'waiting…' : '', className: '' };
  }
}

/** Memoised: a row renders again only when its data or selection changed. */
const Row = memo(function Row({ row, selected, onSelect }: { row: ExchangeRow; selected: boolean; onSelect: (id: string) => void }) {
  const terminator = terminatorCell(row);
  const live = row.state === 'streaming';
  return (
    <div className={`row ${selected ? 'selected' : ''} ${row.anomalies.errors > 0 ? 'has-errors' : ''}`} data-testid="row" data-id={row.id} role="row" aria-selected={selected} onClick={() => onSelect(row.id)} title={row.headline}>
      <span data-col="#">{row.seq}</span>
      <span data-col="conn">c{row.connection}</span>
      <span data-col="req">#{row.index + 1}</span>
      <span data-col="method">{row.method ?? ''}</span>
      <span data-col="req body" title="How the request's body was framed">
        {row.requestFraming === 'content-length' ? (row.requestBytes > 0 ? 'length' : '') : row.requestFraming === 'none' ? '' : (row.requestFraming ?? '')}
      </span>
      <span data-col="host" title={row.tls ? `${row.host ?? ''} (HTTPS, decrypted by Chunkscope)` : (row.host ?? '')}>
        {row.tls ? <Lock /> : null}
        {row.host ?? ''}
      </span>
      <span data-col="path" title={row.path ?? ''}>
        {row.path ?? ''}
      </span>
      <span data-col="status" className={row.generated ? 'generated' : ''} title={row.generated ? 'made by Chunkscope, not the origin' : (row.reason ?? '')}>
        {row.status ?? ''}
        {row.generated ? '*' : ''}
      </span>
      <span data-col="framing" className={row.interception === 'failed' ? 'bad' : ''}>
        {row.interception === 'failed' ? 'TLS failed' : row.interception === 'decrypted' ? 'decrypted' : row.tunnel ? 'tunnel' : (row.framing ?? '')}
      </span>
      <span data-col="chunks">{row.framing === 'chunked' ? groupDigits(row.chunks) : ''}</span>
      <span data-col="last chunk" className={terminator.className}>
        {terminator.text}
      </span>
      <span data-col="ended" className={row.ended?.how === 'rst' ? 'bad' : ''}>
        {row.ended ? endLabel(row.ended) : row.keptAlive ? 'kept alive' : ''}
      </span>
      <span data-col="anomalies">
        {row.anomalies.count > 0 ? (
          <span className={`badge ${row.anomalies.errors > 0 ? 'error' : 'info'}`} title={row.anomalies.codes.join('\n')}>
            {row.anomalies.count}
          </span>
        ) : null}
        {row.rules > 0 ? (
          <span className="badge rule" data-testid="rule-badge" title="A rule changed what was sent: the detail shows the original and the delivered framing">
            ⚙
          </span>
        ) : null}
      </span>
      <span data-col="bytes" title={`${groupDigits(row.bodyBytes)} bytes of body; ${groupDigits(row.responseBytes)} on the wire`}>
        {size(row.bodyBytes)}
        {live && row.rate ? <em> · {rate(row.rate)}</em> : null}
      </span>
      <span data-col="duration">{row.duration === null ? '' : duration(row.duration)}</span>
    </div>
  );
});

export function SessionsList() {
  const store = useAppStore();
  const rows = useApp(selectRows);
  const filter = useApp(selectFilter);
  const selected = useApp(selectSelected);
  const visible = useFiltered(rows, filter);
  const parent = useRef<HTMLDivElement>(null);
  // The header sits in the scroll container (sticky), so columns scroll sideways with it.
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 6, scrollMargin: ROW_HEIGHT });
  const onSelect = useCallback((id: string) => store.getState().select(id), [store]);
  const selectedIndex = useMemo(() => (selected ? visible.findIndex((r) => r.id === selected) : -1), [visible, selected]);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const move = (delta: number) => {
    if (visible.length === 0) return;
    const next = Math.max(0, Math.min(visible.length - 1, (selectedIndex < 0 ? (delta > 0 ? -1 : visible.length) : selectedIndex) + delta));
    store.getState().select(visible[next]!.id);
  };

  const onKeyDown = (event: KeyboardEvent) => {
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
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  return (
    <section className="sessions">
      <div ref={parent} className="rows" tabIndex={0} role="grid" aria-rowcount={visible.length} data-testid="sessions" onKeyDown={onKeyDown}>
        <div className="row header" role="row">
          {COLUMNS.map((c) => (
            <span key={c} data-col={c}>
              {c}
            </span>
          ))}
        </div>
        {visible.length === 0 ? (
          <p className="empty">{rows.length === 0 ? 'No exchanges yet: send requests through the proxy.' : 'No exchange matches the filter.'}</p>
        ) : null}
        <div className="row-space" style={{ height: virtualizer.getTotalSize() - ROW_HEIGHT }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = visible[item.index]!;
            return (
              <div key={row.id} className="row-slot" style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)`, height: ROW_HEIGHT }}>
                <Row row={row} selected={row.id === selected} onSelect={onSelect} />
              </div>
            );
          })}
        </div>
      </div>
      <div className="list-footer" data-testid="shown-count">
        {visible.length === rows.length ? `${groupDigits(rows.length)} exchanges` : `${groupDigits(visible.length)} of ${groupDigits(rows.length)} exchanges match`}
      </div>
    </section>
  );
}
