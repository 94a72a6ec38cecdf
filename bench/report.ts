// Measurement helpers: interleaved runs, medians, ratios against a baseline measured
// in the same run (machines are shared and noisy: never absolute thresholds).

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Run `ours` and `baseline` alternately `rounds` times; each returns a rate (higher is better). */
export function interleave(rounds: number, ours: () => number, baseline: () => number): { ours: number; baseline: number; ratio: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(ours());
    b.push(baseline());
  }
  const o = median(a);
  const base = median(b);
  return { ours: o, baseline: base, ratio: o / base };
}

export function verdict(ratio: number, target: number, higherIsBetter = true): string {
  const met = higherIsBetter ? ratio >= target : ratio <= target;
  return `${met ? 'meets' : 'MISSES'} target ${higherIsBetter ? '≥' : '≤'} ${target}x`;
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

export function line(label: string, cells: string[]): void {
  process.stdout.write(`  ${label.padEnd(34)} ${cells.join('   ')}\n`);
}
