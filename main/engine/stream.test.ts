import { describe, expect, it } from 'vitest';
import type { ChunkRecord, MessageRecord } from '../../shared/ledger';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { bodyRangesAfter, FEED_WINDOW, StreamViews } from './stream';

function chunk(index: number, dataOffset: number, dataLength: number): ChunkRecord {
  return { index, offset: dataOffset - 3, sizeToken: dataLength.toString(16), size: dataLength, extensions: '', dataOffset, dataLength, crlf: true };
}

describe("the Stream view's body ranges", () => {
  // Chunk data at [10,15), [20,25), [30,35): the bytes between are size lines and CRLFs.
  const chunked = { framing: 'chunked', chunks: [chunk(0, 10, 5), chunk(1, 20, 5), chunk(2, 30, 5)], bodyLength: 15, end: 40 } as unknown as MessageRecord;

  it('gives every chunk of a body not yet fed, with the chunk it came in', () => {
    expect(bodyRangesAfter(chunked, 0)).toEqual([
      { from: 10, to: 15, chunk: 0 },
      { from: 20, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
  });

  it('skips the chunks fed already and starts mid-chunk where the last look stopped', () => {
    expect(bodyRangesAfter(chunked, 15)).toEqual([
      { from: 20, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
    expect(bodyRangesAfter(chunked, 22)).toEqual([
      { from: 22, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
    expect(bodyRangesAfter(chunked, 35)).toEqual([]);
  });

  it('gives the rest of a body that is not chunked', () => {
    const plain = { framing: 'content-length', chunks: null, bodyLength: 100, end: 150 } as unknown as MessageRecord;
    expect(bodyRangesAfter(plain, 0)).toEqual([{ from: 50, to: 150, chunk: null }]);
    expect(bodyRangesAfter(plain, 120)).toEqual([{ from: 120, to: 150, chunk: null }]);
    expect(bodyRangesAfter(plain, 150)).toEqual([]);
  });
});

describe("the Stream view's reading of a big body", () => {
  // 60,000 server-sent events, one a chunk: a body of 2 MiB as sent, all there at the first look.
  const EVENTS = 60_000;
  const event = 'data: a streamed event, #00000\n\n';
  const piece = Buffer.from(`${event.length.toString(16)}\r\n${event}\r\n`);
  const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
  const wire = Buffer.concat([head, ...Array.from({ length: EVENTS }, () => piece), Buffer.from('0\r\n\r\n')]);
  const chunks = Array.from({ length: EVENTS }, (_, i) => chunk(i, head.length + i * piece.length + 4, event.length));
  const response = {
    framing: 'chunked',
    chunks,
    complete: true,
    anomalies: [],
    headers: [['Content-Type', 'text/event-stream']],
    offset: 0,
    end: wire.length,
    bodyLength: EVENTS * event.length,
  } as unknown as MessageRecord;
  // The connection's analysis as the view uses it: one network read per 64 KiB.
  const analyzer = { number: 1, openedAt: 0, streamEnd: () => ({ kind: 'fin' }), readAt: (_: number, at: number) => [at - (at % 65536), 65536, 1] } as unknown as ConnectionAnalyzer;

  it('reads the body a window at a time, however much of it is new, and gets every item', async () => {
    const asked: number[] = [];
    const source = {
      analyzer,
      index: 0,
      response,
      bytes: (from: number, to: number) => (asked.push(to - from), wire.subarray(from, to)),
      headline: () => 'complete',
    };
    const views = new StreamViews();
    let view = await views.view(source, 0);
    let items = view.items.length;
    while (view.from + view.items.length < view.total) {
      view = await views.view(source, view.from + view.items.length);
      items += view.items.length;
    }
    expect(view.total).toBe(EVENTS);
    expect(items).toBe(EVENTS);
    expect(view.items.at(-1)).toMatchObject({ chunks: `chunk #${EVENTS}` });
    // Every byte read once, and never the whole 2 MiB body in one synchronous read.
    expect(asked.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(wire.length);
    expect(Math.max(...asked)).toBeLessThanOrEqual(FEED_WINDOW);
    expect(wire.length).toBeGreaterThan(8 * FEED_WINDOW);
  });
});
