// A message's chunk ledger: one row per chunk, the header sticky in the same scroll box so
// its columns stay over their values when scrolled sideways. A row picks its chunk; ↑ ↓
// move the pick.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { MessageDetail } from '../../../../shared/api';
import { printable } from '../../../../shared/printable';
import { duration, groupDigits } from '../../../../shared/words';

const ROW = 22;
export const LEDGER_COLUMNS: [string, string][] = [
  ['#', 'Chunk number'],
  ['offset', "Byte offset of the chunk's size line in its stream"],
  ['size as sent', 'The chunk-size token exactly as sent'],
  ['decimal', 'The size in decimal'],
  ['extensions', 'Chunk extensions as sent'],
  ['arrived', "When the chunk's last byte arrived, since the request's first byte"],
  ['gap', "Since the previous chunk's last byte"],
  ['data', 'Data bytes received (of the size announced)'],
  ['CRLF', 'Whether the data was followed by CRLF'],
];

export function Ledger({ message, origin, picked, onPick }: { message: MessageDetail; origin: number; picked: number | null; onPick: (index: number) => void }) {
  const columns = message.chunkColumns!;
  const parent = useRef<HTMLDivElement>(null);
  const count = columns.sizes.length;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20, scrollMargin: ROW });
  useEffect(() => {
    if (picked !== null && picked < count) virtualizer.scrollToIndex(picked, { align: 'auto' });
  }, [picked, count, virtualizer]);
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((parent.current?.clientHeight ?? 200) / ROW) - 2);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -count, End: count };
    const delta = moves[event.key];
    if (delta === undefined || count === 0) return;
    event.preventDefault();
    onPick(Math.max(0, Math.min(count - 1, (picked ?? (delta > 0 ? -1 : count)) + delta)));
  };
  return (
    <div ref={parent} className="ledger" data-testid="ledger" tabIndex={0} role="grid" aria-label="Chunks" onKeyDown={onKeyDown}>
      <div className="ledger-row header" role="row" data-testid="ledger-header">
        {LEDGER_COLUMNS.map(([name, about]) => (
          <span key={name} role="columnheader" title={about} data-col={name}>
            {name}
          </span>
        ))}
      </div>
      <div className="ledger-space" style={{ height: virtualizer.getTotalSize() - ROW }}>
        {virtualizer.getVirtualItems().map((item) => {
          const i = item.index;
          const gap = i === 0 ? null : columns.firstTimes[i]! - columns.lastTimes[i - 1]!;
          const short = columns.dataLengths[i]! < columns.sizes[i]!;
          return (
            <div
              key={i}
              className={`ledger-row ${picked === i ? 'picked' : ''}`}
              data-testid="chunk"
              role="row"
              aria-selected={picked === i}
              onClick={() => onPick(i)}
              style={{ transform: `translateY(${item.start - ROW}px)`, height: ROW }}
            >
              <span data-col="#">{groupDigits(i + 1)}</span>
              <span data-col="offset">{groupDigits(columns.offsets[i]!)}</span>
              <code data-testid="size-token" data-col="size as sent">{columns.sizeTokens[i]}</code>
              <span data-col="decimal">{groupDigits(columns.sizes[i]!)}</span>
              <code data-col="extensions" title={printable(columns.extensions[i]!)}>{printable(columns.extensions[i]!)}</code>
              <span data-col="arrived">{duration(columns.lastTimes[i]! - origin)}</span>
              <span data-col="gap">{gap === null ? '' : duration(Math.max(0, gap))}</span>
              <span data-col="data" className={short ? 'bad' : ''}>{short ? `${groupDigits(columns.dataLengths[i]!)} of ${groupDigits(columns.sizes[i]!)}` : groupDigits(columns.dataLengths[i]!)}</span>
              <span data-col="CRLF" className={columns.crlf[i] ? 'ok' : 'bad'}>{columns.crlf[i] ? '✓' : '✗'}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
