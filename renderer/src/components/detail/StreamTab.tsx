// The Stream tab: the items a streamed body carried (feed items, server-sent events, JSON
// values, text lines), each with the chunks that carried it, when its last byte came,
// the gap since the previous item and its size; partial and malformed items say why.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ExchangeDetail, StreamViewResult } from '../../../../shared/api';
import type { CarriedItem } from '../../../../shared/stream';
import { duration, groupDigits, size } from '../../../../shared/words';
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
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20 });
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
      <div className="ledger stream-items">
        <div className="ledger-row header">
          <span>#</span>
          <span>chunks</span>
          <span>arrived</span>
          <span>gap</span>
          <span>size</span>
          <span>item</span>
        </div>
        <div ref={parent} className="ledger-rows">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((row) => {
              const item = items[row.index]!;
              const flag = item.error ? 'bad' : item.partial ? 'live' : '';
              return (
                <div key={row.index} className={`ledger-row ${flag}`} data-testid="stream-item" style={{ transform: `translateY(${row.start}px)`, height: ROW }}>
                  <span>{item.index + 1}</span>
                  <span data-testid="item-chunks">{item.chunks ?? '—'}</span>
                  <span>{item.arrived === null ? '' : duration(item.arrived - (detail.response?.first ?? 0))}</span>
                  <span>{item.gap === null ? '' : duration(item.gap)}</span>
                  <span>{groupDigits(item.size)}</span>
                  <span className="item-text" title={item.error ? `${item.error.message} (at byte ${item.error.offset})` : (item.partial ?? undefined)}>
                    {item.error ? <strong className="bad">✗ {item.error.message} at byte {groupDigits(item.error.offset)}: </strong> : null}
                    {item.partial ? <strong className="live">partial ({item.partial}): </strong> : null}
                    {itemSummary(item)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
