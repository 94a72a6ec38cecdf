// `replay --serve` answers clients whichever form of request target they send: a capture
// taken in forward mode (absolute-form targets) serves a client that connects to it
// directly (origin-form), and the other way round, matched by path with the host as a
// tie-breaker; a request it cannot read is answered 400 in words and logged, never left
// hanging.

import { afterEach, describe, expect, it } from 'vitest';
import { curl, rawExchange } from '../proxy/test-support/clients';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { startLab } from '../lab/lab';
import { CapturedSession } from './captured';
import { startReplayServer } from './serve';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A capture of `client`'s traffic through a forward proxy (reverse: in front of `reverse`). */
async function capture(client: (proxyUrl: string) => Promise<unknown>, reverse?: number): Promise<string> {
  const proxy = await startProxy(reverse ? { reverse: { host: '127.0.0.1', port: reverse } } : {});
  cleanups.push(() => proxy.finish());
  await client(proxy.url);
  await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish its connections');
  await proxy.finish();
  return proxy.capturePath;
}

async function replay(path: string, log: string[] = []) {
  const session = CapturedSession.open(path);
  const server = await startReplayServer(session, { log: (line) => log.push(line) });
  cleanups.push(async () => {
    await server.close();
    session.close();
  });
  return server;
}

/** An origin answering every connection with `body`. */
async function answering(body: string) {
  const o = await origin(() => [request(), write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`), fin()]);
  cleanups.push(() => o.close());
  return o;
}

describe('replay --serve matches origin-form and absolute-form targets by path', () => {
  it('a forward-mode capture answers a client that connects to the replay directly', async () => {
    const lab = await startLab({});
    cleanups.push(() => lab.close());
    let original!: Awaited<ReturnType<typeof curl>>;
    const path = await capture(async (proxy) => (original = await curl(['-x', proxy, `${lab.url}/no-terminator`])));
    const server = await replay(path);
    const direct = await curl([`${server.url}/no-terminator`]);
    expect(direct.status).toBe(18);
    expect(direct.output.equals(original.output)).toBe(true);
  });

  it('a reverse-mode capture answers a client that uses the replay as its proxy', async () => {
    const o = await answering('from the origin');
    const path = await capture((proxy) => curl([`${proxy}/thing?x=1`]), o.port);
    const server = await replay(path);
    const proxied = await curl(['-x', server.url, 'http://example.test/thing?x=1']);
    expect(proxied.output.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nfrom the origin$/);
  });

  it('the same path on two hosts: the host decides, as the absolute-form authority or the Host field', async () => {
    const a = await answering('from A');
    const b = await answering('from B');
    const path = await capture(async (proxy) => {
      await curl(['-x', proxy, `${a.url}/same`]);
      await curl(['-x', proxy, `${b.url}/same`]);
    });
    const server = await replay(path);
    expect((await curl(['-x', server.url, `${b.url}/same`])).output.toString('latin1')).toMatch(/from B$/);
    expect((await curl(['-H', `Host: 127.0.0.1:${b.port}`, `${server.url}/same`])).output.toString('latin1')).toMatch(/from B$/);
    expect((await curl(['-H', `Host: 127.0.0.1:${a.port}`, `${server.url}/same`])).output.toString('latin1')).toMatch(/from A$/);
  });

  it('says "the capture has no exchange" only when no path matches', async () => {
    const a = await answering('from A');
    const path = await capture((proxy) => curl(['-x', proxy, `${a.url}/here`]));
    const server = await replay(path);
    expect((await curl([`${server.url}/here`])).output.toString('latin1')).toMatch(/from A$/);
    const missing = await curl([`${server.url}/elsewhere`]);
    expect(missing.output.toString('latin1')).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*Chunkscope replay: the capture has no exchange for GET \/elsewhere\n$/);
  });
});

describe('replay --serve and a request it cannot read', () => {
  it('Transfer-Encoding: chunked sent twice: a 400 that says why, a log line, the connection closed', async () => {
    const a = await answering('from A');
    const path = await capture((proxy) => curl(['-x', proxy, `${a.url}/here`]));
    const log: string[] = [];
    const server = await replay(path, log);
    const result = await rawExchange(server.port, 'POST /here HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    const text = result.received.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('Connection: close\r\n');
    expect(text).toMatch(/\r\n\r\nChunkscope replay could not read this request: .*chunked appears 2 times in Transfer-Encoding.*\n$/);
    expect(result.end).toBe('fin');
    expect(log).toEqual([expect.stringMatching(/^r1 POST \/here: could not read the request \(te-chunked-repeated at byte \d+\): .*; answered 400$/)]);
  });
});
