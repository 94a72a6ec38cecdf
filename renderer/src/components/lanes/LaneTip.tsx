// What a lane says under the pointer: the request there (method, path, status, when it
// started and how long it took, how it ended, from its row's account), or the end or
// stall there.
import type { ConnectionRow, ExchangeRow } from '../../../../shared/api';
import { duration, groupDigits } from '../../../../shared/words';

export function exchangeFacts(c: ConnectionRow, index: number, row: ExchangeRow | undefined, origin: number): string[] {
  const start = c.spans[2 * index]!;
  const end = c.spans[2 * index + 1]!;
  const lines = [`c${c.number} · request #${groupDigits(index + 1)}`];
  if (row) {
    lines.push(`${row.method ?? ''} ${row.path ?? ''}`.trim());
    lines.push(row.status !== null ? `→ ${row.status} ${row.reason ?? ''}`.trim() : c.unanswered.includes(index) ? '→ never answered' : '→ no response yet');
  }
  lines.push(`started ${duration(start - origin)} · took ${duration(end - start)}`);
  if (row) lines.push(row.headline);
  return lines;
}

export function LaneTip({ x, y, lines }: { x: number; y: number; lines: string[] }) {
  return (
    <div className="plot-tip lane-tip" data-testid="lane-tip" style={{ left: Math.min(x + 14, window.innerWidth - 270), top: Math.min(y + 14, window.innerHeight - 30 - lines.length * 18) }}>
      {lines.map((line, i) => (
        <div key={i} className={i === 0 ? 'tip-head' : ''}>
          {line}
        </div>
      ))}
    </div>
  );
}
