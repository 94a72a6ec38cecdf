// One item of the Stream view opened whole: every field it had, the chunks that carried it,
// and what was wrong with it.
import type { CarriedItem } from '../../../../shared/stream';
import { byteCount, duration, groupDigits } from '../../../../shared/words';
import { useAppStore } from '../../context';
import { MarkedText } from './marked';

function fields(item: CarriedItem): [string, string][] {
  switch (item.kind) {
    case 'rss':
    case 'atom':
      return [['title', item.title ?? '(no title)'], ['link', item.link ?? ''], ['date', item.date ?? '']];
    case 'sse':
      return [
        ['event', item.event],
        ['id', item.id ?? ''],
        ['last event ID', item.lastEventId],
        ['retry', item.retry === null ? '' : `${groupDigits(item.retry)} ms`],
        ['data', item.data],
        ...item.comments.map((c): [string, string] => ['comment', c]),
        ...item.ignored.map((c): [string, string] => ['ignored line', c]),
        ['dispatched', item.dispatched ? 'yes' : 'no: a browser does not dispatch it'],
      ];
    case 'ndjson':
      return [['value', item.value === undefined ? '' : JSON.stringify(item.value, null, 2)]];
    case 'text':
      return [['line', item.text + (item.truncated ? ' …' : '')]];
  }
}

export function StreamItemDetail({ item, origin, marker, onClose }: { item: CarriedItem; origin: number; marker: RegExp | null; onClose: () => void }) {
  const store = useAppStore();
  return (
    <section className="item-detail" data-testid="item-detail" aria-label={`Item #${item.index + 1}`}>
      <header>
        <strong>item #{groupDigits(item.index + 1)}</strong>
        <span>
          {' '}
          · {byteCount(item.size)} at bytes {groupDigits(item.start)}–{groupDigits(Math.max(item.start, item.end - 1))} of the body
          {item.arrived !== null ? ` · arrived ${duration(item.arrived - origin)}` : ''}
          {item.chunks ? ' · ' : ''}
        </span>
        {item.chunks && item.firstChunk !== null ? (
          <button type="button" className="link" data-testid="item-chunk" title="Pick this chunk in the Chunks tab" onClick={() => (store.getState().pickChunk({ side: 'response', index: item.firstChunk! }), store.getState().setTab('chunks'))}>
            {item.chunks}
          </button>
        ) : null}
        <button type="button" className="icon" onClick={onClose} title="Close" aria-label="Close">
          ✕
        </button>
      </header>
      {item.error ? (
        <p className="bad">
          ✗ {item.error.message} at byte {groupDigits(item.error.offset)}
        </p>
      ) : null}
      {item.partial ? <p className="live">partial: {item.partial}</p> : null}
      <dl>
        {fields(item)
          .filter(([, value]) => value !== '')
          .map(([name, value], i) => (
            <div key={i}>
              <dt>{name}</dt>
              <dd>
                <pre>
                  <MarkedText text={value} marker={marker} />
                </pre>
              </dd>
            </div>
          ))}
      </dl>
      {item.raw ? (
        <>
          <h4>as received</h4>
          <pre className="item-raw">
            <MarkedText text={item.raw} marker={marker} />
          </pre>
        </>
      ) : null}
    </section>
  );
}
