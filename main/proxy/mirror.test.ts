// Mirror, don't mend: through the proxy, curl sees exactly what it sees directly, the
// same bytes (`curl -i --raw`) and the same exit status, against origins that
// misbehave on purpose; and the capture says what happened.

import { afterEach, describe, expect, it } from 'vitest';
import { join, response, text } from '../http1/test-support/builders';
import type { CaptureReport } from '../analysis/capture-analysis';
import type { Stall } from './stalls';
import { curl, rawExchange } from './test-support/clients';
import { startProxy } from './test-support/harness';
import { fin, hold, origin, request, rst, wait, write, type Step } from './test-support/origin';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function scenario(steps: Step[], options: { reverse?: boolean; curlArgs?: string[]; path?: string; stallSeconds?: number; stalls?: Stall[] } = {}) {
  const server = await origin(steps);
  cleanups.push(() => server.close());
  const proxy = await startProxy({
    reverse: options.reverse ? { host: '127.0.0.1', port: server.port } : null,
    stallSeconds: options.stallSeconds,
    listener: options.stalls ? { stalled: (s) => options.stalls!.push({ ...s }), resumed: (s) => options.stalls!.push({ ...s }) } : undefined,
  });
  cleanups.push(() => proxy.finish());
  const path = options.path ?? '/feed';
  const args = options.curlArgs ?? [];
  const direct = await curl([...args, `${server.url}${path}`]);
  const proxied = options.reverse ? await curl([...args, `${proxy.url}${path}`]) : await curl([...args, '-x', proxy.url, `${server.url}${path}`]);
  const report = await proxy.finish();
  return { server, proxy, direct, proxied, report };
}

function only(report: CaptureReport) {
  expect(report.connections).toHaveLength(1);
  return report.connections[0]!;
}

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });

