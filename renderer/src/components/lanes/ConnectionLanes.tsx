// Connections: one lane per connection along a shared time axis (since the session's
// start, which Clear resets). Only the connections with an exchange the list's filter
// keeps are shown. Ctrl+wheel (or wheel over the axis) zooms, Shift+wheel pans, a drag
// across the axis zooms to a range; double-click a lane to zoom to its connection and
// again (or 0, or Escape) for the whole session. Hover a lane for the request there.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { ConnectionRow } from '../../../../shared/api';
import { duration, endsStory, groupDigits, size as bytesSize } from '../../../../shared/words';
import { useApp, useAppStore } from '../../context';
import { timeAxis } from '../../model/axis';
import { exchangeAt, laneEndLabel, laneGeometry, laneSummary, sessionSpan } from '../../model/lanes';
import { clampDomain, domainBetween, panBy, timeAt, wheelFactor, zoomAt, type Domain } from '../../model/zoom';
import { selectConnections, selectFilter, selectOrigin, selectRows } from '../../store/store';
import { useFiltered } from '../list/SessionsList';
import { measureText, prepareCanvas, usePalette, useSize, useWheel } from '../plot-support';
import { drawLane } from './draw-lanes';
import { LaneTip, exchangeFacts } from './LaneTip';

const LANE = 62;

/** The filter's verdict per connection: which of its exchanges it keeps (null: no filter). */
function useMatches(): Map<number, Set<number>> | null {
  const rows = useApp(selectRows);
  const filter = useApp(selectFilter);
  const kept = useFiltered(rows, filter);
  return useMemo(() => {
    if (filter.trim() === '') return null;
    const matches = new Map<number, Set<number>>();
    for (const r of kept) {
      let set = matches.get(r.connection);
      if (!set) matches.set(r.connection, (set = new Set()));
      set.add(r.index);
    }
    return matches;
  }, [kept, filter]);
}

