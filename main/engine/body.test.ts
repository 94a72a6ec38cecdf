// The body viewers' slices, read from the capture on disk: as sent and decoded, with what
// was removed, the charset, a decoding failure and where; and a 1 GiB body (as sent, and
// decoded from a small gzip) that opens at once and is read in bounded memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BodySliceArgs } from '../../shared/body';
import type { CaptureRecord } from '../capture/format';
import { writeCaptureFile } from '../capture/write-file';
import { chunked, encode, get, response, writeConnections, type TestConnection } from '../search/test-support/captures';
import { Engine } from './engine';

const dir = mkdtempSync(join(tmpdir(), 'chunkscope-body-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function opened(write: (path: string) => void) {
  const path = join(dir, `b${++files}.cscap`);
  write(path);
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
  await engine.start();
  cleanups.push(() => engine.close());
  await engine.openCapture({ path });
  const body = async (args: Partial<BodySliceArgs>) => {
    const slice = await engine.finding.body({ id: '1:0', direction: 'response', form: 'decoded', offset: 0, length: 1024 * 1024, ...args });
    return { ...slice, text: Buffer.from(slice.bytes, 'base64').toString('latin1') };
  };
  return body;
}

const connections = (...list: TestConnection[]) => (path: string) => writeConnections(path, list);
const FEED = '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>caf\xe9</title></channel></rss>';

describe('body slices', () => {
  it('a chunked gzip response: decoded, as sent, and what was removed to get each', async () => {
    const gz = encode.gzip(FEED);
    const body = await opened(connections({ sent: [get('/feed')], received: [response(['Content-Type: application/rss+xml', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(gz, 16))] }));
    const decoded = await body({});
    expect(decoded).toMatchObject({ text: FEED, size: FEED.length, sizeKnown: true, sentSize: gz.length, removed: ['chunk framing', 'gzip'], stillEncoded: null, framing: 'chunked', complete: true, decodeFailure: null });
    expect(decoded.charset).toEqual({ name: 'iso-8859-1', from: 'declaration', bomLength: 0 });
    const sent = await body({ form: 'sent', offset: 2, length: 8 });
    expect(sent).toMatchObject({ offset: 2, size: gz.length, removed: ['chunk framing'], stillEncoded: 'gzip', contentEncoding: 'gzip' });
    expect(Buffer.from(sent.bytes, 'base64')).toEqual(gz.subarray(2, 10));
    expect((await body({ offset: 45, length: 15 })).text).toBe(FEED.slice(45, 60));
    // Back to the start: the decoder starts again from the body's first byte.
    expect((await body({ offset: 0, length: 5 })).text).toBe(FEED.slice(0, 5));
    expect((await body({ offset: FEED.length - 5, length: 100 })).text).toBe(FEED.slice(-5));
  });

  it('br and deflate bodies, a request body, and the final response after a 100 Continue', async () => {
    const json = '{"name":"chunkscope"}';
    const br = encode.br(json);
    const post = `POST /up HTTP/1.1\r\nHost: o\r\nContent-Type: application/json\r\nContent-Encoding: deflate\r\nExpect: 100-continue\r\nContent-Length: ${encode.deflate(json).length}\r\n\r\n`;
    const body = await opened(
      connections({
        sent: [Buffer.concat([Buffer.from(post), encode.deflate(json)])],
        received: [response([], '', '100 Continue'), response(['Content-Type: application/json', 'Content-Encoding: br', `Content-Length: ${br.length}`], br)],
      }),
    );
    expect(await body({})).toMatchObject({ text: json, removed: ['br'], charset: { name: 'utf-8', from: 'default' } });
    expect(await body({ direction: 'request' })).toMatchObject({ text: json, removed: ['deflate'] });
  });

  it('says where decoding failed, and gives the decoded bytes up to there', async () => {
    const good = gzipSync(Buffer.from('x'.repeat(100_000)));
    const broken = Buffer.concat([good.subarray(0, good.length - 200), Buffer.alloc(300, 0x55)]);
    const body = await opened(connections({ sent: [get('/')], received: [response(['Content-Encoding: gzip', `Content-Length: ${broken.length}`], broken)] }));
    const slice = await body({});
    expect(slice.decodeFailure).toMatchObject({ coding: 'gzip', sentOffset: broken.length });
    expect(slice.decodeFailure!.decodedOffset).toBe(slice.size);
    expect(slice.sizeKnown).toBe(true);
    expect(slice.text).toBe('x'.repeat(slice.size));
  });

  it('paging back to the start of a body decoded to its end keeps its size, and where decoding failed', async () => {
    const good = gzipSync(Buffer.alloc(4 * 1024 * 1024, 'x'));
    const broken = Buffer.concat([good.subarray(0, good.length - 8), Buffer.alloc(64, 0x55)]);
    const body = await opened(connections({ sent: [get('/')], received: [response(['Content-Encoding: gzip', `Content-Length: ${broken.length}`], broken)] }));
    const end = await body({ offset: Number.MAX_SAFE_INTEGER, length: 16 });
    expect(end).toMatchObject({ text: '', sizeKnown: true, decodeFailure: { coding: 'gzip' } });
    expect(end.size).toBeGreaterThan(1024 * 1024);
    // The decoder starts again from the body's first byte, but what the first pass learned stays: the scroll bar keeps its end.
    const start = await body({ offset: 0, length: 16 });
    expect(start).toMatchObject({ text: 'x'.repeat(16), size: end.size, sizeKnown: true, decodeFailure: end.decodeFailure });
  });

  it('a response with no body yet, and one that never came, in words', async () => {
    const body = await opened(connections({ sent: [get('/')], received: [] }));
    await expect(body({})).rejects.toThrow('c1 · request #1 has no response in this capture');
  });
});

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/** One GET answered with a body of `size` bytes in 1 MiB reads, made as it is written (never held whole). */
function bigCapture(head: string, size: number, piece: (index: number) => Uint8Array) {
  return (path: string) => {
    function* records(): Generator<CaptureRecord> {
      yield { type: 'session', version: 1, startedAt: new Date(0).toISOString(), tool: 'test', mode: 'reverse', listen: '', reverse: null };
      yield { type: 'open', connection: 1, time: 0, client: '127.0.0.1:1', mode: 'reverse' };
      yield { type: 'data', connection: 1, stream: 0, generated: false, time: 0, bytes: Buffer.from(get('/big')) };
      yield { type: 'data', connection: 1, stream: 1, generated: false, time: 0, bytes: Buffer.from(head) };
      let sent = 0;
      for (let i = 0; sent < size; i++) {
        const bytes = piece(i);
        sent += bytes.length;
        yield { type: 'data', connection: 1, stream: 1, generated: false, time: i / 1000, bytes };
      }
      yield { type: 'close', connection: 1, time: 9, side: 'upstream', kind: 'fin', by: 'peer', detail: null };
      yield { type: 'close', connection: 1, time: 9, side: 'client', kind: 'fin', by: 'proxy', detail: null };
    }
    writeCaptureFile(path, records());
  };
}

describe('a 1 GiB body', () => {
  it('as sent: the first slice comes without reading the rest, the last is read when asked for, memory stays flat', async () => {
    const mib = (i: number) => Buffer.alloc(MiB, `[MiB ${i}]`);
    const body = await opened(bigCapture(`HTTP/1.1 200 OK\r\nContent-Length: ${GiB}\r\n\r\n`, GiB, mib));
    const first = await body({ form: 'sent', length: 64 * 1024 });
    expect(first.text.startsWith('[MiB 0][MiB 0]')).toBe(true);
    expect(first.sizeKnown).toBe(false);
    expect(first.sentSize).toBeLessThan(8 * MiB); // what was read to answer: a few reads, not the body
    const before = process.memoryUsage().arrayBuffers;
    const last = await body({ form: 'sent', offset: GiB - 12, length: 100 });
    expect(last).toMatchObject({ offset: GiB - 12, size: GiB, sizeKnown: true, complete: true });
    expect(last.text).toBe(mib(1023).subarray(MiB - 12).toString('latin1'));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(128 * MiB);
  });

  it('decoded from 1 MiB of gzip: the start at once, the end decoded in bounded memory', async () => {
    // gzip members one after the other make one body (RFC 1952 §2.2): 1,024 of 1 MiB of zeros, the last ending in a marker.
    const zeros = gzipSync(Buffer.alloc(MiB));
    const end = gzipSync(Buffer.concat([Buffer.alloc(MiB - 16), Buffer.from('the end is here.')]));
    const members = Buffer.concat([...Array.from({ length: 1023 }, () => zeros), end]);
    const body = await opened(bigCapture(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${members.length}\r\n\r\n`, members.length, (i) => (i === 0 ? members : new Uint8Array(0))));
    const first = await body({ length: 16 });
    expect(first).toMatchObject({ text: '\0'.repeat(16), sizeKnown: false, removed: ['gzip'] });
    expect(first.size).toBeLessThan(16 * MiB); // decoded as far as asked, not to the end
    const before = process.memoryUsage().arrayBuffers;
    const last = await body({ offset: GiB - 16, length: 1000 });
    expect(last).toMatchObject({ text: 'the end is here.', size: GiB, sizeKnown: true, complete: true, limited: null });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(128 * MiB);
  });
});
