// The Timeline's plot: a canvas for the marks and lines (dense data), DOM for the axes'
// labels and the named marks (so they can be read, hovered and checked for overlap), and
// the pointer: wheel to zoom at the pointer, Shift+wheel to pan, drag across a range to
// zoom to it, a click to pick a chunk, a double-click for the whole exchange.
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { duration } from '../../../../shared/words';
import { chunkFacts, groupFacts, nearestChunk, type TimelineData } from '../../model/timeline';
import { itemsAt, markAt, timelineScene } from '../../model/timeline-scene';
import { clampDomain, domainBetween, panBy, timeAt, wheelFactor, zoomAt, type Domain } from '../../model/zoom';
import { measureText, prepareCanvas, usePalette, useWheel } from '../plot-support';
import { drawTimeline } from './draw';

export interface PlotProps {
  data: TimelineData;
  domain: Domain;
  width: number;
  height: number;
  /** A new view; null: the whole exchange. */
  onDomain(domain: Domain | null): void;
  picked: { series: number; index: number } | null;
  onPick(series: number, index: number): void;
}

interface Tip {
  x: number;
  y: number;
  lines: string[];
}

export function TimelinePlot({ data, domain, width, height, onDomain, picked, onPick }: PlotProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const surface = useRef<HTMLDivElement>(null);
  const colors = usePalette();
  const scene = useMemo(() => timelineScene(data, domain, width, height, measureText), [data, domain, width, height]);
  const [hover, setHover] = useState<{ x: number; y: number } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number; moved: boolean } | null>(null);
  const [keyed, setKeyed] = useState(false);
  const { plot } = scene;

  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const started = performance.now();
    const context = prepareCanvas(element, width, height);
    if (context) drawTimeline(context, data, scene, domain, colors, picked);
    // How long the draw took, for the UI benchmark (a PerformanceObserver sees each; only the last is kept).
    performance.clearMeasures('chunkscope:timeline-draw');
    performance.measure('chunkscope:timeline-draw', { start: started, end: performance.now() });
  }, [data, scene, domain, width, height, colors, picked]);

  useWheel(surface, (event) => {
    const rect = surface.current!.getBoundingClientRect();
    const span = domain[1] - domain[0];
    const horizontal = event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY);
    if (horizontal) onDomain(panBy(domain, data.full, ((event.shiftKey ? event.deltaY : event.deltaX) / (plot.right - plot.left)) * span));
    else onDomain(zoomAt(domain, data.full, wheelFactor(event.deltaY, event.deltaMode), timeAt(domain, plot.left, plot.right - plot.left, event.clientX - rect.left)));
  });

  const local = (event: PointerEvent) => {
    const rect = surface.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    const p = local(event);
    if (p.x < plot.left || p.x > plot.right) return;
    surface.current!.setPointerCapture(event.pointerId);
    setDrag({ x0: p.x, x1: p.x, moved: false });
  };
  const onPointerMove = (event: PointerEvent) => {
    const p = local(event);
    setHover(p);
    setKeyed(false);
    if (drag) setDrag({ ...drag, x1: Math.max(plot.left, Math.min(plot.right, p.x)), moved: drag.moved || Math.abs(p.x - drag.x0) > 4 });
  };
  const onPointerUp = (event: PointerEvent) => {
    if (!drag) return;
    setDrag(null);
    if (drag.moved) return onDomain(domainBetween(domain, data.full, plot.left, plot.right - plot.left, drag.x0, drag.x1));
    const p = local(event);
    const mark = markAt(scene, data, p.x, p.y);
    if (mark) onPick(mark.series, mark.count === 1 ? mark.first : nearestChunk(data.series[mark.series]!, timeAt(domain, plot.left, plot.right - plot.left, p.x)));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const span = domain[1] - domain[0];
    const center = (domain[0] + domain[1]) / 2;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      const s = picked?.series ?? 0;
      const series = data.series[s];
      if (!series) return;
      event.preventDefault();
      const index = picked ? Math.max(0, Math.min(series.times.length - 1, picked.index + (event.key === 'ArrowRight' ? 1 : -1))) : event.key === 'ArrowRight' ? 0 : series.times.length - 1;
      const t = series.times[index]!;
      if (t < domain[0] || t > domain[1]) onDomain(clampDomain([t - span / 2, t + span / 2], data.full));
      onPick(s, index);
      setKeyed(true);
    } else if (event.key === '+' || event.key === '=') onDomain(zoomAt(domain, data.full, 0.5, center));
    else if (event.key === '-') onDomain(zoomAt(domain, data.full, 2, center));
    else if (event.key === '0') onDomain(null);
    else return;
    event.preventDefault();
  };

  // What is under the pointer, or the chunk picked with the keys.
  let tip: Tip | null = null;
  if (keyed && picked && data.series[picked.series]) {
    const series = data.series[picked.series]!;
    tip = { x: scene.x(series.times[picked.index]!), y: scene.y(series.cumulative[picked.index]!), lines: chunkFacts(data, series, picked.index) };
  } else if (hover && !drag) {
    const mark = markAt(scene, data, hover.x, hover.y);
    const t = timeAt(domain, plot.left, plot.right - plot.left, hover.x);
    if (mark) {
      const series = data.series[mark.series]!;
      tip = { ...hover, lines: mark.count === 1 ? chunkFacts(data, series, mark.first) : groupFacts(series, mark.first, mark.count, mark.bytes) };
    } else if (scene.itemStrip && hover.y >= scene.itemStrip.top - 2 && hover.y <= scene.itemStrip.bottom + 2) {
      const found = itemsAt(scene, data, domain, hover.x);
      if (found.length > 0) tip = { ...hover, lines: found.length === 1 ? [data.items.labels[found[0]!]!] : [`${found.length} items ended here`, data.items.labels[found[0]!]!] };
    } else if (hover.y >= plot.top && hover.y <= plot.bottom && hover.x >= plot.left && hover.x <= plot.right) {
      const end = data.ends.find((e) => Math.abs(scene.x(e.t) - hover.x) <= 3);
      const stall = data.stalls.find((s) => t >= s.from && t <= s.to);
      if (end) tip = { ...hover, lines: [end.story, `at ${duration(end.t)}`] };
      else if (stall) tip = { ...hover, lines: [stall.story, `from ${duration(stall.from)} to ${duration(stall.to)}`] };
    }
  }

  return (
    <div className="timeline-plot" style={{ width, height }} data-testid="timeline-plot">
      <canvas ref={canvas} className="plot-canvas" aria-hidden="true" />
      <svg className="plot-lines" width={width} height={height} aria-hidden="true">
        {data.stalls.map((s, i) => {
          const a = Math.max(plot.left, scene.x(s.from));
          const b = Math.min(plot.right, scene.x(s.to));
          return b > a - 2 ? <rect key={i} data-testid="stall-band" x={a} y={plot.top} width={Math.max(2, b - a)} height={plot.bottom - plot.top} className="stall-band" /> : null;
        })}
        {scene.labels.map((l) => (
          <line key={l.id} x1={l.x} x2={l.x} y1={l.kind === 'stall' ? l.top + 14 : l.top + 7} y2={plot.bottom} className={`mark-line tone-${l.tone} kind-${l.kind}`} />
        ))}
      </svg>
      <div className="axis-y" aria-label="bytes">
        {scene.yTicks.map((t) => (
          <span key={t.value} className="tick-label" style={{ top: t.at - 7, right: width - plot.left + 6 }}>
            {t.label}
          </span>
        ))}
      </div>
      <div className="axis-x" aria-label="time since the request's first byte" data-testid="time-axis">
        {scene.xTicks.map((t) => (
          <span key={t.value} className="tick-label" style={{ left: t.left, top: plot.bottom + 4 }}>
            {t.label}
          </span>
        ))}
      </div>
      {scene.labels.map((l) => (
        <span
          key={l.id}
          className={`plot-label tone-${l.tone}`}
          style={{ left: l.left, top: l.top, width: l.width }}
          title={l.title}
          data-testid={{ stall: 'stall-mark', 'last-chunk': 'last-chunk-marker', missing: 'missing-marker', 'first-end': 'close-marker', end: 'end-marker' }[l.kind]}
        >
          {l.text}
        </span>
      ))}
      <div
        ref={surface}
        className="plot-surface"
        tabIndex={0}
        role="img"
        aria-label="Timeline: time since the request's first byte across, cumulative bytes up. Wheel to zoom, drag across a range to zoom to it, Shift+wheel to pan, ← → to step through chunks, 0 for the whole exchange."
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onDoubleClick={() => onDomain(null)}
        onKeyDown={onKeyDown}
      >
        {drag?.moved ? <div className="drag-band" style={{ left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0), top: plot.top, height: plot.bottom - plot.top }} /> : null}
      </div>
      {tip ? (
        <div className="plot-tip" data-testid="timeline-tip" style={{ left: Math.min(Math.max(4, tip.x + 12), width - 260), top: Math.max(4, Math.min(tip.y + 12, height - 24 - tip.lines.length * 16)) }}>
          {tip.lines.map((line, i) => (
            <div key={i} className={i === 0 ? 'tip-head' : ''}>
              {line}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
