import { describe, expect, it } from 'vitest';
import { connection } from '../test-support/rows';
import { exchangeAt, laneGeometry, laneSummary, sessionSpan } from './lanes';

describe('connection lanes', () => {
  it('draws few exchanges as bars, the filter’s matches apart, and each end with who and how', () => {
    const c = connection({
      spans: [0, 0.1, 0.5, 0.6],
      requests: 2,
      responses: 2,
      ends: [
        { side: 'client', who: 'client', how: 'fin', at: 1, mirrored: false, truncation: false, answered: false, detail: null },
        { side: 'upstream', who: 'proxy', how: 'fin', at: 1.001, mirrored: true, truncation: false, answered: false, detail: null },
      ],
    });
    const g = laneGeometry(c, [0, 1.1], 0, 1100, (i) => i === 1);
    expect(g.bars.map((b) => [Math.round(b.x), b.matched])).toEqual([
      [0, false],
      [500, true],
    ]);
    expect(g.ends.map((e) => [Math.round(e.x), e.label, e.mirrored])).toEqual([
      [1000, 'client FIN', false],
      [1001, 'FIN passed on to the server', true],
    ]);
  });

  it('reads 4,001 requests as counts per few pixels; zoomed in, as bars again', () => {
    const spans: number[] = [];
    for (let i = 0; i < 4001; i++) spans.push(i * 0.001, i * 0.001 + 0.0005);
    const c = connection({ spans, requests: 4001, responses: 4000 });
    const g = laneGeometry(c, [0, 4.1], 0, 800);
    expect(g.bars).toEqual([]);
    expect(g.bins.length).toBeLessThanOrEqual(200);
    expect(g.bins.reduce((a, b) => a + b.count, 0)).toBe(4001);
    const zoomed = laneGeometry(c, [3.99, 4.01], 0, 800);
    expect(zoomed.bins).toEqual([]);
    expect(zoomed.bars.map((b) => b.index)).toEqual(Array.from({ length: 21 }, (_, i) => 3980 + i).filter((i) => i <= 4000 && (i + 1) * 0.001 - 0.0005 >= 3.99));
    expect(laneSummary(c)).toBe('4,001 requests · 4,000 answered');
  });

  it('finds the exchange under the pointer', () => {
    const c = connection({ spans: [0, 0.1, 0.5, 0.6] });
    expect(exchangeAt(c, 0.55, 0.001)).toBe(1);
    expect(exchangeAt(c, 0.3, 0.001)).toBeNull();
    expect(exchangeAt(c, 0.101, 0.002)).toBe(0);
  });

  it('spans the session from its first connection to its last end', () => {
    const a = connection({ number: 1, openedAt: 12, lastActivity: 13 });
    const b = connection({ number: 2, openedAt: 14, lastActivity: 15, ends: [{ side: 'client', who: 'client', how: 'fin', at: 2, mirrored: false, truncation: false, answered: false, detail: null }] });
    expect(sessionSpan([a, b])).toEqual([12, 16]);
  });
});
