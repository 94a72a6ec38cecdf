// Labels on a plot that never overlap or leave it: each label sits beside its mark's x
// (right of it, or left when there is no room), in the first row where it fits. Pure.

export interface LabelIn {
  id: string;
  /** The x of the mark it names. */
  x: number;
  width: number;
}

export interface PlacedLabel extends LabelIn {
  /** Left edge of the label's box. */
  left: number;
  /** 0: the row nearest the plot. */
  row: number;
}

export function placeLabels(labels: readonly LabelIn[], bounds: { left: number; right: number }, options: { gap?: number; maxRows?: number } = {}): { placed: PlacedLabel[]; rows: number; dropped: LabelIn[] } {
  const gap = options.gap ?? 6;
  const maxRows = options.maxRows ?? 6;
  const rows: [number, number][][] = [];
  const placed: PlacedLabel[] = [];
  const dropped: LabelIn[] = [];
  for (const label of [...labels].sort((a, b) => a.x - b.x)) {
    const width = Math.min(label.width, bounds.right - bounds.left);
    // Right of the mark when it fits, else left of it; always inside the plot.
    let left = label.x + 4 + width <= bounds.right ? label.x + 4 : label.x - 4 - width;
    left = Math.max(bounds.left, Math.min(bounds.right - width, left));
    let row = rows.findIndex((taken) => taken.every(([a, b]) => left + width + gap <= a || left >= b + gap));
    if (row < 0) {
      if (rows.length >= maxRows) {
        dropped.push(label);
        continue;
      }
      rows.push([]);
      row = rows.length - 1;
    }
    rows[row]!.push([left, left + width]);
    placed.push({ ...label, width, left, row });
  }
  return { placed, rows: rows.length, dropped };
}
