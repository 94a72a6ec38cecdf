import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef } from 'react';
import type { ConnectionRow } from '../../../shared/api';
import { useApp, useAppStore } from '../context';
import { duration, endsStory, groupDigits, size } from '../../../shared/words';
import { laneLayout, laneSummary } from '../model/lanes';
import { selectConnections } from '../store/store';
import { useWidth } from './use-width';

const LANE = 58;
const INFO = 360;

/** Memoised: a lane is laid out and drawn again only when its connection or the scale changed. */
const Lane = memo(function Lane({ c, t0, t1, width }: { c: ConnectionRow; t0: number; t1: number; width: number }) {
  const store = useAppStore();
  const layout = useMemo(() => laneLayout(c, t0, t1, width), [c, t0, t1, width]);
  const open = () => {
    store.getState().setFilter(`conn:${c.number}`);
    store.getState().setView('sessions');
  };
  return (
    <div className="lane" data-testid="lane" data-connection={c.number} onClick={open} title="Show this connection's exchanges">
      <div className="lane-info" style={{ width: INFO }}>
        <strong>{c.id}</strong> {c.client} → {c.upstream ?? '(no upstream)'}
        <br />
        <span data-testid="lane-summary">{laneSummary(c)}</span> · ↑ {size(c.bytesSent)} ↓ {size(c.bytesReceived)}
        <br />
        <span className={c.tone === 'problem' ? 'bad' : ''} data-testid="lane-end" title={endsStory(c.ends)}>
          {c.headline}
        </span>
        {layout.longestGap ? <span> · longest idle gap {duration(layout.longestGap.seconds)}</span> : null}
      </div>
      <svg width={width} height={LANE - 8} className="lane-strip">
        <line x1={0} y1={LANE / 2 - 4} x2={width} y2={LANE / 2 - 4} className="lane-axis" />
        {layout.bars.map((b) => (
          <rect key={b.index} x={b.x} y={14} width={b.width} height={LANE - 36} className="lane-bar">
            <title>request #{b.index + 1}</title>
          </rect>
        ))}
        {layout.bins.map((b) => (
          <rect key={b.x} x={b.x} y={14} width={b.width} height={LANE - 36} className="lane-bin" style={{ opacity: 0.25 + 0.75 * (b.count / Math.max(1, layout.densest)) }}>
            <title>{groupDigits(b.count)} requests</title>
          </rect>
        ))}
        {layout.bins.length > 0 ? (
          <text x={4} y={12} className="tick">
            {groupDigits(c.requests)} requests, shaded by density
          </text>
        ) : null}
        {layout.end ? (
          <g data-testid="lane-end-marker">
            <line x1={layout.end.x} y1={2} x2={layout.end.x} y2={LANE - 10} className={`close-${layout.end.kind}`} />
            <text x={Math.min(width - 2, layout.end.x + 4)} y={LANE - 12} className={`label-close-${layout.end.kind}`} textAnchor={layout.end.x > width - 80 ? 'end' : 'start'}>
              {layout.end.label}
            </text>
          </g>
        ) : null}
      </svg>
    </div>
  );
});

export function ConnectionLanes() {
  const connections = useApp(selectConnections);
  const list = useMemo(() => [...connections.values()].sort((a, b) => a.number - b.number), [connections]);
  const [ref, total] = useWidth<HTMLDivElement>(1000);
  const width = Math.max(200, total - INFO - 24);
  // reduce, not Math.min(...): a spread of 100,000 arguments overflows the stack.
  const t0 = list.reduce((t, c) => Math.min(t, c.openedAt), list.length ? Infinity : 0);
  const t1 = list.reduce((t, c) => Math.max(t, c.lastActivity, c.ended?.at ?? 0), 1e-3);
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: list.length, getScrollElement: () => parent.current, estimateSize: () => LANE, overscan: 3 });
  return (
    <section className="lanes" ref={ref} data-testid="lanes">
      <div ref={parent} className="lane-rows">
        {list.length === 0 ? <p className="empty">No connections yet.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div key={list[item.index]!.number} className="row-slot" style={{ transform: `translateY(${item.start}px)`, height: LANE }}>
              <Lane c={list[item.index]!} t0={t0} t1={t1} width={width} />
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
