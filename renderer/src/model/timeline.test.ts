import { describe, expect, it } from 'vitest';
import { account, chunkedResponse, detail, row } from '../test-support/rows';
import { chunkFacts, groupFacts, seriesMarks, timelineData } from './timeline';
import { markAt, timelineScene } from './timeline-scene';

const measure = (text: string) => text.length * 6;
const twoChunks = () =>
  detail(chunkedResponse([1500, 1405], [0.01, 0.11]), {
    row: row({ state: 'incomplete' }),
    account: account({
      tone: 'problem',
      span: { from: 0, to: 0.31 },
      ends: [
        { side: 'upstream', who: 'server', how: 'fin', at: 0.31, mirrored: false, truncation: false, answered: false, detail: null },
        { side: 'client', who: 'proxy', how: 'fin', at: 0.311, mirrored: true, truncation: false, answered: false, detail: null },
      ],
    }),
  });

describe('the Timeline of an exchange', () => {
  it('reads the account: each end with who and how (a mirror as passed on), the missing last chunk at the close', () => {
    const data = timelineData(twoChunks());
    // Passed on at once: one mark.
    expect(data.ends.map((e) => [e.label, e.first])).toEqual([['server FIN, passed on to the client', true]]);
    expect(data.ends[0]!.story).toBe('the server closed the connection (FIN); Chunkscope passed it on to the client (FIN)');
    // The client giving up, then the server closing after it: two decisions, each passed on.
    const d = twoChunks();
    d.account.ends = [
      { side: 'client', who: 'client', how: 'fin', at: 7.5, mirrored: false, truncation: false, answered: false, detail: null },
      { side: 'upstream', who: 'proxy', how: 'fin', at: 7.5, mirrored: true, truncation: false, answered: false, detail: null },
      { side: 'upstream', who: 'server', how: 'fin', at: 7.6, mirrored: false, truncation: false, answered: true, detail: null },
      { side: 'client', who: 'proxy', how: 'rst', at: 9, mirrored: true, truncation: false, answered: false, detail: null },
    ];
    expect(timelineData(d).ends.map((e) => [e.label, e.first])).toEqual([
      ['client FIN, passed on to the server', true],
      ['server FIN', false],
      ['RST passed on to the client', false],
    ]);
    expect(data.last).toEqual({ t: 0.31, kind: 'missing', label: '✗ last chunk missing' });
    expect(data.maxBytes).toBe(2905);
    expect(data.end).toBeCloseTo(0.311);
  });

  it('shows a stall as a gap with its length and what it waited for', () => {
    const d = twoChunks();
    d.account.stalls = [{ direction: 'response', exchange: 0, since: 0.11, seconds: 7.4, ongoing: false, offset: 2966, waiting: { what: 'chunk-size-line', chunk: 3, received: null, expected: null }, waitingFor: 'the next chunk-size line (chunk #3)', endedBy: { who: 'client', how: 'fin' } }];
    const [stall] = timelineData(d).stalls;
    expect(stall).toMatchObject({ from: 0.11, label: 'no byte for 7.4 s' });
    expect(stall!.story).toBe('no byte for 7.4 s, waiting for the next chunk-size line (chunk #3); then the client closed the connection (FIN)');
  });

  it('marks the last chunk when it came; nothing while it streams', () => {
    const arrived = detail(chunkedResponse([10], [0.01], { terminator: true, last: 0.02, lastChunk: { offset: 60, sizeToken: '0', extensions: '' } }));
    expect(timelineData(arrived).last).toMatchObject({ kind: 'last-chunk', t: 0.02 });
    expect(timelineData(detail(chunkedResponse([10], [0.01]), { row: row({ state: 'streaming' }) })).last).toBeNull();
  });

  it('counts time from the request’s first byte', () => {
    const d = detail(chunkedResponse([10, 10], [5.2, 5.3]), { account: account({ span: { from: 5, to: 5.3 } }) });
    const data = timelineData(d);
    expect(Array.from(data.series[0]!.times).map((t) => Number(t.toFixed(3)))).toEqual([0.2, 0.3]);
  });

  it('one mark per chunk when sparse; merged per bin when 1,000,000 chunks share the width, in one pass', () => {
    const sparse = timelineData(twoChunks());
    expect(seriesMarks(sparse.series[0]!, 0, sparse.full, 50, 700, 8).map((m) => [m.first, m.count, m.bytes])).toEqual([
      [0, 1, 1500],
      [1, 1, 1405],
    ]);
    const n = 1_000_000;
    const dense = timelineData(detail(chunkedResponse(new Array<number>(n).fill(1), Array.from({ length: n }, (_, i) => i / n))));
    const marks = seriesMarks(dense.series[0]!, 0, dense.full, 50, 800, 8);
    expect(marks.length).toBeLessThanOrEqual(100);
    expect(marks.reduce((a, m) => a + m.count, 0)).toBe(n);
    // Zoomed to a thousandth: only the chunks in view, one mark each again.
    const zoomed = seriesMarks(dense.series[0]!, 0, [0.5, 0.50005], 50, 800, 8);
    expect(zoomed.every((m) => m.count === 1)).toBe(true);
    expect(zoomed.length).toBe(51);
  });

  it('says what a mark is: number, size as sent, offset, arrival, gap; a merged mark its range', () => {
    const data = timelineData(twoChunks());
    expect(chunkFacts(data, data.series[0]!, 1)).toEqual(['chunk #2 of the response', 'size as sent 57D (1,405 bytes)', 'at byte 1,554', 'arrived 110 ms', 'gap 100 ms']);
    expect(groupFacts(data.series[0]!, 0, 2, 2905)[0]).toBe('chunks #1–#2 of the response (2)');
  });

  it('names which items a chunk completed', () => {
    const data = timelineData(twoChunks(), [{ arrived: 0.11, label: 'item #1 ended: Story 1' }]);
    expect(chunkFacts(data, data.series[0]!, 1)).toContain('item #1 ended: Story 1');
    expect(chunkFacts(data, data.series[0]!, 0)).not.toContain('item #1 ended: Story 1');
  });
});

