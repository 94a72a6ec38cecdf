// HAR export and import: schema-valid HAR 1.2 with Chunkscope's chunk fields, a round
// trip that keeps every size token as sent, and a browser's HAR shown without inventing
// its framing.

import { groupDigits } from '../../shared/words';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecords } from '../capture/reader';
import { rawExchange } from '../proxy/test-support/clients';
import { startProxy, type Harness } from '../proxy/test-support/harness';
import { fin, origin, request, rst, wait, write, type Origin } from '../proxy/test-support/origin';
import { analyseCapture } from '../analysis/capture-analysis';
import { captureToHar } from './har';
import type { Har, HarEntry } from './har-format';
import { harToRecords, isHar, parseHar } from '../import/har';

const require = createRequire(import.meta.url);

/** A validator for the HAR 1.2 schema (the har-schema package, JSON Schema draft-06). */
function harValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const schemas = require('har-schema') as Record<string, object>;
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#')!;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function through(o: Origin): Promise<Harness> {
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: o.port } });
  cleanup.push(() => o.close(), async () => void (await proxy.finish()));
  return proxy;
}

function records(proxy: Harness) {
  return [...readRecords([readFileSync(proxy.capturePath)])];
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n';
const GZIPPED = gzipSync(Buffer.from('<rss><channel><item><title>one</title></item></channel></rss>'));

async function keepAliveCapture(): Promise<Harness> {
  const o = await origin([
    request(),
    write(`${CHUNKED}5\r\nhello\r\n007;note="x"\r\n, world\r\n0\r\nX-Checksum: abc\r\n\r\n`),
    request(),
    write(`HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\nContent-Length: ${GZIPPED.length}\r\n\r\n`),
    write(GZIPPED),
    request(),
    write(`${CHUNKED}4\r\ncut \r\n`),
    fin(),
  ]);
  const proxy = await through(o);
  const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: feeds.example\r\n\r\n`;
  const post = `POST /upload?x=1 HTTP/1.1\r\nHost: feeds.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`;
  await rawExchange(proxy.port, get('/a') + post + get('/c'), { timeoutMs: 5000 });
  await proxy.finish();
  return proxy;
}

describe('HAR export', () => {
  it('writes HAR 1.2 that the schema accepts, one entry per exchange, with chunk, terminator, anomaly and connection fields', async () => {
    const proxy = await keepAliveCapture();
    const har = captureToHar(records(proxy));
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
    const [first, second, third] = har.log.entries;
    expect(har.log.entries).toHaveLength(3);

    expect(first!.request.url).toBe('http://feeds.example/a');
    expect(first!.response._chunks!.map((c) => [c.sizeToken, c.extensions, c.size])).toEqual([
      ['5', '', 5],
      ['007', ';note="x"', 7],
    ]);
    expect(first!.response._chunks!.every((c) => c.time >= c.firstTime && c.time >= 0)).toBe(true);
    expect(first!.response._terminator).toBe(true);
    expect(first!.response._trailers).toEqual([{ name: 'X-Checksum', value: 'abc' }]);
    expect(first!.response.content.text).toBe('hello, world');
    expect(first!._connection).toMatchObject({ id: 'c1', request: 1 });

    // The chunked request body and its own ledger; the gzip body decoded, as HAR asks.
    expect(second!.request.method).toBe('POST');
    expect(second!.request.queryString).toEqual([{ name: 'x', value: '1' }]);
    expect(second!.request.postData?.text).toBe('abc');
    expect(second!.request._chunks!.map((c) => c.sizeToken)).toEqual(['3']);
    expect(second!.response.content).toMatchObject({ text: '<rss><channel><item><title>one</title></item></channel></rss>', _decoded: 'gzip', size: 61 });
    expect(second!.response._framing).toBe('content-length');
    expect(second!._connection!.request).toBe(2);

    // The third response lost its last chunk: the HAR says so.
    expect(third!.response._terminator).toBe(false);
    expect(third!.response._complete).toBe(false);
    expect(third!.response._anomalies!.map((a) => a.code)).toContain('missing-terminator');
    expect(third!._connection!.closes.some((c) => c.side === 'upstream' && c.kind === 'fin')).toBe(true);
  });

  it('cuts bodies over the limit and says so', async () => {
    const o = await origin([request(), write(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}`), fin()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { timeoutMs: 5000 });
    await proxy.finish();
    const har = captureToHar(records(proxy), { maxBodyBytes: 10 });
    const content = har.log.entries[0]!.response.content;
    expect(content.text).toBe('x'.repeat(10));
    expect(content._truncated).toEqual({ kept: 10, size: 100 });
    expect(content.comment).toMatch(/cut to 10 of 100 bytes/);
    expect(harValidator()(har)).toBe(true);
  });
});

