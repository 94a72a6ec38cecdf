// Drawing the lanes in view on one canvas: per lane its exchanges (bars, or bins shaded by
// how many start there), the filter's matches solid and the rest faint, stalls, and ends.
import type { LaneGeometry } from '../../model/lanes';

export function drawLane(context: CanvasRenderingContext2D, g: LaneGeometry, top: number, height: number, colors: Record<string, string>, filtering: boolean): void {
  const mid = top + height / 2;
  context.strokeStyle = colors.grid!;
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(0, Math.round(mid) + 0.5);
  context.lineTo(context.canvas.width, Math.round(mid) + 0.5);
  context.stroke();

  context.fillStyle = colors['live-fill']!;
  for (const s of g.stalls) context.fillRect(s.x, top + 4, s.width, height - 8);

  const barTop = top + 10;
  const barHeight = height - 24;
  for (const b of g.bars) {
    context.fillStyle = !filtering || b.matched ? colors.accent! : colors.faint!;
    context.fillRect(b.x, barTop, b.width, barHeight);
  }
  for (const b of g.bins) {
    const shade = 0.25 + 0.75 * (b.count / Math.max(1, g.densest));
    context.globalAlpha = shade;
    context.fillStyle = filtering && b.matched === 0 ? colors.faint! : colors.accent!;
    context.fillRect(b.x, barTop, b.width - 0.5, barHeight);
  }
  context.globalAlpha = 1;

  for (const e of g.ends) {
    context.strokeStyle = e.mirrored ? colors.faint! : e.kind === 'rst' ? colors.bad! : colors.muted!;
    context.lineWidth = e.mirrored ? 1 : 2;
    context.setLineDash(e.mirrored ? [2, 2] : []);
    context.beginPath();
    context.moveTo(Math.round(e.x) + 0.5, top + 3);
    context.lineTo(Math.round(e.x) + 0.5, top + height - 3);
    context.stroke();
  }
  context.setLineDash([]);
}
