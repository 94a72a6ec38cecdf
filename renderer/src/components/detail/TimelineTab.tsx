import type { ExchangeDetail } from '../../../../shared/api';
import { duration, groupDigits, plural, size } from '../../../../shared/words';
import { timelineLayout } from '../../model/timeline';
import { itemSummary } from './StreamTab';
import { useStreamView } from './use-stream-view';
import { useWidth } from '../use-width';

const HEIGHT = 280;
/** The item ticks sit at the top of the plot, above the chunk marks. */
const PLOT_TOP = 16;

export function TimelineTab({ detail }: { detail: ExchangeDetail }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  // Only this exchange's own ends: a kept-alive connection's later close belongs to a later exchange.
  const first = detail.account.ends.find((e) => !e.mirrored) ?? null;
  const ended = first ? { who: first.who, how: first.how, truncation: first.truncation, at: detail.connectionOpenedAt + first.at } : null;
  const { items: all } = useStreamView(detail.id, detail.stream === true);
  // While live, items up to the detail's last byte only: the Stream view may have looked a moment later.
  const upTo = detail.row.state === 'streaming' ? (detail.response?.last ?? Infinity) : Infinity;
  const items = all.filter((i) => !i.partial && (i.arrived ?? Infinity) <= upTo).map((i) => ({ arrived: i.arrived, label: itemSummary(i) }));
  const layout = timelineLayout(detail, ended, width, HEIGHT, items);
  const bottom = HEIGHT - 28;
  return (
    <div ref={ref} className="timeline" data-testid="timeline">
      <svg width={layout.width} height={HEIGHT} role="img" aria-label="time on x, cumulative bytes on y">
        <line x1={56} y1={bottom} x2={layout.width - 24} y2={bottom} className="axis" />
        {layout.ticks.map((t, i) => (
          <g key={i}>
            <line x1={t.x} y1={bottom} x2={t.x} y2={bottom + 4} className="axis" />
            <text x={t.x} y={bottom + 16} className="tick" textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        <text x={4} y={20} className="tick">
          {size(layout.totalBytes)}
        </text>
        {layout.stalls.map((s, i) => (
          <g key={i} data-testid="stall-mark">
            <rect x={s.x} y={PLOT_TOP} width={s.width} height={bottom - PLOT_TOP} className="stall-band" />
            <text x={s.x + s.width / 2} y={bottom - 6} className="label-stall" textAnchor="middle">
              {s.label}
            </text>
          </g>
        ))}
        <polyline points={layout.line} className="cumulative" data-testid="cumulative" />
        {layout.marks.map((m, i) => (
          <circle key={i} cx={m.x} cy={m.y} r={m.r} className="chunk-mark" data-testid="chunk-mark">
            <title>{m.chunks === 1 ? `chunk #${m.firstChunk + 1}: ${groupDigits(m.bytes)} bytes` : `chunks #${m.firstChunk + 1}–#${m.firstChunk + m.chunks}: ${groupDigits(m.bytes)} bytes`}</title>
          </circle>
        ))}
        {layout.items.map((m, i) => (
          <g key={i} data-testid="item-mark">
            <line x1={m.x} y1={PLOT_TOP} x2={m.x} y2={PLOT_TOP + 10} className="item-mark" />
            <title>{m.count === 1 ? `item #${m.first + 1} ended: ${m.label}` : `items #${m.first + 1}–#${m.first + m.count} ended here`}</title>
          </g>
        ))}
        {layout.end.kind === 'last-chunk' ? (
          <g data-testid="last-chunk-marker">
            <line x1={layout.end.x} y1={16} x2={layout.end.x} y2={bottom} className="end-ok" />
            <text x={layout.end.x - 4} y={30} className="label-ok" textAnchor="end">
              last chunk
            </text>
          </g>
        ) : null}
        {layout.end.kind === 'missing' ? (
          <g data-testid="missing-marker">
            <line x1={layout.end.x} y1={16} x2={layout.end.x} y2={bottom} className="end-missing" />
            <text x={layout.end.x - 4} y={30} className="label-missing" textAnchor="end">
              ✗ last chunk missing
            </text>
          </g>
        ) : null}
        {layout.close ? (
          <g data-testid="close-marker">
            <line x1={layout.close.x} y1={40} x2={layout.close.x} y2={bottom} className={`close-${layout.close.kind}`} />
            <text x={layout.close.x - 4} y={52} className={`label-close-${layout.close.kind}`} textAnchor="end">
              {layout.close.label}
            </text>
          </g>
        ) : null}
      </svg>
      <p className="summary">
        {layout.items.length > 0 ? `${plural(items.length, 'item')} (blue ticks at the top, where each item’s last byte came) · ` : ''}
        {detail.response?.chunkColumns ? `${plural(detail.response.chunkColumns.sizes.length, 'chunk')} over ${duration(layout.duration / 1.05)}` : 'No chunks.'}
        {layout.end.kind === 'streaming' ? ' · still streaming' : ''}
      </p>
    </div>
  );
}
