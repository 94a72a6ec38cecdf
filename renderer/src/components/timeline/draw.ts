// Drawing a Timeline on a canvas: grid, stall bands, the cumulative bytes of each body as a
// staircase, the chunk marks, the item ticks and the picked chunk. Only what is in view is
// walked, so a 100,000-chunk exchange redraws within a frame.
import { firstAtOrAfter, type TimelineData } from '../../model/timeline';
import { BIN, markRadius, type Scene } from '../../model/timeline-scene';
import type { Domain } from '../../model/zoom';

export function drawTimeline(context: CanvasRenderingContext2D, data: TimelineData, scene: Scene, domain: Domain, colors: Record<string, string>, picked: { series: number; index: number } | null): void {
  const { plot } = scene;
  context.save();
  // Grid.
  context.strokeStyle = colors.grid!;
  context.lineWidth = 1;
  context.beginPath();
  for (const t of scene.yTicks) {
    const y = Math.round(t.at) + 0.5;
    context.moveTo(plot.left, y);
    context.lineTo(plot.right, y);
  }
  for (const t of scene.xTicks) {
    const x = Math.round(t.at) + 0.5;
    context.moveTo(x, plot.top);
    context.lineTo(x, plot.bottom);
  }
  context.stroke();
  context.strokeStyle = colors.muted!;
  context.beginPath();
  context.moveTo(plot.left + 0.5, plot.top);
  context.lineTo(plot.left + 0.5, plot.bottom + 0.5);
  context.lineTo(plot.right, plot.bottom + 0.5);
  context.stroke();

  // Marks at the view's edges may show their outer half.
  context.beginPath();
  context.rect(plot.left - 11, 0, plot.right - plot.left + 22, plot.bottom + 1);
  context.clip();

  // Stalls: the silence as a band over its length.
  data.series.forEach((series, s) => {
    const color = series.side === 'response' ? colors.accent! : colors.request!;
    // The cumulative bytes, a step at each chunk (at most one step per pixel column).
    const from = firstAtOrAfter(series.times, domain[0]);
    const before = from > 0 ? series.cumulative[from - 1]! : 0;
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.beginPath();
    let y = scene.y(before);
    context.moveTo(plot.left, y);
    let column = NaN;
    let columnX = plot.left;
    let i = from;
    for (; i < series.times.length && series.times[i]! <= domain[1]; i++) {
      const x = scene.x(series.times[i]!);
      const c = Math.round(x);
      if (c !== column) {
        // Up to this column's height, then along to the next chunk.
        context.lineTo(columnX, y);
        context.lineTo(x, y);
        column = c;
        columnX = x;
      }
      y = scene.y(series.cumulative[i]!);
    }
    context.lineTo(columnX, y);
    context.lineTo(i < series.times.length ? plot.right : Math.min(plot.right, scene.x(data.end)), y);
    context.stroke();

    // The marks: a circle for a chunk, a rounded square for chunks sharing a bin; area follows bytes.
    context.fillStyle = colors['accent-fill']!;
    context.strokeStyle = color;
    context.lineWidth = 1;
    const marks = scene.marks[s]!;
    const merged = marks.some((m) => m.count > 1);
    let maxBin = 1;
    if (merged) for (const m of marks) maxBin = Math.max(maxBin, m.bytes);
    for (const m of marks) {
      const cy = scene.y(m.cumulative);
      if (m.count > 1 || merged) {
        const r = Math.min(BIN / 2 + 1, 1.5 + (BIN / 2 - 0.5) * Math.sqrt(m.bytes / maxBin));
        context.beginPath();
        context.roundRect(m.x - r, cy - r, 2 * r, 2 * r, 1.5);
      } else {
        const r = markRadius(m, series.maxChunk);
        context.beginPath();
        context.arc(m.x, cy, r, 0, Math.PI * 2);
      }
      context.fill();
      context.stroke();
    }
  });

  // The chunk picked in the ledger or here.
  if (picked) {
    const series = data.series[picked.series];
    if (series && picked.index < series.times.length) {
      const t = series.times[picked.index]!;
      if (t >= domain[0] && t <= domain[1]) {
        const x = scene.x(t);
        context.strokeStyle = colors.text!;
        context.lineWidth = 2;
        context.setLineDash([3, 3]);
        context.beginPath();
        context.moveTo(x, plot.top);
        context.lineTo(x, plot.bottom);
        context.stroke();
        context.setLineDash([]);
        context.beginPath();
        context.arc(x, scene.y(series.cumulative[picked.index]!), 11, 0, Math.PI * 2);
        context.stroke();
      }
    }
  }
  context.restore();

  // Item ends, in their strip above the plot: one tick per pixel column.
  if (scene.itemStrip) {
    context.strokeStyle = colors.accent!;
    context.lineWidth = 1.5;
    context.beginPath();
    const times = data.items.times;
    let last = -Infinity;
    for (let i = firstAtOrAfter(times, domain[0]); i < times.length && times[i]! <= domain[1]; i++) {
      const x = Math.round(scene.x(times[i]!)) + 0.5;
      if (x === last) continue;
      last = x;
      context.moveTo(x, scene.itemStrip.top);
      context.lineTo(x, scene.itemStrip.bottom);
    }
    context.stroke();
  }
}

/** The whole exchange, small, for the brush: each body's cumulative bytes, the stalls and the ends. */
export function drawOverview(context: CanvasRenderingContext2D, data: TimelineData, width: number, height: number, colors: Record<string, string>): void {
  const x = (t: number) => ((t - data.full[0]) / (data.full[1] - data.full[0])) * width;
  const y = (b: number) => height - 3 - (b / data.maxBytes) * (height - 6);
  context.fillStyle = colors['live-fill']!;
  for (const s of data.stalls) context.fillRect(x(s.from), 0, Math.max(2, x(s.to) - x(s.from)), height);
  const perSecond = width / (data.full[1] - data.full[0]);
  for (const series of data.series) {
    context.strokeStyle = series.side === 'response' ? colors.accent! : colors.request!;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(0, y(0));
    // One point per pixel column: its last chunk's height.
    const times = series.times;
    const cumulative = series.cumulative;
    const last = times.length - 1;
    let column = Math.round((times[0]! - data.full[0]) * perSecond);
    for (let i = 1; i <= last; i++) {
      const next = Math.round((times[i]! - data.full[0]) * perSecond);
      if (next !== column) {
        context.lineTo(column, y(cumulative[i - 1]!));
        column = next;
      }
    }
    context.lineTo(column, y(cumulative[last]!));
    context.lineTo(width, y(cumulative[last]!));
    context.stroke();
  }
  for (const e of data.ends) {
    context.fillStyle = e.kind === 'rst' ? colors.bad! : colors.muted!;
    context.fillRect(Math.round(x(e.t)), 0, 1.5, height);
  }
}
