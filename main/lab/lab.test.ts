// The lab does what its list says, for curl and on the wire.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamView } from '../stream';
import { runCli } from '../cli/test-support/run-cli';
import { curl } from '../proxy/test-support/clients';
import { startLab, type Lab } from './lab';
import { MALFORMED, SCENARIOS, scenarioNames } from './scenarios';
import { codes, exchange as exchangeOn, get, parse, sequential as sequentialOn, sizes } from './test-support/exchange';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ resetAfter: 5 });
});
afterAll(() => lab.close());

const exchange = (requests: string[], options: { timeoutMs?: number } = {}) => exchangeOn(lab.port, requests, options);

const sequential = (requests: string[]) => sequentialOn(lab.port, requests);

describe('chunkscope lab', () => {
  it('GET / lists every scenario; an unknown path is a 404 that lists them too', async () => {
    const index = await curl([`${lab.url}/`]);
    for (const s of SCENARIOS) expect(index.output.toString()).toContain(s.usage.split('<')[0]);
    const missing = await curl([`${lab.url}/nothing-here`]);
    expect(missing.output.toString()).toMatch(/^HTTP\/1\.1 404 Not Found/);
    expect(missing.output.toString()).toContain('GET /ok');
  });

  it('/ok: three chunks and the last chunk, and the connection stays open for the next request', async () => {
    const { bytes, end } = await exchange([get('/ok', false), get('/ok')]);
    const events = parse(bytes, end);
    expect(events.filter((e) => e.type === 'message-complete')).toHaveLength(2);
    expect(sizes(events)).toEqual(['C', 'D', 'C', 'C', 'D', 'C']);
    expect(codes(events)).toEqual([]);
    expect(end).toBe('fin'); // after the second, which asked to close
  });

  it('/feed: an RSS feed, one item per chunk, DELAY ms apart', async () => {
    const { reads, bytes, end } = await exchange([get('/feed?items=3&delay=120')]);
    const events = parse(bytes, end);
    expect(codes(events)).toEqual([]);
    const items = events.filter((e) => e.type === 'chunk-data').map((e) => bytes.subarray(e.offset, e.offset + e.length).toString());
    expect(items).toHaveLength(5); // the channel head, three items, the end
    expect(items.slice(1, 4).every((i) => /^<item><title>Item \d<\/title>/.test(i))).toBe(true);
    // The items arrive apart: each read after the first is at least ~DELAY after the one before.
    const itemReads = reads.filter((r) => r.bytes.includes('<item>'));
    for (let i = 1; i < itemReads.length; i++) expect(itemReads[i]!.time - itemReads[i - 1]!.time).toBeGreaterThan(100);
  });

  it('/events: server-sent events, BATCH per chunk, that the Stream view reads as events', async () => {
    const { bytes, end } = await exchange([get('/events?count=4&delay=20&batch=2')]);
    const events = parse(bytes, end);
    expect(codes(events)).toEqual([]);
    const data = events.filter((e) => e.type === 'chunk-data').map((e) => bytes.subarray(e.offset, e.offset + e.length).toString());
    expect(data).toHaveLength(3); // the comment and retry, then two chunks of two events
    const view = new StreamView({ contentType: 'text/event-stream', contentEncoding: null });
    data.forEach((d, i) => void view.push({ bytes: Buffer.from(d), time: i, chunk: i }));
    await view.end({ complete: true, reason: null });
    const items = view.report().items.filter((i) => i.kind === 'sse' && i.dispatched);
    expect(items.map((i) => (i.kind === 'sse' ? [i.id, i.event, i.data, i.chunks] : null))).toEqual([
      ['1', 'message', 'event 1\n{"n":1}', 'chunk #2'],
      ['2', 'message', 'event 2\n{"n":2}', 'chunk #2'],
      ['3', 'update', 'event 3\n{"n":3}', 'chunk #3'],
      ['4', 'message', 'event 4\n{"n":4}', 'chunk #3'],
    ]);
  });

  it('/no-terminator: curl exits 18; two chunks, a FIN, no last chunk', async () => {
    expect((await curl([`${lab.url}/no-terminator`])).status).toBe(18);
    const { bytes, end } = await exchange([get('/no-terminator', false)]);
    expect(end).toBe('fin');
    const events = parse(bytes, end);
    expect(sizes(events)).toEqual(['5DC', '57D']);
    expect(codes(events)).toEqual(['missing-terminator']);
  });

  it('/reset-mid-chunk: curl exits 56; 700 of 1,405 bytes of chunk #2, then an RST', async () => {
    expect((await curl([`${lab.url}/reset-mid-chunk`])).status).toBe(56);
    const { bytes, end } = await exchange([get('/reset-mid-chunk', false)]);
    expect(end).toBe('rst');
    const events = parse(bytes, end);
    expect(codes(events)).toEqual(['truncated-chunk-data']);
    expect(events.filter((e) => e.type === 'chunk-data' && e.chunk === 1).reduce((n, e) => n + (e as { length: number }).length, 0)).toBe(700);
  });

  it('/stall: one chunk, nothing for MS, then the rest', async () => {
    const { reads, bytes, end } = await exchange([get('/stall?ms=400')]);
    expect(codes(parse(bytes, end))).toEqual([]);
    const after = reads.find((r) => r.bytes.includes('after the stall'))!;
    const before = reads.find((r) => r.bytes.includes('before the stall'))!;
    expect(after.time - before.time).toBeGreaterThanOrEqual(380);
  });

  it('/trailers: trailer fields after the last chunk', async () => {
    const { bytes, end } = await exchange([get('/trailers')]);
    const events = parse(bytes, end);
    expect(events.flatMap((e) => (e.type === 'trailer' ? [`${e.name}: ${e.value}`] : []))).toEqual(['X-Checksum: sha256=9b1f0c', 'X-Items: 2']);
    expect(codes(events)).toEqual([]);
  });

  const expected: Record<string, string> = {
    'bad-hex': 'invalid-chunk-size',
    'bare-lf': 'bare-lf',
    'missing-crlf': 'missing-chunk-crlf',
    overflow: 'chunk-size-overflow',
    'bad-extension': 'chunk-ext-invalid',
    'cl-and-te': 'cl-and-te',
  };
  it.each(Object.keys(MALFORMED))('/malformed/%s is read as what it is', async (kind) => {
    const { bytes, end } = await exchange([get(`/malformed/${kind}`, false)]);
    expect(end).toBe('fin');
    expect(codes(parse(bytes, end))).toContain(expected[kind]);
  });

  it('/drip and /big: N chunks, MB mebibytes in 16 KiB chunks', async () => {
    const drip = await exchange([get('/drip?chunks=7&delay=5')]);
    expect(sizes(parse(drip.bytes, drip.end))).toHaveLength(7);
    const big = await exchange([get('/big?mb=2')]);
    const events = parse(big.bytes, big.end);
    expect(sizes(events)).toEqual(Array(128).fill('4000'));
    expect(codes(events)).toEqual([]);
  });

  it('POST /upload reads chunked and Content-Length bodies', async () => {
    const chunked = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', 'hello world', `${lab.url}/upload`]);
    expect(chunked.output.toString()).toContain('received 11 bytes (chunked)');
    const length = await curl(['--data-binary', 'hello', `${lab.url}/upload`]);
    expect(length.output.toString()).toContain('received 5 bytes (content-length)');
  });

  it('POST /reset-after: N chunked requests answered on one connection, an RST at the next; Content-Length ones are not counted', async () => {
    const chunkedPost = 'POST /reset-after?n=3 HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n';
    const lengthPost = 'POST /reset-after?n=3 HTTP/1.1\r\nHost: lab\r\nContent-Length: 3\r\n\r\na=1';
    const mixed = await sequential([chunkedPost, lengthPost, chunkedPost, lengthPost, chunkedPost, chunkedPost, chunkedPost]);
    expect(mixed).toEqual({ answered: 5, end: 'rst' }); // three chunked and two Content-Length, then the RST
    // Without ?n=, the lab's --reset-after (5 here).
    expect(await sequential(Array(7).fill(chunkedPost.replace('?n=3', '')))).toEqual({ answered: 5, end: 'rst' });
  });

  it('the command: prints "listening on", lists the scenarios in --help', async () => {
    const help = await runCli(['lab', '--help']);
    expect(help.status).toBe(0);
    for (const s of SCENARIOS) expect(help.stdout).toContain(s.usage.split(/[?<]/)[0]);
    // Every name, a family's kinds too (the names chunkscope probe uses).
    for (const name of scenarioNames()) expect(help.stdout).toContain(name.split('/').at(-1));
  });
});
