// The whole exchange, small, under the plot, with the part in view as a window: drag the
// window to pan, its edges to widen or narrow it, or across the strip for a new one.
import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { TimelineData } from '../../model/timeline';
import { clampDomain, type Domain } from '../../model/zoom';
import { prepareCanvas, usePalette } from '../plot-support';
import { drawOverview } from './draw';

const HEIGHT = 30;

export function TimelineBrush({ data, domain, left, width, onDomain }: { data: TimelineData; domain: Domain; left: number; width: number; onDomain(d: Domain | null): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const strip = useRef<HTMLDivElement>(null);
  const colors = usePalette();
  const [grab, setGrab] = useState<{ mode: 'move' | 'from' | 'to' | 'new'; x: number; start: Domain } | null>(null);
  const full = data.full;
  const span = full[1] - full[0];
  const px = (t: number) => ((t - full[0]) / span) * width;
  const at = (x: number) => full[0] + (x / width) * span;

  useLayoutEffect(() => {
    const context = canvas.current && prepareCanvas(canvas.current, width, HEIGHT);
    if (context) drawOverview(context, data, width, HEIGHT, colors);
  }, [data, width, colors]);

  const x = (event: PointerEvent) => event.clientX - strip.current!.getBoundingClientRect().left;
  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    const p = x(event);
    const a = px(domain[0]);
    const b = px(domain[1]);
    const mode = Math.abs(p - a) <= 5 ? 'from' : Math.abs(p - b) <= 5 ? 'to' : p > a && p < b ? 'move' : 'new';
    strip.current!.setPointerCapture(event.pointerId);
    setGrab({ mode, x: p, start: domain });
  };
  const onPointerMove = (event: PointerEvent) => {
    if (!grab) return;
    const p = Math.max(0, Math.min(width, x(event)));
    const dt = at(p) - at(grab.x);
    const [a, b] = grab.start;
    if (grab.mode === 'move') onDomain(clampDomain([a + dt, b + dt], full));
    else if (grab.mode === 'from') onDomain(clampDomain([Math.min(a + dt, b - span / 1e6), b], full));
    else if (grab.mode === 'to') onDomain(clampDomain([a, Math.max(b + dt, a + span / 1e6)], full));
    else if (Math.abs(p - grab.x) > 3) onDomain(clampDomain([at(Math.min(p, grab.x)), at(Math.max(p, grab.x))], full));
  };
  const whole = domain[0] <= full[0] && domain[1] >= full[1];
  return (
    <div className="timeline-brush" style={{ marginLeft: left, width }} data-testid="timeline-brush" title="The whole exchange: drag the window to pan, its edges to zoom, or across the strip for a new view; double-click for the whole">
      <canvas ref={canvas} aria-hidden="true" />
      <div ref={strip} className="brush-surface" onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={() => setGrab(null)} onDoubleClick={() => onDomain(null)}>
        {whole ? null : <div className="brush-window" data-testid="brush-window" style={{ left: px(domain[0]), width: Math.max(3, px(domain[1]) - px(domain[0])) }} />}
      </div>
    </div>
  );
}