export function ConnectionLanes() {
  const store = useAppStore();
  const connections = useApp(selectConnections);
  const origin = useApp(selectOrigin);
  const matches = useMatches();
  const list = useMemo(() => [...connections.values()].filter((c) => !matches || matches.has(c.number)).sort((a, b) => a.number - b.number), [connections, matches]);
  const span = useMemo(() => sessionSpan(connections.values()), [connections]);
  const full: Domain = useMemo(() => [0, (span[1] - origin) * 1.02], [span, origin]);
  const [zoom, setZoom] = useState<{ domain: Domain; connection: number | null } | null>(null);
  const domain = zoom ? clampDomain(zoom.domain, full) : full;
  const [box, size] = useSize<HTMLDivElement>({ width: 1000, height: 500 });
  const info = size.width < 1000 ? 250 : size.width < 1600 ? 340 : 400;
  const stripWidth = Math.max(80, size.width - info);
  const colors = usePalette();
  const canvas = useRef<HTMLCanvasElement>(null);
  const virtualizer = useVirtualizer({ count: list.length, getScrollElement: () => box.current, estimateSize: () => LANE, overscan: 2 });
  const items = virtualizer.getVirtualItems();
  const [tip, setTip] = useState<{ x: number; y: number; lines: string[] } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const clicks = useRef<ReturnType<typeof setTimeout> | null>(null);
  const absolute: Domain = [origin + domain[0], origin + domain[1]];

  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const started = performance.now();
    const context = prepareCanvas(element, stripWidth, size.height);
    if (!context) return;
    const scrollTop = box.current?.scrollTop ?? 0;
    for (const item of items) {
      const c = list[item.index];
      if (!c) continue;
      const kept = matches?.get(c.number);
      drawLane(context, laneGeometry(c, absolute, 0, stripWidth, kept ? (i) => kept.has(i) : undefined), item.start - scrollTop, LANE, colors, matches !== null);
    }
    performance.clearMeasures('chunkscope:lanes-draw');
    performance.measure('chunkscope:lanes-draw', { start: started, end: performance.now() });
  });

  const zoomTo = (c: ConnectionRow) => {
    if (zoom?.connection === c.number) return setZoom(null);
    const from = c.openedAt - origin;
    const to = Math.max(from + 1e-3, Math.max(c.lastActivity, c.ended?.at ?? 0, ...c.ends.map((e) => c.openedAt + e.at)) - origin);
    const pad = (to - from) * 0.03;
    setZoom({ domain: clampDomain([from - pad, to + pad], full), connection: c.number });
  };
  const setDomain = (d: Domain | null) => setZoom(d ? { domain: d, connection: null } : null);

  const stripX = (event: { clientX: number }) => event.clientX - (box.current?.getBoundingClientRect().left ?? 0) - info;
  // Over the lanes a plain wheel scrolls them; Ctrl (or a pinch) zooms, Shift or a sideways swipe pans.
  useWheel(box, (event) => {
    const x = stripX(event);
    if (event.ctrlKey || event.metaKey) setDomain(zoomAt(domain, full, wheelFactor(event.deltaY, event.deltaMode), timeAt(domain, 0, stripWidth, x)));
    else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) setDomain(panBy(domain, full, ((event.shiftKey ? event.deltaY : event.deltaX) / stripWidth) * (domain[1] - domain[0])));
    else return false;
  });
  const axis = useRef<HTMLDivElement>(null);
  useWheel(axis, (event) => setDomain(zoomAt(domain, full, wheelFactor(event.deltaY, event.deltaMode), timeAt(domain, 0, stripWidth, event.clientX - axis.current!.getBoundingClientRect().left - info))));
  const onLaneMove = (event: MouseEvent, c: ConnectionRow, endLabelAt: number | null) => {
    const x = stripX(event);
    if (x < 0) return setTip(null);
    const t = origin + timeAt(domain, 0, stripWidth, x);
    const slack = (3 / stripWidth) * (domain[1] - domain[0]);
    const index = exchangeAt(c, t, slack);
    if (index !== null) {
      const s = store.getState();
      const at = s.index.get(`${c.number}:${index}`);
      return setTip({ x: event.clientX, y: event.clientY, lines: exchangeFacts(c, index, at === undefined ? undefined : s.rows[at], origin) });
    }
    if (endLabelAt !== null && Math.abs(x - endLabelAt) < 6) return setTip({ x: event.clientX, y: event.clientY, lines: [endsStory(c.ends)] });
    const stall = c.stalls.find((s) => t >= c.openedAt + s.since && t <= c.openedAt + s.since + s.seconds);
    setTip(stall ? { x: event.clientX, y: event.clientY, lines: [`no byte for ${duration(stall.seconds)}, waiting for ${stall.waitingFor}`] } : null);
  };
  const onLaneClick = (event: MouseEvent, c: ConnectionRow) => {
    const x = stripX(event);
    const index = x >= 0 ? exchangeAt(c, origin + timeAt(domain, 0, stripWidth, x), (3 / stripWidth) * (domain[1] - domain[0])) : null;
    // Wait for a double-click before opening the list.
    if (clicks.current) clearTimeout(clicks.current);
    clicks.current = setTimeout(() => {
      clicks.current = null;
      store.getState().setFilter(`conn:${c.number}`);
      if (index !== null) store.getState().select(`${c.number}:${index}`);
      store.getState().setView('sessions');
    }, 250);
  };
  const onLaneDoubleClick = (c: ConnectionRow) => {
    if (clicks.current) clearTimeout(clicks.current);
    clicks.current = null;
    zoomTo(c);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const center = (domain[0] + domain[1]) / 2;
    if (event.key === '0' || (event.key === 'Escape' && zoom)) setZoom(null);
    else if (event.key === '+' || event.key === '=') setDomain(zoomAt(domain, full, 0.5, center));
    else if (event.key === '-') setDomain(zoomAt(domain, full, 2, center));
    else return;
    event.preventDefault();
  };

  // The axis: wheel zooms at the pointer, a drag zooms to a range.
  const axisX = (event: PointerEvent) => event.clientX - (event.currentTarget as HTMLElement).getBoundingClientRect().left - info;
  const ticks = timeAxis(domain, [0, stripWidth], measureText);
  const zoomed = zoom?.connection ?? null;
  return (
    <section className="lanes" data-testid="lanes">
      <div className="lanes-bar">
        <span data-testid="lanes-range">
          {zoom ? `showing ${duration(domain[0])} – ${duration(domain[1])} of the session (${duration(full[1] / 1.02)})` : `the whole session: ${duration(full[1] / 1.02)}`}
          {zoomed !== null ? ` · zoomed to c${zoomed}` : ''}
        </span>
        <button type="button" data-testid="lanes-reset" disabled={!zoom} onClick={() => setZoom(null)} title="The whole session (0 or Escape)">
          Whole session
        </button>
        <span>
          {groupDigits(list.length)} connection{list.length === 1 ? '' : 's'}
          {matches ? ` with exchanges matching the filter (of ${groupDigits(connections.size)})` : ''} · times since the session&apos;s start · Ctrl+wheel or wheel on the axis: zoom · Shift+wheel: pan · double-click a lane: its connection
        </span>
      </div>
      <div
        className="lanes-axis"
        data-testid="lanes-axis"
        ref={axis}
        onPointerDown={(event) => {
          (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
          setDrag({ x0: axisX(event), x1: axisX(event) });
        }}
        onPointerMove={(event) => drag && setDrag({ ...drag, x1: axisX(event) })}
        onPointerUp={() => {
          if (drag && Math.abs(drag.x1 - drag.x0) > 4) setDomain(domainBetween(domain, full, 0, stripWidth, drag.x0, drag.x1));
          setDrag(null);
        }}
        onDoubleClick={() => setZoom(null)}
      >
        {ticks.map((t) => (
          <span key={t.value} className="tick-label" style={{ left: info + t.left }}>
            {t.label}
          </span>
        ))}
        {drag ? <div className="drag-band" style={{ left: info + Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0), top: 0, height: 20 }} /> : null}
      </div>
      <div ref={box} className="lane-rows" data-testid="lane-rows" tabIndex={0} onKeyDown={onKeyDown} onMouseLeave={() => setTip(null)}>
        <div className="lanes-canvas-holder">
          <canvas ref={canvas} style={{ left: info }} aria-hidden="true" />
        </div>
        {list.length === 0 ? <p className="empty">{connections.size === 0 ? 'No connections yet.' : 'No connection has an exchange matching the filter.'}</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = list[item.index]!;
            const ended = c.ended ? ((c.ended.at - origin - domain[0]) / (domain[1] - domain[0])) * stripWidth : null;
            const label = laneEndLabel(c);
            const visibleEnd = ended !== null && ended >= 0 && ended <= stripWidth ? ended : null;
            return (
              <div key={c.number} className="row-slot" style={{ transform: `translateY(${item.start}px)`, height: LANE, width: '100%' }}>
                <div
                  className={`lane ${zoomed === c.number ? 'zoomed' : ''}`}
                  data-testid="lane"
                  data-connection={c.number}
                  onMouseMove={(event) => onLaneMove(event, c, visibleEnd)}
                  onClick={(event) => onLaneClick(event, c)}
                  onDoubleClick={() => onLaneDoubleClick(c)}
                  title="Click: its exchanges · double-click: zoom to this connection"
                >
                  <div className="lane-info" style={{ width: info }}>
                    <div>
                      <strong>{c.id}</strong> {c.client} → {c.upstream ?? '(no upstream)'}
                    </div>
                    <div>
                      <span data-testid="lane-summary">{laneSummary(c)}</span> · ↑ {bytesSize(c.bytesSent)} ↓ {bytesSize(c.bytesReceived)}
                    </div>
                     <div className={`lane-headline ${c.tone === 'problem' ? 'bad' : ''}`} data-testid="lane-end" title={`${c.headline}\n${endsStory(c.ends)}`}>
                      {c.headline}
                    </div>
                  </div>
                  <div className="lane-strip">
                    {visibleEnd !== null && label ? (
                      <span className={`lane-end-label tone-${c.ended!.how === 'rst' ? 'rst' : 'fin'}`} data-testid="lane-end-marker" style={visibleEnd > stripWidth - measureText(label) - 12 ? { right: stripWidth - visibleEnd + 4 } : { left: visibleEnd + 4 }}>
                        {label}
                      </span>
                    ) : null}
                  </div>
                </div>
              </div>
            );
          })}
        </div>
      </div>
      {tip ? <LaneTip {...tip} /> : null}
    </section>
  );
}