describe('the Timeline laid out', () => {
  it('keeps every label inside the plot and apart from the others, however close their marks', () => {
    const data = timelineData(twoChunks());
    for (const width of [360, 500, 900]) {
      const scene = timelineScene(data, data.full, width, 300, measure);
      expect(scene.labels.map((l) => l.text).sort()).toEqual(['server FIN, passed on to the client', '✗ last chunk missing']);
      for (const l of scene.labels) {
        expect(l.left).toBeGreaterThanOrEqual(scene.plot.left);
        expect(l.left + l.width).toBeLessThanOrEqual(scene.plot.right);
      }
      const boxes = scene.labels.map((l) => ({ left: l.left, right: l.left + l.width, top: l.top }));
      for (const a of boxes) for (const b of boxes) if (a !== b && a.top === b.top) expect(a.right <= b.left || b.right <= a.left).toBe(true);
      expect(scene.plot.top).toBeGreaterThan(Math.max(...scene.labels.map((l) => l.top)));
    }
  });

  it('finds the mark under the pointer', () => {
    const data = timelineData(twoChunks());
    const scene = timelineScene(data, data.full, 800, 300, measure);
    const second = scene.marks[0]![1]!;
    expect(markAt(scene, data, second.x + 1, scene.y(second.cumulative) - 1)?.first).toBe(1);
    expect(markAt(scene, data, second.x + 60, scene.y(0))).toBeNull();
  });

  it('shows only what is in view when zoomed', () => {
    const data = timelineData(twoChunks());
    const scene = timelineScene(data, [0, 0.05], 800, 300, measure);
    expect(scene.marks[0]!.map((m) => m.first)).toEqual([0]);
    expect(scene.labels).toEqual([]);
    expect(scene.xTicks.at(-1)!.label).toBe('50 ms');
  });
});
