// The Stream tab: the items a streamed body carried (feed items, server-sent events, JSON
// values, text lines), each with the chunks that carried it, when its last byte came,
// the gap since the previous item and its size; partial and malformed items say why.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { ExchangeDetail, StreamViewResult } from '../../../../shared/api';
import type { CarriedItem } from '../../../../shared/stream';
import { duration, groupDigits, size } from '../../../../shared/words';
import { MarkedText, useStreamMarker } from './marked';
import { StreamItemDetail } from './StreamItemDetail';
import { useStreamView } from './use-stream-view';

const ROW = 22;
const KIND_NAMES = { rss: 'RSS feed', atom: 'Atom feed', sse: 'server-sent events', ndjson: 'JSON lines', text: 'text lines' } as const;

/** What one item says, in one line. */
export function itemSummary(item: CarriedItem): string {
  if (item.error) return `${item.raw ?? ''}`.slice(0, 300);
  switch (item.kind) {
    case 'rss':
    case 'atom':
      return [item.title ?? '(no title)', item.link, item.date].filter(Boolean).join(' · ');
    case 'sse': {
      const fields = [item.event !== 'message' ? `event: ${item.event}` : null, item.id !== null ? `id: ${item.id}` : null, item.retry !== null ? `retry: ${item.retry}` : null];
      const comments = item.comments.length ? `${item.comments.length} comment${item.comments.length === 1 ? '' : 's'}` : null;
      return [...fields, item.dispatched || item.data ? `data: ${item.data.replace(/\n/g, '⏎')}` : null, comments].filter(Boolean).join(' · ');
    }
    case 'ndjson':
      return item.value === undefined ? (item.raw ?? '') : JSON.stringify(item.value).slice(0, 300);
    case 'text':
      return item.text;
  }
}

function heading(view: StreamViewResult): string {
  const parts = [`${KIND_NAMES[view.kind!]} · ${groupDigits(view.total)} item${view.total === 1 ? '' : 's'}`];
  if (view.decoding) {
    const raw = view.decoding.rawDeflate ? ' (raw deflate)' : '';
    parts.push(`decoded from ${view.decoding.codings.join(' then ')}${raw}: ${size(view.decoding.encodedBytes)} → ${size(view.decoding.decodedBytes)}`);
  }
  if (view.streaming) parts.push('still streaming: items appear as their last byte arrives');
  return parts.join(' · ');
}

export function StreamTab({ detail }: { detail: ExchangeDetail }) {
  const { view, items, error } = useStreamView(detail.id, true);
  const marker = useStreamMarker(detail.id);
  const parent = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<number | null>(null);
  // The header is the scroll box's first row (sticky), so it scrolls sideways with the items.
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20, scrollMargin: ROW });
  const origin = detail.account.span.from;
  if (error) return <p className="missing">{error}</p>;
  if (!view) return <p className="empty">Reading the body…</p>;
  if (!view.kind) {
    if (view.streaming && !view.note) return <p className="empty">Waiting for the first bytes of the body to tell what it holds…</p>;
    return <p className="empty">No stream view: {view.note ?? 'this body is not of a streaming type'}.</p>;
  }
  return (
    <div className="stream-tab" data-testid="stream">
      <p className="summary" data-testid="stream-summary">
        {heading(view)}
      </p>
      {view.note ? <p className="summary">{view.note}</p> : null}
      {view.errors.length > 0 ? (
        <ul className="anomalies" data-testid="stream-errors">
          {view.errors.slice(0, 20).map((e, i) => (
            <li key={i} className={e.fatal ? 'error' : 'info'}>
              {e.stage === 'decoding' ? 'decoding' : 'parsing'}
              {e.offset !== null ? ` at byte ${groupDigits(e.offset)}` : ''}
              {e.chunk !== null ? ` (chunk #${e.chunk + 1})` : ''}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div ref={parent} className="ledger stream-items" tabIndex={0} role="grid" aria-label="Stream items">
        <div className="ledger-row header" role="row" data-testid="stream-header">
          <span data-col="#">#</span>
          <span data-col="chunks">chunks</span>
          <span data-col="arrived" title="When the item's last byte arrived, since the request's first byte">arrived</span>
          <span data-col="gap">gap</span>
          <span data-col="size">size</span>
          <span data-col="item">item (click to open)</span>
        </div>
        <div className="ledger-space" style={{ height: virtualizer.getTotalSize() - ROW }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index]!;
            const flag = item.error ? 'bad' : item.partial ? 'live' : '';
            return (
              <div
                key={row.index}
                className={`ledger-row ${flag} ${open === row.index ? 'picked' : ''}`}
                data-testid="stream-item"
                role="row"
                aria-selected={open === row.index}
                onClick={() => setOpen(open === row.index ? null : row.index)}
                style={{ transform: `translateY(${row.start - ROW}px)`, height: ROW }}
              >
                <span data-col="#">{groupDigits(item.index + 1)}</span>
                <span data-testid="item-chunks" data-col="chunks">{item.chunks ?? '—'}</span>
                <span data-col="arrived">{item.arrived === null ? '' : duration(item.arrived - origin)}</span>
                <span data-col="gap">{item.gap === null ? '' : duration(item.gap)}</span>
                <span data-col="size">{groupDigits(item.size)}</span>
                <span data-col="item" className="item-text" title={item.error ? `${item.error.message} (at byte ${groupDigits(item.error.offset)})` : (item.partial ?? undefined)}>
                  {item.error ? <strong className="bad">✗ {item.error.message} at byte {groupDigits(item.error.offset)}: </strong> : null}
                  {item.partial ? <strong className="live">partial ({item.partial}): </strong> : null}
                  <MarkedText text={itemSummary(item)} marker={marker} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
      {open !== null && items[open] ? <StreamItemDetail item={items[open]!} origin={origin} marker={marker} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
