import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SearchArgs } from '../../shared/search';
import { searchContext } from './context';
import { COUNTED_PER_EXCHANGE, LISTED_PER_EXCHANGE } from './results';
import { searchCapture } from './scan';
import { chunked, encode, get, reads, response, writeConnections, type TestConnection } from './test-support/captures';

const dir = mkdtempSync(join(tmpdir(), 'chunkscope-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function search(connections: TestConnection[], args: Partial<SearchArgs> & { query: string }) {
  const path = join(dir, `c${++files}.cscap`);
  writeConnections(path, connections);
  const context = searchContext({ mode: 'text', ...args });
  await searchCapture(path, context);
  return { matches: context.results.take(), notes: context.results.notes, limited: context.results.limited(), count: context.results.matchCount, exchanges: context.results.exchanges };
}

const FEED = '<rss><channel><item><title>Chunked transfer, explained</title></item></channel></rss>';

describe('searching a capture', () => {
  it('finds text in a gzip body decoded, and not in its bytes as sent', async () => {
    const body = encode.gzip(FEED);
    const { matches } = await search([{ sent: [get('/feed')], received: [response(['Content-Type: application/rss+xml', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(body, 7))] }], { query: 'transfer, EXPLAINED' });
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ id: '1:0', direction: 'response', part: 'body', form: 'decoded', offset: FEED.indexOf('transfer'), length: 19, streamOffset: null });
    expect(matches[0]!.context).toEqual({ before: '<rss><channel><item><title>Chunked ', match: 'transfer, explained', after: '</title></item></channel></rss>' });
  });

  it('decodes br, deflate and raw deflate sent as deflate', async () => {
    const served = (coding: string, body: Uint8Array): TestConnection => ({ sent: [get('/')], received: [response([`Content-Encoding: ${coding}`, `Content-Length: ${body.length}`], body)] });
    const { matches } = await search([served('br', encode.br(FEED)), served('deflate', encode.deflate(FEED)), served('deflate', encode.rawDeflate(FEED))], { query: 'explained' });
    expect(matches.map((m) => [m.id, m.form])).toEqual([
      ['1:0', 'decoded'],
      ['2:0', 'decoded'],
      ['3:0', 'decoded'],
    ]);
  });

  it('finds a match split across chunks and network reads, with where its first byte was sent', async () => {
    const wire = response(['Transfer-Encoding: chunked'], chunked('abc"name": "chunkscope" xyz', 5));
    const { matches } = await search([{ sent: [get('/')], received: reads(wire, 3) }], { query: '"name"' });
    expect(matches).toHaveLength(1);
    const m = matches[0]!;
    expect(m).toMatchObject({ part: 'body', form: 'sent', offset: 3, length: 6 });
    // Byte 3 of the body is the 4th byte of chunk #1's data, right after its size line.
    const head = wire.indexOf('\r\n\r\n') + 4;
    expect(m.streamOffset).toBe(head + '5\r\n'.length + 3);
    expect(wire.subarray(m.streamOffset!, m.streamOffset! + 2).toString()).toBe('"n');
  });

  it('knows where a match was sent when it straddles many small chunks and a large one', async () => {
    // 1,000 chunks of 10 bytes are searched together; the large chunk after them alone: the
    // match's first bytes are in the small ones, found in the large one's first window.
    const small = 'abcdefghij'.repeat(1000);
    const large = 'x'.repeat(100_000);
    const body = `${small.slice(0, -3)}NEE${'DLE'}${large.slice(3)}`;
    const framed = Buffer.concat([chunked(body.slice(0, small.length), 10, false), chunked(body.slice(small.length), large.length)]);
    const wire = response(['Transfer-Encoding: chunked'], framed);
    const { matches } = await search([{ sent: [get('/')], received: [wire] }], { query: 'needle' });
    expect(matches.map((m) => m.offset)).toEqual([small.length - 3]);
    const at = matches[0]!.streamOffset!;
    expect(wire.subarray(at, at + 3).toString()).toBe('NEE');
  });

  it('searches headers as sent, in requests and responses, with their stream offsets', async () => {
    const request = get('/api', ['Accept: application/json']);
    const wire = response(['Content-Type: application/json; charset=utf-8', 'Content-Length: 2'], '{}');
    const { matches } = await search([{ sent: [request], received: [wire] }], { query: 'application/json' });
    expect(matches.map((m) => [m.direction, m.part, m.offset, m.streamOffset])).toEqual([
      ['request', 'headers', request.indexOf('application'), request.indexOf('application')],
      ['response', 'headers', wire.indexOf('application'), wire.indexOf('application')],
    ]);
    expect(matches[1]!.context.before).toBe('HTTP/1.1 200 OK␍␊Content-Type: ');
  });

  it('finds the head of the second response on a kept-alive connection, read byte by byte', async () => {
    const first = response(['Content-Length: 3'], 'one');
    const second = response(['Content-Length: 3', 'X-Trace: needle-42'], 'two');
    const { matches } = await search([{ sent: [get('/1'), get('/2')], received: reads(Buffer.concat([first, second]), 1) }], { query: 'needle-42' });
    expect(matches.map((m) => [m.id, m.offset, m.streamOffset])).toEqual([['1:1', second.indexOf('needle'), first.length + second.indexOf('needle')]]);
  });

  it('is case-insensitive for plain text by default, exact in case-sensitive mode', async () => {
    const c = { sent: [get('/')], received: [response(['Content-Length: 17'], 'Chunked, CHUNKED!')] };
    expect((await search([c], { query: 'chunked' })).count).toBe(2);
    expect((await search([c], { query: 'chunked', mode: 'case-sensitive' })).count).toBe(0);
    expect((await search([c], { query: 'CHUNKED', mode: 'case-sensitive' })).matches.map((m) => m.offset)).toEqual([9]);
  });

  it('runs regular expressions over the bytes, and non-ASCII text as its UTF-8 bytes', async () => {
    const body = Buffer.from('id=17 café id=204', 'utf8');
    const c = { sent: [get('/')], received: [response([`Content-Length: ${body.length}`], body)] };
    expect((await search([c], { query: 'id=\\d{3}', mode: 'regex' })).matches.map((m) => m.offset)).toEqual([body.indexOf('id=204')]);
    // With i, ASCII letters fold; a non-ASCII letter is matched as its bytes.
    expect((await search([c], { query: '/CAFé|ID=17/i', mode: 'regex' })).count).toBe(2);
    const text = await search([c], { query: 'café' });
    expect(text.matches.map((m) => [m.offset, m.length, m.context.match])).toEqual([[6, 5, 'café']]);
  });

  it('decodes a gzip body that comes in small chunks: the pieces gathered are not written over while zlib still reads them', async () => {
    // Words that do not compress away: 2 MB of them gzip to more than 64 KiB, gathered from 16 KiB chunks.
    let seed = 1;
    const word = () => ((seed = (seed * 48271) % 2147483647) % 1e6).toString(36);
    const text = `${Array.from({ length: 300_000 }, word).join(' ')} the-last-word`;
    const body = encode.gzip(text);
    expect(body.length).toBeGreaterThan(4 * 64 * 1024);
    const { matches, notes } = await search([{ sent: [get('/')], received: [response(['Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(body, 16 * 1024))] }], { query: 'the-last-word' });
    // Before, zlib read a gathered buffer after the next pieces had been copied into it: "invalid block type".
    expect(notes).toEqual([]);
    expect(matches.map((m) => [m.form, m.offset])).toEqual([['decoded', text.length - 'the-last-word'.length]]);
  });

  it('says when a body cannot be decoded, and where, and still searches it as sent', async () => {
    const broken = Buffer.concat([encode.gzip(FEED).subarray(0, 20), Buffer.from('not gzip at all, explained')]);
    const { matches, notes } = await search([{ sent: [get('/')], received: [response(['Content-Encoding: gzip', `Content-Length: ${broken.length}`], broken)] }], { query: 'explained' });
    expect(matches.map((m) => m.form)).toEqual(['sent']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^c1 · request #1's response body could not be decoded: gzip failed within its first 46 bytes as sent \(.+\); its decoded form was searched up to decoded byte \d+$/);
  });

  it('says a coding it cannot remove, and reads a cut gzip body as far as it goes without calling it broken', async () => {
    const zstd = { sent: [get('/')], received: [response(['Content-Encoding: zstd', 'Content-Length: 9'], 'explained')] };
    const items = Array.from({ length: 200 }, (_, i) => `<item><title>${(i * 7919) % 1009} explained</title></item>`).join('');
    const cut = encode.gzip(items);
    const truncated = { sent: [get('/')], received: [response(['Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(cut.subarray(0, cut.length - 30), 64, false))], end: 'fin' as const };
    const { count, notes } = await search([zstd, truncated], { query: 'explained' });
    expect(notes).toEqual(["c1 · request #1's response body has Content-Encoding zstd, which Chunkscope does not remove: searched as sent only"]);
        // All but the last few items, decoded from what arrived; the zstd body's one match as sent.
    expect(count).toBeGreaterThan(1 + 180);
  });

  it('keeps to its scope: exchanges, parts and forms', async () => {
    const gz = encode.gzip('hello world');
    const c = (): TestConnection => ({ sent: [get('/hello')], received: [response(['Content-Encoding: gzip', `Content-Length: ${gz.length}`, 'X-Hello: 1'], gz)] });
    const all = await search([c(), c()], { query: 'hello' });
    expect(all.matches.map((m) => `${m.id} ${m.direction}-${m.part} ${m.form}`)).toEqual(['1:0 request-headers sent', '1:0 response-headers sent', '1:0 response-body decoded', '2:0 request-headers sent', '2:0 response-headers sent', '2:0 response-body decoded']);
    const scoped = await search([c(), c()], { query: 'hello', scope: { exchanges: ['2:0'], parts: ['response-body', 'response-headers'], forms: ['decoded'] } });
    expect(scoped.matches.map((m) => `${m.id} ${m.direction}-${m.part}`)).toEqual(['2:0 response-headers', '2:0 response-body']);
  });

  it('lists the first match of every exchange, and counts the rest up to a bound', async () => {
    const many = 'x '.repeat(COUNTED_PER_EXCHANGE + 500);
    const c = (): TestConnection => ({ sent: [get('/')], received: [response([`Content-Length: ${many.length}`], many)] });
    const r = await search([c(), c()], { query: 'x' });
    expect(r.exchanges).toBe(2);
    expect(r.count).toBe(2 * COUNTED_PER_EXCHANGE);
    expect(r.matches.filter((m) => m.id === '2:0')).toHaveLength(LISTED_PER_EXCHANGE);
    expect(r.limited).toBe('200 of 2,000 matches are listed: the first of every exchange, then up to 100 per exchange and 10,000 in all; 2 exchanges reached 1,000 matches, and the rest of them were not searched.');
  });
});
