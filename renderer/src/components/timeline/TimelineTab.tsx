// An exchange's Timeline: the plot at the view chosen (the whole exchange at first), the
// brush over the whole, the view's range and a one-line summary. Reads the detail's
// account (ends, stalls) and the Stream view's items.
import { useMemo, useState } from 'react';
import type { ExchangeDetail } from '../../../../shared/api';
import { duration, plural } from '../../../../shared/words';
import { useApp, useAppStore } from '../../context';
import { chunkFacts, timelineData } from '../../model/timeline';
import { clampDomain, type Domain } from '../../model/zoom';
import { itemSummary } from '../detail/StreamTab';
import { useStreamView } from '../detail/use-stream-view';
import { useSize } from '../plot-support';
import { TimelineBrush } from './TimelineBrush';
import { TimelinePlot } from './TimelinePlot';

export function TimelineTab({ detail }: { detail: ExchangeDetail }) {
  const store = useAppStore();
  const { items: all } = useStreamView(detail.id, detail.stream === true);
  // While live, items up to the detail's last byte only: the Stream view may have looked a moment later.
  const upTo = detail.row.state === 'streaming' ? (detail.response?.last ?? Infinity) : Infinity;
  const items = useMemo(() => all.filter((i) => !i.partial && (i.arrived ?? Infinity) <= upTo).map((i) => ({ arrived: i.arrived, label: `item #${i.index + 1} ended: ${itemSummary(i)}` })), [all, upTo]);
  const data = useMemo(() => timelineData(detail, items), [detail, items]);
  const [zoom, setZoom] = useState<Domain | null>(null);
  const domain = zoom ? clampDomain(zoom, data.full) : data.full;
  // Drawn once its size is known (the first layout), not once at a guess and again.
  const [box, size] = useSize<HTMLDivElement>({ width: 0, height: 0 });
  const chunk = useApp((s) => s.chunk);
  const pickedSeries = chunk ? data.series.findIndex((s) => s.side === chunk.side) : -1;
  const picked = chunk && pickedSeries >= 0 && chunk.index < data.series[pickedSeries]!.times.length ? { series: pickedSeries, index: chunk.index } : null;
  const plotHeight = Math.max(180, size.height);
  const response = data.series.find((s) => s.side === 'response');
  const request = data.series.find((s) => s.side === 'request');
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-bar">
        <span className="timeline-range" data-testid="timeline-range">
          {zoom ? `showing ${duration(domain[0])} – ${duration(domain[1])} of ${duration(data.end)}` : `the whole exchange: ${duration(data.end)}`}
        </span>
        <button type="button" data-testid="timeline-reset" disabled={!zoom} onClick={() => setZoom(null)} title="The whole exchange (0, or double-click the plot)">
          Whole exchange
        </button>
        <span className="timeline-legend">
          {response ? (
            <>
              <span className="legend-dot response" /> response{' '}
            </>
          ) : null}
          {request ? (
            <>
              <span className="legend-dot request" /> request{' '}
            </>
          ) : null}
          · ● a chunk (area ∝ bytes) · ■ several chunks · <span className="legend-band" /> a stall
        </span>
      </div>
      {picked ? (
        <p className="timeline-picked" data-testid="timeline-picked">
          <span>{chunkFacts(data, data.series[picked.series]!, picked.index).join(' · ')}</span>
          <button type="button" className="link" onClick={() => store.getState().setTab('chunks')} title="Its size line, extensions, data and CRLF, in the Chunks tab">
            its bytes
          </button>
        </p>
      ) : null}
      <div className="timeline-box" ref={box}>
        {size.width > 0 ? (
          <TimelinePlot data={data} domain={domain} width={size.width} height={plotHeight} onDomain={setZoom} picked={picked} onPick={(s, index) => store.getState().pickChunk({ side: data.series[s]!.side, index })} />
        ) : null}
      </div>
      {size.width > 0 ? <TimelineBrush data={data} domain={domain} left={0} width={size.width} onDomain={setZoom} /> : <div className="timeline-brush" />}
      <p className="summary" data-testid="timeline-summary">
        {data.items.times.length > 0 ? `${plural(data.items.times.length, 'item')} (blue ticks along the top, where each item’s last byte came) · ` : ''}
        {response ? `${plural(response.times.length, 'chunk')} over ${duration(data.end)}` : request ? `request: ${plural(request.times.length, 'chunk')} over ${duration(data.end)}` : 'No chunks.'}
        {data.streaming ? ' · still streaming' : ''}
      </p>
    </div>
  );
}