describe('HAR import', () => {
  it('rebuilds a Chunkscope HAR exactly: every size token, extension, trailer and end as sent', async () => {
    const proxy = await keepAliveCapture();
    const original = analyseCapture(records(proxy));
    const har = JSON.parse(JSON.stringify(captureToHar(records(proxy)))) as Har;
    const { records: rebuilt } = harToRecords(parseHar(JSON.stringify(har)).har);
    const imported = analyseCapture(rebuilt);
    expect(imported.connections).toHaveLength(1);
    const pick = (r: typeof original) =>
      r.connections[0]!.exchanges.map((e) => ({
        target: e.request?.request?.target,
        requestChunks: e.request?.chunks?.map((c) => c.sizeToken + c.extensions),
        framing: e.response?.framing,
        chunks: e.response?.chunks?.map((c) => [c.sizeToken, c.extensions, c.dataLength, c.crlf]),
        terminator: e.response?.terminator,
        trailers: e.response?.trailers,
        body: e.response?.bodyLength,
        anomalies: e.response?.anomalies.map((a) => a.code),
      }));
    expect(pick(imported)).toEqual(pick(original));
    expect(imported.connections[0]!.closes.map((c) => c.kind)).toContain('fin');
  });

  it('shows a browser HAR (no chunk data) with its body as recorded and its framing unknown, not invented', () => {
    const text = '{"ok":true,"items":[1,2,3]}';
    const browser: Har = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        entries: [
          {
            startedDateTime: '2026-11-23T10:00:00.000Z',
            time: 120,
            request: { method: 'GET', url: 'https://api.example/items?page=2', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Host', value: 'api.example' }, { name: 'Accept-Encoding', value: 'gzip' }], queryString: [], headersSize: -1, bodySize: 0 },
            // Content-Length is the gzip size; the text is decoded: a parser reading the headers would cut it.
            response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Content-Encoding', value: 'gzip' }, { name: 'Content-Length', value: '17' }, { name: 'Content-Type', value: 'application/json' }], content: { size: text.length, mimeType: 'application/json', text }, redirectURL: '', headersSize: -1, bodySize: 17 },
            cache: {},
            timings: { send: 1, wait: 100, receive: 19 },
            connection: '4711',
          },
          {
            startedDateTime: '2026-11-23T10:00:01.000Z',
            time: 30,
            request: { method: 'GET', url: 'https://cdn.example/app.js', httpVersion: 'h2', cookies: [], headers: [{ name: ':authority', value: 'cdn.example' }, { name: ':method', value: 'GET' }], queryString: [], headersSize: -1, bodySize: 0 },
            response: { status: 200, statusText: '', httpVersion: 'h2', cookies: [], headers: [{ name: 'content-type', value: 'text/javascript' }], content: { size: 2, mimeType: 'text/javascript', text: '42' }, redirectURL: '', headersSize: -1, bodySize: 2 },
            cache: {},
            timings: { send: 1, wait: 20, receive: 9 },
          },
        ],
      },
    };
    expect(isHar(Buffer.from(JSON.stringify(browser, null, 2)))).toBe(true);
    const { records: rebuilt, notes } = harToRecords(parseHar(JSON.stringify(browser)).har);
    expect(notes.join(' ')).toMatch(/HTTP\/2/);
    expect(notes.join(' ')).toMatch(/framing is shown as unknown/);
    const report = analyseCapture(rebuilt);
    expect(report.connections).toHaveLength(2);
    const [api, cdn] = report.connections;
    const response = api!.exchanges[0]!.response!;
    expect(response.framing).toBe('unknown');
    expect(response.framingReason).toMatch(/HAR without chunk data/);
    expect(response.headers).toContainEqual(['Content-Length', '17']);
    expect(response.bodyLength).toBe(text.length);
    expect(response.anomalies).toEqual([]);
    expect(response.complete).toBe(true);
    expect(api!.exchanges[0]!.request!.request).toEqual({ method: 'GET', target: '/items?page=2', version: 'HTTP/1.1' });
    expect(api!.verdict).toBe('ok');
    // HTTP/2 pseudo-headers are not HTTP/1.1 fields: :authority becomes Host.
    expect(cdn!.exchanges[0]!.request!.headers).toEqual([['Host', 'cdn.example']]);
    expect(cdn!.exchanges[0]!.response!.framing).toBe('unknown');
  });

  it('refuses what is not a HAR with a sentence', () => {
    expect(isHar(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(false);
    expect(() => parseHar('{"log": {}}')).toThrow('not a HAR: there is no log.entries list (at byte 0)');
    expect(() => parseHar('{"log": {"entries": [{"request": {}}]}}')).toThrow(/^entry 1 cannot be read: startedDateTime is missing or wrong \(.*\) \(at byte 21\)$/);
    expect(() => parseHar('{"log": ')).toThrow(/^not valid JSON: .* \(at byte 8\)$/);
  });

  it('keeps an RST from the capture in the HAR and back', async () => {
    const o = await origin([request(), write(`${CHUNKED}5\r\nhello\r\n`), wait(50), rst()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { timeoutMs: 5000 });
    await proxy.finish();
    const har = captureToHar(records(proxy));
    expect(har.log.entries[0]!._connection!.closes, JSON.stringify(har.log.entries[0]!._connection)).toContainEqual(expect.objectContaining({ side: 'upstream', kind: 'rst' }));
    const back = analyseCapture(harToRecords(har).records);
    expect(back.connections[0]!.received.eof).toBe('rst');
    expect(back.connections[0]!.exchanges[0]!.response!.terminator).toBe(false);
  });
});

describe('HAR, after review: what a demanding user would hit', () => {
  const entry = (over: Partial<HarEntry> & { url?: string; responseHeaders?: { name: string; value: string }[]; text?: string; status?: number; method?: string }): HarEntry => ({
    startedDateTime: '2026-11-23T10:00:00.000Z',
    time: 30,
    request: { method: over.method ?? 'GET', url: over.url ?? 'https://api.example/items?page=2', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Host', value: 'api.example' }], queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: over.status ?? 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: over.responseHeaders ?? [], content: { size: (over.text ?? '').length, mimeType: 'text/plain', text: over.text ?? '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { send: 1, wait: 20, receive: 9 },
  });
  const har = (...entries: HarEntry[]): Har => ({ log: { version: '1.2', creator: { name: 'WebInspector', version: '1' }, entries } });

  it('an https entry stays https: the connection is TLS, and exporting it again keeps the scheme', () => {
    const records = harToRecords(har(entry({ text: 'ok' }))).records;
    const report = analyseCapture(records);
    expect(report.connections[0]!.tls?.client?.sni).toBe('api.example');
    expect(captureToHar(records).log.entries[0]!.request.url).toBe('https://api.example/items?page=2');
  });

  it('repeated fields a browser joined with a line feed become fields of their own, and no line break forges a field', () => {
    const report = analyseCapture(
      harToRecords(har(entry({ text: 'ok', responseHeaders: [{ name: 'Set-Cookie', value: 'a=1\nb=2' }, { name: 'X-Evil', value: 'x\r\nInjected: yes' }] }))).records,
    );
    const response = report.connections[0]!.exchanges[0]!.response!;
    expect(response.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-Evil', 'x'],
      ['X-Evil', 'Injected: yes'],
    ]);
    expect(response.headers.some(([name]) => name === 'Injected')).toBe(false);
    expect(report.connections[0]!.verdict).toBe('ok');
  });

  it('a GET without a body and a 204 have known framing (none); a HAR that did not keep a body says so', () => {
    const noContent = entry({ status: 204 });
    const unkept = entry({ url: 'https://api.example/logo.png' });
    unkept.response.content = { size: 5120, mimeType: 'image/png' };
    const { records, notes } = harToRecords(har(noContent, unkept));
    const report = analyseCapture(records);
    expect(report.connections[0]!.exchanges[0]!.request!.framing).toBe('none');
    expect(report.connections[0]!.exchanges[0]!.response!.framing).toBe('none');
    expect(report.connections[1]!.exchanges[0]!.response!.framing).toBe('unknown');
    expect(notes.join(' ')).toMatch(/did not record the body of 1 response/);
  });

  it('refuses a response without headers with a sentence, not a stack trace', () => {
    const broken = JSON.parse(JSON.stringify(har(entry({}))));
    delete broken.log.entries[0].response.headers;
    const text = JSON.stringify(broken);
    const at = text.indexOf('"entries":[') + '"entries":['.length;
    expect(() => parseHar(text)).toThrow(new RegExp(`^entry 1 cannot be read: response\\.headers is missing or wrong \\(.*\\) \\(at byte ${groupDigits(at)}\\)$`));
  });

  it('keeps times in order when a HAR’s timings do not add up (time 0, wait 50)', () => {
    const odd = entry({ text: 'hello' });
    odd.time = 0;
    odd.timings = { send: 0, wait: 50, receive: -1 };
    const report = analyseCapture(harToRecords(har(odd)).records);
    const response = report.connections[0]!.exchanges[0]!.response!;
    expect(response.startLine).toBe('HTTP/1.1 200 OK');
    expect(response.bodyLength).toBe(5);
  });

  it('an early response (before the request ended) survives the round trip, and time is the sum of the timings', async () => {
    const o = await origin([write(`HTTP/1.1 413 Payload Too Large\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nbig!\r\n0\r\n\r\n`), wait(30), fin()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, `POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello`, { timeoutMs: 3000 });
    await proxy.finish();
    const exported = captureToHar(records(proxy));
    const e = exported.log.entries[0]!;
    expect(e.time).toBeCloseTo((e.timings.send ?? 0) + e.timings.wait + e.timings.receive, 2);
    const back = analyseCapture(harToRecords(exported).records).connections[0]!.exchanges[0]!.response!;
    expect(back.response?.status).toBe(413);
    expect(back.chunks!.map((c) => c.sizeToken)).toEqual(['4']);
    expect(back.anomalies).toEqual([]);
  });

  it('keeps when and by whom the connection ended: a client half-close mirrored by the proxy is not a server FIN', async () => {
    const o = await origin([request(), wait(20), write(`${CHUNKED}5\r\nhello\r\n0\r\n\r\n`), wait(200), fin()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { halfClose: true, timeoutMs: 5000 });
    await proxy.finish();
    const original = analyseCapture(records(proxy)).connections[0]!;
    const back = analyseCapture(harToRecords(captureToHar(records(proxy))).records).connections[0]!;
    const response = back.exchanges[0]!.response!;
    expect(response).toMatchObject({ terminator: true, complete: true });
    expect(back.verdict).toBe('ok');
    const serverFin = (c: typeof original) => c.closes.find((x) => x.side === 'upstream' && x.by === 'peer')!.at - c.exchanges[0]!.response!.timing!.last;
    expect(serverFin(back)).toBeCloseTo(serverFin(original), 2);
    expect(serverFin(back)).toBeGreaterThan(0.15);
  });

  it('a body that decodes past the limit is kept as sent, with the reason', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024));
    const o = await origin([request(), write(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`), write(bomb), fin()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { timeoutMs: 5000 });
    await proxy.finish();
    const content = captureToHar(records(proxy), { maxBodyBytes: 64 * 1024 }).log.entries[0]!.response.content;
    expect(content.comment).toMatch(/could not remove Content-Encoding gzip: it decodes to more than 65536 bytes/);
    expect(content.encoding).toBe('base64');
    expect(Buffer.from(content.text!, 'base64').equals(bomb)).toBe(true);
  });

  it('a byte-order mark stays in the text', async () => {
    const o = await origin([request(), write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n'), write(Buffer.from('\ufeffhi', 'utf8')), fin()]);
    const proxy = await through(o);
    await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { timeoutMs: 5000 });
    await proxy.finish();
    const content = captureToHar(records(proxy)).log.entries[0]!.response.content;
    expect(content.text).toBe('\ufeffhi');
  });
});