describe('through the forward proxy, curl sees what it sees directly', () => {
  it('two chunks then FIN without the last chunk: same bytes, curl exits 18 both ways', async () => {
    const { direct, proxied, report } = await scenario([request(), write(twoChunksNoEnd), wait(20), fin()]);
    expect(direct.status).toBe(18);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const c = only(report);
    const exchange = c.exchanges[0]!;
    expect(exchange.response!.chunks!.map((ch) => ch.sizeToken)).toEqual(['5DC', '57D']);
    expect(exchange.response!.anomalies.map((a) => a.code)).toEqual(['missing-terminator']);
    expect(exchange.response!.anomalies[0]!.message).toContain('the server closed the connection (FIN) after chunk #2');
    expect(c.closes.slice(0, 2).map((x) => [x.side, x.kind, x.by])).toEqual([
      ['upstream', 'fin', 'peer'],
      ['client', 'fin', 'proxy'],
    ]);
  });

  it('RST in the middle of a chunk: same bytes, same exit status, and the RST is an RST', async () => {
    const partial = twoChunksNoEnd.subarray(0, twoChunksNoEnd.length - 707); // 700 of the 1,405 bytes of chunk #2
    const { direct, proxied, report } = await scenario([request(), write(partial), wait(50), rst()]);
    expect(direct.status).toBe(56); // curl: failure receiving data (connection reset)
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const c = only(report);
    expect(c.exchanges[0]!.response!.anomalies.map((a) => a.code)).toEqual(['truncated-chunk-data']);
    expect(c.exchanges[0]!.response!.anomalies[0]!.message).toContain('the server reset the connection (RST) in the middle of chunk #2: 700 of 1,405 bytes arrived');
    expect(c.closes.slice(0, 2).map((x) => [x.side, x.kind, x.by])).toEqual([
      ['upstream', 'rst', 'peer'],
      ['client', 'rst', 'proxy'],
    ]);
  });

  it('a stall is reported live with what the parser waits for, and the bytes are unchanged', async () => {
    const whole = response({ chunks: [{ data: 'first ' }, { data: 'second' }] });
    const cut = 47 + 3 + 6 + 2; // after the first chunk
    const stalls: Stall[] = [];
    const { direct, proxied, report } = await scenario([request(), write(whole.subarray(0, cut)), wait(900), write(whole.subarray(cut)), fin()], { stallSeconds: 0.3, stalls });
    expect(direct.status).toBe(0);
    expect(proxied.status).toBe(0);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const stalled = stalls.find((s) => s.stall.direction === 'response' && s.stall.waiting.what === 'chunk-size-line');
    expect(stalled, JSON.stringify(stalls.map((s) => s.stall))).toBeDefined();
    expect(stalled!.stall.waiting.chunk).toBe(2);
    const resumed = stalls.at(-1)!;
    expect(resumed.stall).toMatchObject({ ongoing: false, endedBy: 'bytes' });
    expect(resumed.stall.seconds).toBeGreaterThan(0.5);
    expect(only(report).exchanges[0]!.response!.complete).toBe(true);
  });

  it('trailers arrive as sent and are in the capture', async () => {
    const withTrailers = response({ chunks: [{ data: 'hello' }], trailers: [['Checksum', 'abc'], ['Expires', 'never']] });
    const { direct, proxied, report } = await scenario([request(), write(withTrailers), fin()]);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(only(report).exchanges[0]!.response!.trailers).toEqual([
      ['Checksum', 'abc'],
      ['Expires', 'never'],
    ]);
  });

  it('a 100 Continue before the final response is kept as an interim response', async () => {
    const bytes = join(text('HTTP/1.1 100 Continue\r\n\r\n'), response({ chunks: [{ data: 'done' }] }));
    const { direct, proxied, report } = await scenario([request(), write(bytes), fin()]);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const exchange = only(report).exchanges[0]!;
    expect(exchange.informational.map((m) => m.response?.status)).toEqual([100]);
    expect(exchange.response!.response!.status).toBe(200);
  });

  it('a response to HEAD has no body, even when it says chunked', async () => {
    const head = text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const { direct, proxied, report } = await scenario([request(), write(head), hold()], { curlArgs: ['-I'] });
    expect(direct.status).toBe(0);
    expect(proxied.status).toBe(0);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const exchange = only(report).exchanges[0]!;
    expect(exchange.request!.request!.method).toBe('HEAD');
    expect(exchange.response).toMatchObject({ framing: 'none', complete: true });
  });

  it('a malformed chunk size (0x10) fails the same way', async () => {
    const bad = text(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x10\r\n${'a'.repeat(16)}\r\n0\r\n\r\n`);
    const { direct, proxied, report } = await scenario([request(), write(bad), fin()]);
    // curl reads "0x10" as "0", a last chunk, and exits 0: the body is silently lost.
    // The point of the proxy is to say so while changing nothing.
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(only(report).exchanges[0]!.response!.anomalies.map((a) => [a.code, a.offset])).toEqual([['invalid-chunk-size', 48]]);
  });

  it('a bare LF after chunk data reaches the client unchanged', async () => {
    const bad = text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n');
    const { direct, proxied, report } = await scenario([request(), write(bad), fin()]);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(only(report).exchanges[0]!.response!.anomalies.map((a) => a.code)).toEqual(['bare-lf']);
  });

  it('the origin receives origin-form, and the rewrite is recorded', async () => {
    const { server, report } = await scenario([request(), write(response({ body: 'ok' })), fin()], { path: '/feed?x=1' });
    const viaProxy = server.connections[1]!.received.toString('latin1');
    expect(viaProxy.startsWith('GET /feed?x=1 HTTP/1.1\r\n')).toBe(true);
    const c = only(report);
    expect(c.rewrites).toEqual([{ offset: 4, length: `${server.url}/feed?x=1`.length, replacement: '/feed?x=1', reason: expect.stringContaining('origin-form') }]);
    expect(c.exchanges[0]!.request!.startLine).toBe(`GET ${server.url}/feed?x=1 HTTP/1.1`);
  });

  it('an origin that cannot be reached gives a 502 made by the proxy, with the reason in words', async () => {
    const proxy = await startProxy();
    cleanups.push(() => proxy.finish());
    const result = await curl(['-x', proxy.url, 'http://127.0.0.1:1/feed']);
    expect(result.status).toBe(0);
    const textOut = result.output.toString('latin1');
    expect(textOut).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(textOut).toContain('Chunkscope could not connect to 127.0.0.1:1: connection refused: nothing is listening there (ECONNREFUSED).');
    const c = only(await proxy.finish());
    expect(c.upstreamFailure).toMatchObject({ target: '127.0.0.1:1', reason: expect.stringContaining('ECONNREFUSED') });
    expect(c.exchanges[0]!.response).toMatchObject({ generated: true, response: { status: 502 } });
  });
});

describe('through the reverse proxy', () => {
  it('two chunks then FIN: same bytes, same exit status', async () => {
    const { direct, proxied, report } = await scenario([request(), write(twoChunksNoEnd), wait(20), fin()], { reverse: true });
    expect(proxied.status).toBe(18);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(only(report).exchanges[0]!.response!.anomalies.map((a) => a.code)).toEqual(['missing-terminator']);
  });

  it('pipelined requests get the same bytes back, and three exchanges are recorded', async () => {
    const server = await origin([
      request(),
      request(),
      request(),
      write(join(response({ chunks: [{ data: 'one' }] }), response({ body: 'two' }), response({ chunks: [{ data: 'three' }], headers: [['Connection', 'close']] }))),
      fin(),
    ]);
    cleanups.push(() => server.close());
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: server.port } });
    const three = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n';
    const direct = await rawExchange(server.port, three);
    const proxied = await rawExchange(proxy.port, three);
    expect(proxied.end).toBe(direct.end);
    expect(proxied.received.equals(direct.received)).toBe(true);
    const c = only(await proxy.finish());
    expect(c.exchanges.map((e) => [e.request!.request!.target, e.response!.response!.status, e.response!.complete])).toEqual([
      ['/1', 200, true],
      ['/2', 200, true],
      ['/3', 200, true],
    ]);
  });
});

describe('CONNECT', () => {
  it('passes through as an opaque tunnel: recorded, not parsed', async () => {
    const server = await origin([request(), write(response({ chunks: [{ data: 'inside' }] })), fin()]);
    cleanups.push(() => server.close());
    const proxy = await startProxy();
    const direct = await curl([`${server.url}/t`]);
    const tunnelled = await curl(['-p', '-x', proxy.url, `${server.url}/t`]);
    expect(tunnelled.status).toBe(direct.status);
    // curl -i prints the proxy's CONNECT answer first; after it, the same bytes.
    const connectAnswer = 'HTTP/1.1 200 Connection Established\r\nX-Chunkscope: tunnel\r\n\r\n';
    expect(tunnelled.output.toString('latin1').startsWith(connectAnswer)).toBe(true);
    expect(tunnelled.output.subarray(connectAnswer.length).equals(direct.output)).toBe(true);
    const c = only(await proxy.finish());
    expect(c.tunnel).toMatchObject({ target: `127.0.0.1:${server.port}`, intercepted: false });
    expect(c.exchanges).toHaveLength(1);
    expect(c.exchanges[0]!.request!.request!.method).toBe('CONNECT');
    expect(c.exchanges[0]!.response).toMatchObject({ generated: true, response: { status: 200 } });
    expect(c.anomalies).toEqual([]); // the tunnel's bytes are not read as HTTP
    expect(c.received.bytes).toBeGreaterThan(connectAnswer.length + 47);
  });
});


describe('upstream connections in forward mode', () => {
  it('reuses one upstream connection for keep-alive requests to the same origin', async () => {
    const server = await origin([request(), write(response({ body: 'one' })), request(), write(response({ body: 'two' })), fin()]);
    cleanups.push(() => server.close());
    const proxy = await startProxy();
    const two = `GET ${server.url}/1 HTTP/1.1\r\nHost: a\r\n\r\nGET ${server.url}/2 HTTP/1.1\r\nHost: a\r\n\r\n`;
    const got = await rawExchange(proxy.port, two);
    expect(got.received.toString('latin1')).toContain('one');
    expect(got.received.toString('latin1')).toContain('two');
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]!.received.toString('latin1')).toBe('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const c = only(await proxy.finish());
    expect(c.upstreams).toHaveLength(1);
    expect(c.exchanges).toHaveLength(2);
  });

  it('opens a new upstream connection when the client asks another origin, after the first has answered', async () => {
    const first = await origin([request(), write(response({ body: 'from the first' })), hold()]);
    const second = await origin([request(), write(response({ body: 'from the second', headers: [['Connection', 'close']] })), fin()]);
    cleanups.push(() => first.close(), () => second.close());
    const proxy = await startProxy();
    const both = `GET ${first.url}/a HTTP/1.1\r\nHost: x\r\n\r\nGET ${second.url}/b HTTP/1.1\r\nHost: y\r\n\r\n`;
    const got = await rawExchange(proxy.port, both);
    const textGot = got.received.toString('latin1');
    expect(textGot.indexOf('from the first')).toBeGreaterThan(-1);
    expect(textGot.indexOf('from the second')).toBeGreaterThan(textGot.indexOf('from the first'));
    expect(first.connections).toHaveLength(1);
    expect(second.connections).toHaveLength(1);
    const c = only(await proxy.finish());
    expect(c.upstreams.map((u) => u.target)).toEqual([`127.0.0.1:${first.port}`, `127.0.0.1:${second.port}`]);
  });
});
