import type { ExchangeDetail } from '../../../../shared/api';
import { useApp } from '../../context';
import { bytes, groupDigits, milliseconds } from '../../model/format';
import { timelineLayout } from '../../model/timeline';
import { useWidth } from '../use-width';

const HEIGHT = 280;

export function TimelineTab({ detail }: { detail: ExchangeDetail }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const ended = useApp((s) => s.connections.get(detail.connection)?.ended ?? null);
  const layout = timelineLayout(detail, ended, width, HEIGHT);
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
          {bytes(layout.totalBytes)}
        </text>
        <polyline points={layout.line} className="cumulative" data-testid="cumulative" />
        {layout.marks.map((m, i) => (
          <circle key={i} cx={m.x} cy={m.y} r={m.r} className="chunk-mark" data-testid="chunk-mark">
            <title>{m.chunks === 1 ? `chunk #${m.firstChunk + 1}: ${groupDigits(m.bytes)} bytes` : `chunks #${m.firstChunk + 1}–#${m.firstChunk + m.chunks}: ${groupDigits(m.bytes)} bytes`}</title>
          </circle>
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
        {detail.response?.chunkColumns ? `${groupDigits(detail.response.chunkColumns.sizes.length)} chunks over ${milliseconds(layout.duration / 1.05)}` : 'No chunks.'}
        {layout.end.kind === 'streaming' ? ' · still streaming' : ''}
      </p>
    </div>
  );
}
