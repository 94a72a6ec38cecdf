// The lab's framing variants, on the wire; what the lab records of each connection for
// `chunkscope probe`; and the lab over TLS.

import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Http1Event } from '../../shared/http1';
import { runCa, type RunCa } from '../probe/run-ca';
import { curl } from '../proxy/test-support/clients';
import { startLab, type Lab } from './lab';
import { LabRecorder } from './record';
import { codes, exchange, get, parse, sequential, sizes } from './test-support/exchange';

let lab: Lab;
const recorder = new LabRecorder();
beforeAll(async () => {
  lab = await startLab({ recorder });
});
afterAll(() => lab.close());

const ask = (path: string, close = true) => exchange(lab.port, [get(path, close)]);

/** The body bytes of the first message, as the parser delimited them. */
function body(bytes: Buffer, events: Http1Event[]): Buffer {
  const pieces = events.filter((e) => (e.type === 'chunk-data' || e.type === 'body-data') && e.message === 0) as { offset: number; length: number }[];
  return Buffer.concat(pieces.map((p) => bytes.subarray(p.offset, p.offset + p.length)));
}

const complete = (events: Http1Event[]) => events.filter((e) => e.type === 'message-complete').length;

describe('the lab: valid framing variants', () => {
  it('/extensions: extensions on chunks and on the last chunk, all valid', async () => {
    const { bytes, end } = await ask('/extensions');
    const events = parse(bytes, end);
    expect(codes(events)).toEqual([]);
    expect(events.flatMap((e) => (e.type === 'chunk-size' || e.type === 'last-chunk' ? [e.extensions] : []))).toEqual([';name=value', ';quoted="a b;c"', ';flag;n=1', ';last=yes']);
    expect(body(bytes, events).toString()).toBe('hello world!\n');
  });

  it.each([
    ['upper', ['5DC', 'AB', 'FF', '1A']],
    ['lower', ['5dc', 'ab', 'ff', '1a']],
    ['zero-padded', ['000005DC', '000000AB', '000000FF', '0000001A']],
  ])('/sizes/%s: the sizes written that way, every byte there', async (kind, tokens) => {
    const { bytes, end } = await ask(`/sizes/${kind}`);
    const events = parse(bytes, end);
    expect(sizes(events)).toEqual(tokens);
    expect(codes(events)).toEqual([]);
    expect(body(bytes, events)).toHaveLength(1500 + 171 + 255 + 26);
    expect(complete(events)).toBe(1);
  });

  it('/sizes/<unknown> is a 404 that names the kinds', async () => {
    const { bytes } = await ask('/sizes/octal');
    expect(bytes.toString()).toMatch(/^HTTP\/1\.1 404 Not Found[\s\S]*kinds: upper, lower, zero-padded/);
  });

  it('/huge-chunk: one chunk of MB mebibytes, then the last chunk', async () => {
    const { bytes, end } = await ask('/huge-chunk?mb=3');
    const events = parse(bytes, end);
    expect(sizes(events)).toEqual(['300000']);
    expect(body(bytes, events)).toHaveLength(3 * 1024 * 1024);
    expect(complete(events)).toBe(1);
  });

  it('/tiny-chunks: COUNT one-byte chunks, then the last chunk', async () => {
    const { bytes, end } = await ask('/tiny-chunks?count=25001');
    const events = parse(bytes, end);
    expect(sizes(events)).toEqual(Array(25_001).fill('1'));
    expect(codes(events)).toEqual([]);
    expect(complete(events)).toBe(1);
  });

  it('/gzip: Content-Encoding gzip in several chunks that decompress to the feed', async () => {
    const { bytes, end } = await ask('/gzip');
    const events = parse(bytes, end);
    expect(codes(events)).toEqual([]);
    expect(sizes(events).length).toBeGreaterThan(1);
    expect(bytes.toString('latin1')).toContain('\r\nContent-Encoding: gzip\r\n');
    expect(gunzipSync(body(bytes, events)).toString()).toMatch(/^<item><title>Item 1<\/title>[\s\S]*Item 50/);
  });

  it('/close-delimited: no length, no chunks, the body ends with the FIN', async () => {
    const { bytes, end } = await ask('/close-delimited', false);
    const events = parse(bytes, end);
    expect(end).toBe('fin');
    expect(events.find((e) => e.type === 'framing')).toMatchObject({ framing: 'close-delimited' });
    expect(body(bytes, events).toString()).toBe('the body is\ndelimited by\nthe close\n');
    expect(codes(events)).toEqual([]);
  });
});

