// The cases end to end: body pieces as the framing parser gives them
// (chunk data, with the chunk's ledger index and arrival time) in, items tied to
// chunks out.

import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CarriedItem, EventItem, FeedItem, JsonItem } from '../../shared/stream';
import { StreamView, streamItems, type BodyPiece } from './view';
import { COMPLETE, RST, utf8 } from './test-support/run';

const RSS = 'application/rss+xml; charset=utf-8';
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Chunkscope lab feed</title>\n';
const item = (i: number) => `<item><title>Item ${i} — café</title><link>http://lab.chunkscope.test/items/${i}</link></item>\n`;
const TAIL = '</channel></rss>\n';

/** One piece per chunk, 200 ms apart. */
function chunked(parts: (string | Uint8Array)[]): BodyPiece[] {
  return parts.map((part, i) => ({ bytes: typeof part === 'string' ? utf8(part) : part, chunk: i, time: 0.2 * (i + 1) }));
}

describe('Stream view', () => {
  it('ties RSS items that straddle chunk boundaries to "chunks #n-#m"', async () => {
    const one = item(1);
    const two = item(2);
    // Chunk 0: head + first half of item 1; chunk 1: the rest of it and item 2 but its last byte; chunk 2: that ">" and the tail.
    const pieces = chunked([HEAD + one.slice(0, 30), one.slice(30) + two.slice(0, -2), two.slice(-2) + TAIL]);
    const report = await streamItems({ contentType: RSS, contentEncoding: null, pieces, end: COMPLETE });
    expect(report).toMatchObject({ kind: 'rss', note: null, decoding: null, errors: [], ended: true });
    expect(report.items.map(({ chunks, firstChunk, lastChunk, arrived }) => ({ chunks, firstChunk, lastChunk, arrived }))).toEqual([
      { chunks: 'chunks #1-#2', firstChunk: 0, lastChunk: 1, arrived: 0.4 },
      { chunks: 'chunks #2-#3', firstChunk: 1, lastChunk: 2, arrived: 0.6000000000000001 },
    ]);
    expect(report.items[1]!.gap).toBeCloseTo(0.2);
    expect(report.items[0]!.size).toBe(utf8(one.trimEnd()).length);
    expect((report.items[0] as FeedItem).title).toBe('Item 1 — café');
  });

  it('is live: each item comes out of the push that brought its last byte', async () => {
    const view = new StreamView({ contentType: RSS, contentEncoding: null });
    const bodies = [HEAD, item(1), item(2).slice(0, 10), item(2).slice(10), TAIL];
    const got: string[][] = [];
    for (const piece of chunked(bodies)) got.push((await view.push(piece)).items.map((i) => (i as FeedItem).title!));
    expect(got).toEqual([[], ['Item 1 — café'], [], ['Item 2 — café'], []]);
    expect((await view.end(COMPLETE)).items).toEqual([]);
    expect(view.report().items).toHaveLength(2);
  });

  it('queues overlapping pushes: each resolves with its own items, in order', async () => {
    const view = new StreamView({ contentType: 'application/x-ndjson', contentEncoding: null });
    const pending = chunked(['{"a":1}\n{"b"', ':2}\n', '3\n']).map((piece) => view.push(piece));
    const ended = view.end(COMPLETE);
    const reports = await Promise.all([...pending, ended]);
    expect(reports.map((r) => r.items.map((i) => (i as JsonItem).value))).toEqual([[{ a: 1 }], [{ b: 2 }], [3], []]);
  });

  it('shows an SSE stream with multi-line data and comments', async () => {
    const pieces = chunked([': hello\n\nid: 1\ndata: line one\n', 'data: line two\n\n', ': ping\n\n']);
    const { items } = await streamItems({ contentType: 'text/event-stream', contentEncoding: null, pieces, end: COMPLETE });
    expect(items.map((i) => ({ ...pick(i as EventItem), chunks: i.chunks }))).toEqual([
      { comments: [' hello'], data: '', dispatched: false, chunks: 'chunk #1' },
      { comments: [], data: 'line one\nline two', dispatched: true, chunks: 'chunks #1-#2' },
      { comments: [' ping'], data: '', dispatched: false, chunks: 'chunk #3' },
    ]);
    function pick({ comments, data, dispatched }: EventItem) {
      return { comments, data, dispatched };
    }
  });

  it('parses NDJSON with a value split in the middle of a string and of a UTF-8 character', async () => {
    const body = utf8('{"a":"x"}\n{"text":"split here → and here"}\n');
    const arrow = body.indexOf(0xe2);
    const pieces = chunked([body.subarray(0, 20), body.subarray(20, arrow + 1), body.subarray(arrow + 1)]);
    const { items } = await streamItems({ contentType: 'application/x-ndjson', contentEncoding: null, pieces, end: COMPLETE });
    expect(items.map((i) => [(i as JsonItem).value, i.chunks])).toEqual([
      [{ a: 'x' }, 'chunk #1'],
      [{ text: 'split here → and here' }, 'chunks #1-#3'],
    ]);
  });

  it('decodes a gzip-encoded feed and ties its items to the chunks that carried their compressed bytes', async () => {
    // As a live server does: one flushed gzip piece per item, sent as one chunk each.
    const compressed = await gzipFlushedPerPart([HEAD, item(1), item(2), item(3) + TAIL]);
    // Chunk 3 (ledger index 2) is split in two reads.
    const third = compressed[2]!;
    const pieces: BodyPiece[] = [
      { bytes: compressed[0]!, chunk: 0, time: 0.1 },
      { bytes: compressed[1]!, chunk: 1, time: 0.2 },
      { bytes: third.subarray(0, 6), chunk: 2, time: 0.3 },
      { bytes: third.subarray(6), chunk: 2, time: 0.35 },
      { bytes: compressed[3]!, chunk: 3, time: 0.4 },
    ];
    const report = await streamItems({ contentType: RSS, contentEncoding: 'gzip', pieces, end: COMPLETE });
    expect(report.decoding).toEqual({ codings: ['gzip'], rawDeflate: false, encodedBytes: compressed.reduce((n, c) => n + c.length, 0), decodedBytes: utf8(HEAD + item(1) + item(2) + item(3) + TAIL).length });
    expect(report.errors).toEqual([]);
    expect(report.items.map((i) => [(i as FeedItem).title, i.chunks, i.arrived])).toEqual([
      ['Item 1 — café', 'chunk #2', 0.2],
      ['Item 2 — café', 'chunk #3', 0.35],
      ['Item 3 — café', 'chunk #4', 0.4],
    ]);
  });

  it('decodes br and stacked codings, and says which', async () => {
    const text = HEAD + item(1) + TAIL;
    const br = await streamItems({ contentType: RSS, contentEncoding: 'br', pieces: chunked([zlib.brotliCompressSync(utf8(text))]), end: COMPLETE });
    expect(br.decoding!.codings).toEqual(['br']);
    expect(br.items).toHaveLength(1);
    const stacked = zlib.deflateRawSync(zlib.gzipSync(utf8(text)));
    const both = await streamItems({ contentType: RSS, contentEncoding: 'gzip, deflate', pieces: chunked([stacked.subarray(0, 1), stacked.subarray(1)]), end: COMPLETE });
    expect(both.decoding).toMatchObject({ codings: ['deflate', 'gzip'], rawDeflate: true });
    expect(both.items).toHaveLength(1);
  });

  it('shows the item a feed was cut off in by an RST as partial, with the reason', async () => {
    const pieces = chunked([HEAD + item(1), item(2).slice(0, 25)]);
    const view = new StreamView({ contentType: RSS, contentEncoding: null });
    for (const piece of pieces) await view.push(piece);
    const last = await view.end(RST);
    expect(last.items).toHaveLength(1);
    expect(last.items[0]).toMatchObject({ partial: RST.reason, error: null, chunks: 'chunk #2', arrived: 0.4, raw: item(2).slice(0, 25) });
    expect(view.report()).toMatchObject({ ended: true, errors: [] });
  });

  it('keeps the items decoded before corrupt gzip, and cuts the open one short with the decoding error', async () => {
    const compressed = await gzipFlushedPerPart([HEAD, item(1) + item(2).slice(0, 20), item(2).slice(20)]);
    // The first member's end, then a second member whose header names an unknown method.
    const garbage = Uint8Array.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0]);
    const pieces = chunked([compressed[0]!, compressed[1]!, garbage, compressed[2]!]);
    const report = await streamItems({ contentType: RSS, contentEncoding: 'gzip', pieces, end: COMPLETE });
    expect(report.items.map((i) => (i as FeedItem).title)).toEqual(['Item 1 — café', 'Item 2']);
    expect(report.items[0]).toMatchObject({ partial: null, error: null, chunks: 'chunk #2' });
    expect(report.items[1]).toMatchObject({ partial: report.errors[0]!.message, raw: item(2).slice(0, 20), chunks: 'chunk #2' });
    expect(report.errors).toEqual([
      { stage: 'decoding', message: expect.stringContaining('Content-Encoding gzip could not be decoded'), offset: compressed[0]!.length + compressed[1]!.length, chunk: 2, fatal: true },
    ]);
  });

  it('sniffs generic XML and bodies without a Content-Type, across pieces', async () => {
    const pieces = chunked(['<?xml version="1.0"?>\n<rs', 's><channel>' + item(1), TAIL]);
    const xml = await streamItems({ contentType: 'text/xml', contentEncoding: null, pieces, end: COMPLETE });
    expect(xml.kind).toBe('rss');
    expect(xml.items.map((i) => i.chunks)).toEqual(['chunk #2']);
    const none = await streamItems({ contentType: null, contentEncoding: null, pieces: chunked(['one\n', 'two\n']), end: COMPLETE });
    expect(none.kind).toBe('text');
    expect(none.items.map((i) => i.chunks)).toEqual(['chunk #1', 'chunk #2']);
  });

  it('gives times but no chunk numbers for a body that is not chunked', async () => {
    const pieces: BodyPiece[] = [
      { bytes: utf8('a\nb'), chunk: null, time: 0.5 },
      { bytes: utf8('\n'), chunk: null, time: 0.9 },
    ];
    const { items } = await streamItems({ contentType: 'text/plain', contentEncoding: null, pieces, end: COMPLETE });
    expect(items.map((i: CarriedItem) => [i.chunks, i.arrived, i.gap])).toEqual([
      [null, 0.5, null],
      [null, 0.9, 0.4],
    ]);
  });

  it('keeps up with a gzip feed of 5,000 chunks, one item each', async () => {
    const parts = [HEAD, ...Array.from({ length: 5000 }, (_, i) => item(i)), TAIL];
    const compressed = await gzipFlushedPerPart(parts);
    const pieces = compressed.map((bytes, i) => ({ bytes, chunk: i, time: i / 100 }));
    const started = performance.now();
    const report = await streamItems({ contentType: RSS, contentEncoding: 'gzip', pieces, end: COMPLETE });
    const took = performance.now() - started;
    expect(report.items).toHaveLength(5000);
    expect(report.items.every((it, i) => it.chunks === `chunk #${i + 2}` && (it as FeedItem).title === `Item ${i} — café`)).toBe(true);
    expect(report.items[4999]!.gap).toBeCloseTo(0.01);
    expect(took, `${Math.round(took)} ms`).toBeLessThan(15_000);
  });

  it('has nothing to show for binary types and unsupported codings, and says why', async () => {
    const image = await streamItems({ contentType: 'image/png', contentEncoding: null, pieces: chunked(['x']), end: COMPLETE });
    expect(image).toMatchObject({ kind: null, note: 'image/png is not a streaming text type', items: [], ended: true });
    const zstd = await streamItems({ contentType: 'text/plain', contentEncoding: 'zstd', pieces: chunked(['x']), end: COMPLETE });
    expect(zstd).toMatchObject({ note: 'Content-Encoding zstd is not supported', items: [], errors: [{ stage: 'decoding', fatal: true }] });
  });
});

/** Gzip `parts` as a server flushing after each does: one compressed piece per part (the trailer with the last). */
async function gzipFlushedPerPart(parts: string[]): Promise<Uint8Array[]> {
  const gzip = zlib.createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (data: Buffer) => out.push(data));
  const pieces: Uint8Array[] = [];
  for (const [i, part] of parts.entries()) {
    gzip.write(utf8(part));
    if (i < parts.length - 1) await new Promise<void>((resolve) => gzip.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    else {
      const ended = new Promise<void>((resolve) => gzip.once('end', () => resolve()));
      gzip.end();
      await ended;
    }
    pieces.push(Buffer.concat(out.splice(0)));
  }
  return pieces;
}
