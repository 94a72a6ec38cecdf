import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../../shared/stream';
import { chunkLabel, itemsWithChunks, spanAt, type DecodedSpan } from './carriage';

function line(index: number, start: number, end: number): StreamItem {
  return { kind: 'text', index, start, end, partial: null, error: null, raw: null, text: '', truncated: false };
}

// Chunk 1 (ledger index) brought nothing decodable (a compressed piece), chunk 3 came in two reads.
const spans: DecodedSpan[] = [
  { index: 0, decodedStart: 0, decodedEnd: 10, time: 1.0 },
  { index: 1, decodedStart: 10, decodedEnd: 10, time: 1.5 },
  { index: 2, decodedStart: 10, decodedEnd: 25, time: 2.0 },
  { index: 3, decodedStart: 25, decodedEnd: 30, time: 2.25 },
  { index: 3, decodedStart: 30, decodedEnd: 40, time: 2.5 },
];

describe('itemsWithChunks', () => {
  it('labels items by the chunks that carried them, numbered from 1 as the Chunks tab shows them', () => {
    expect(chunkLabel(2, 2)).toBe('chunk #3');
    expect(chunkLabel(2, 3)).toBe('chunks #3-#4');
    const items = itemsWithChunks([line(0, 0, 10), line(1, 10, 26), line(2, 26, 28), line(3, 28, 40)], spans);
    expect(items.map(({ chunks, firstChunk, lastChunk, size }) => ({ chunks, firstChunk, lastChunk, size }))).toEqual([
      { chunks: 'chunk #1', firstChunk: 0, lastChunk: 0, size: 10 },
      { chunks: 'chunks #3-#4', firstChunk: 2, lastChunk: 3, size: 16 },
      { chunks: 'chunk #4', firstChunk: 3, lastChunk: 3, size: 2 },
      { chunks: 'chunk #4', firstChunk: 3, lastChunk: 3, size: 12 },
    ]);
  });

  it('gives the arrival of the read holding the last byte, and the gap since the previous item', () => {
    const items = itemsWithChunks([line(0, 0, 10), line(1, 10, 26), line(2, 26, 28), line(3, 28, 40)], spans);
    expect(items.map((item) => [item.arrived, item.gap])).toEqual([
      [1.0, null],
      [2.25, 1.25],
      [2.25, 0],
      [2.5, 0.25],
    ]);
    // Live: the items tied later continue from the last arrival.
    expect(itemsWithChunks([line(4, 30, 40)], spans, 2.0)[0]).toMatchObject({ arrived: 2.5, gap: 0.5 });
  });

  it('gives no chunk numbers for a body that is not chunked, but still the times', () => {
    const reads: DecodedSpan[] = [
      { index: null, decodedStart: 0, decodedEnd: 5, time: 0.1 },
      { index: null, decodedStart: 5, decodedEnd: 9, time: 0.3 },
    ];
    expect(itemsWithChunks([line(0, 0, 7)], reads)[0]).toMatchObject({ firstChunk: null, lastChunk: null, chunks: null, arrived: 0.3, gap: null });
  });

  it('finds the span of an offset, skipping spans that brought nothing', () => {
    expect([0, 9, 10, 24, 25, 39, 40].map((offset) => spanAt(spans, offset))).toEqual([0, 0, 2, 2, 3, 4, -1]);
    expect(spanAt([], 0)).toBe(-1);
  });
});