describe('the lab: faults', () => {
  it('/content-length/longer: 50 of 100 bytes, then FIN', async () => {
    const { bytes, end } = await ask('/content-length/longer', false);
    expect(end).toBe('fin');
    expect(codes(parse(bytes, end))).toEqual(['truncated-body']);
  });

  it('/content-length/shorter: 20 bytes after "Content-Length: 10", and the connection stays open for the next request', async () => {
    const { bytes, end } = await exchange(lab.port, [get('/content-length/shorter', false), get('/ok')]);
    // The second response comes after the 10 extra bytes, on the same connection.
    expect(bytes.toString('latin1')).toMatch(/\r\n\r\n0123456789ABCDEFGHIJHTTP\/1\.1 200 OK\r\n/);
    expect(end).toBe('fin');
  });

  it('/keepalive-reset: N requests answered on one connection, an RST at the next; a new connection starts again', async () => {
    const request = get('/keepalive-reset?n=2', false);
    expect(await sequential(lab.port, [request, request, request])).toEqual({ answered: 2, end: 'rst' });
    expect(await sequential(lab.port, [request, request])).toEqual({ answered: 2, end: 'done' });
  });
});

describe('the lab records each connection (for chunkscope probe)', () => {
  it('bytes sent, the lab FIN, then the client FIN (curl, missing last chunk)', async () => {
    recorder.take();
    expect((await curl([`${lab.url}/no-terminator`])).status).toBe(18);
    await recorder.settled(2000);
    const [log, ...more] = recorder.take();
    expect(more).toEqual([]);
    expect(log).toMatchObject({ requests: 1, queued: 0, labEnd: { how: 'fin' }, clientEnd: { how: 'fin' } });
    // The head (87 bytes) and two chunks of 1,500 and 1,405 bytes with their size lines and CRLFs.
    expect(log!.bytesSent).toBe(87 + 1507 + 1412);
    expect(log!.clientEnd!.at).toBeGreaterThanOrEqual(log!.labEnd!.at);
  });

  it('a client that resets in the middle of a stall: its RST', async () => {
    recorder.take();
    await new Promise<void>((resolve) => {
      const socket = net.connect(lab.port, '127.0.0.1', () => socket.write(get('/stall?ms=60000')));
      socket.once('data', () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    await recorder.settled(2000);
    const [log] = recorder.take();
    expect(log).toMatchObject({ requests: 1, labEnd: null, clientEnd: { how: 'rst' } });
  });
});

describe('the lab over TLS', () => {
  let ca: RunCa;
  let tlsLab: Lab;
  const tlsRecorder = new LabRecorder();
  beforeAll(async () => {
    ca = await runCa('127.0.0.1');
    tlsLab = await startLab({ tls: ca.context, recorder: tlsRecorder });
  });
  afterAll(async () => {
    await tlsLab.close();
    ca.remove();
  });

  it('serves https; a missing last chunk ends with close_notify and FIN, a reset with an RST', async () => {
    expect(tlsLab.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pem = (await import('node:fs')).readFileSync(ca.caFile, 'utf8');
    const ok = await exchange(tlsLab.port, [get('/ok')], { ca: pem });
    expect(codes(parse(ok.bytes, ok.end))).toEqual([]);
    const cut = await exchange(tlsLab.port, [get('/no-terminator', false)], { ca: pem });
    expect(cut.end).toBe('fin');
    expect(codes(parse(cut.bytes, cut.end))).toEqual(['missing-terminator']);
    const reset = await exchange(tlsLab.port, [get('/reset-mid-chunk', false)], { ca: pem });
    expect(reset.end).toBe('rst');
  });

  it('a client that does not speak TLS to it, or sends garbage, gets the connection closed', async () => {
    const ends = [];
    for (const bytes of [get('/ok'), Buffer.alloc(100_000, 0x16), Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])]) {
      const plain = await exchange(tlsLab.port, [bytes.toString('latin1')], { timeoutMs: 10_000 });
      ends.push(plain.end);
    }
    expect(ends.filter((end) => end === 'timeout')).toEqual([]);
  });

  it('records a client that does not trust the certificate', async () => {
    tlsRecorder.take();
    const result = await curl([`${tlsLab.url}/ok`]);
    expect(result.status).toBe(60);
    await tlsRecorder.settled(2000);
    const [log] = tlsRecorder.take();
    expect(log!.tlsFailure).not.toBeNull();
    expect(log!.bytesSent).toBe(0);
  });
});
