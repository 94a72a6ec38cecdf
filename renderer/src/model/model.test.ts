import { describe, expect, it } from 'vitest';
import { chunkedResponse, connection, detail } from '../test-support/rows';
import { laneLayout, laneSummary } from './lanes';
import { kindsOf } from './raw';
import { timelineLayout } from './timeline';

describe('the timeline layout', () => {
  it('places a mark per chunk, the cumulative line, a red missing marker and the close', () => {
    const d = detail(chunkedResponse([1500, 1405], [0, 0.1]), { connectionOpenedAt: 10 });
    const layout = timelineLayout(d, { how: 'fin', who: 'server', truncation: false, at: 10.3 }, 800, 280);
    expect(layout.marks).toHaveLength(2);
    expect(layout.marks[1]!.x).toBeGreaterThan(layout.marks[0]!.x);
    expect(layout.marks[1]!.y).toBeLessThan(layout.marks[0]!.y); // more bytes higher up
    expect(layout.marks[0]!.r).toBeGreaterThan(layout.marks[1]!.r); // 1,500 bytes: a bigger mark than 1,405
    expect(layout.totalBytes).toBe(2905);
    expect(layout.end.kind).toBe('missing');
    expect(layout.close).toMatchObject({ kind: 'fin', label: 'server FIN' });
    expect(layout.end.x).toBeCloseTo(layout.close!.x);
    expect(layout.end.x).toBeGreaterThan(layout.marks[1]!.x); // the FIN came 200 ms after chunk #2
  });

  it('marks where each stream item ended: one per chunk for a feed that flushes per item, several on one mark when it batches', () => {
    const d = detail(chunkedResponse([100, 100, 100], [0, 0.5, 1]), { connectionOpenedAt: 0 });
    const perChunk = timelineLayout(d, null, 800, 280, [{ arrived: 0, label: 'a' }, { arrived: 0.5, label: 'b' }, { arrived: 1, label: 'c' }]);
    expect(perChunk.items.map((m) => m.count)).toEqual([1, 1, 1]);
    expect(perChunk.items.map((m) => m.x)).toEqual(perChunk.marks.map((m) => m.x));
    const batched = timelineLayout(d, null, 800, 280, [{ arrived: 1, label: 'a' }, { arrived: 1, label: 'b' }, { arrived: 1, label: 'c' }]);
    expect(batched.items).toEqual([{ x: perChunk.marks[2]!.x, count: 3, first: 0, label: 'a' }]);
  });

  it('shows the last chunk when it came, and streaming while it has not', () => {
    const arrived = detail(chunkedResponse([10], [0.01], { terminator: true, lastChunk: { offset: 60, sizeToken: '0', extensions: '' } }));
    expect(timelineLayout(arrived, null, 800, 280).end.kind).toBe('last-chunk');
    expect(timelineLayout(detail(chunkedResponse([10], [0.01])), null, 800, 280).end.kind).toBe('streaming');
  });

  it('merges chunks that share a pixel: 1,000,000 chunks make at most one mark per pixel', () => {
    const n = 1_000_000;
    const sizes = new Array<number>(n).fill(1);
    const times = Array.from({ length: n }, (_, i) => i / n);
    const layout = timelineLayout(detail(chunkedResponse(sizes, times)), null, 800, 280);
    expect(layout.marks.length).toBeLessThanOrEqual(800);
    expect(layout.marks.reduce((a, m) => a + m.chunks, 0)).toBe(n);
    expect(layout.line.split(' ').length).toBeLessThanOrEqual(5002);
  });
});

describe('connection lanes', () => {
  it('draws few exchanges as bars, and marks how the connection ended', () => {
    const c = connection({ spans: [0, 0.1, 0.5, 0.6], ended: { how: 'fin', who: 'client', truncation: false, at: 1 }, requests: 2, responses: 2 });
    const layout = laneLayout(c, 0, 1, 500);
    expect(layout.bars.map((b) => Math.round(b.x))).toEqual([0, 250]);
    expect(layout.end).toMatchObject({ kind: 'fin', label: 'client FIN' });
    expect(layout.longestGap?.seconds).toBeCloseTo(0.4);
  });

  it('reads 4,001 requests ending in a server RST as counts, not 4,001 boxes', () => {
    const spans: number[] = [];
    for (let i = 0; i < 4001; i++) spans.push(i * 0.001, i * 0.001 + 0.0005);
    const c = connection({ spans, requests: 4001, responses: 4000, ended: { how: 'rst', who: 'server', truncation: false, at: 4.001 } });
    const layout = laneLayout(c, 0, 4.1, 800);
    expect(layout.bars).toEqual([]);
    expect(layout.bins.length).toBeLessThanOrEqual(200);
    expect(layout.bins.reduce((a, b) => a + b.count, 0)).toBe(4001);
    expect(layout.end).toMatchObject({ kind: 'rst', label: 'server RST' });
    expect(laneSummary(c)).toBe('4,001 requests · 4,000 answered');
  });

});

describe('the raw view', () => {
  it('gives each byte the kind of the span it is in', () => {
    const kinds = kindsOf(
      [
        { offset: 0, length: 3, kind: 'head' },
        { offset: 3, length: 2, kind: 'size-line' },
        { offset: 6, length: 2, kind: 'data' },
      ],
      2,
      8,
    );
    expect(kinds).toEqual(['head', 'size-line', 'size-line', 'unknown', 'data', 'data']);
  });
});
