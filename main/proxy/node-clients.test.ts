// Node's own clients see through the proxy what they see directly: the same body, the
// same error (http through the forward proxy, http and fetch through the reverse proxy).

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { startProxy } from './test-support/harness';
import { fin, origin, request, rst, wait, write, type Step } from './test-support/origin';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Outcome {
  status: number | null;
  body: string;
  error: string | null;
}

function viaHttp(options: http.RequestOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ ...options, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? null, body, error: null }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode ?? null, body, error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: null, body: '', error: e.code ?? e.message }));
    req.end();
  });
}

async function viaFetch(url: string): Promise<Outcome> {
  try {
    const res = await fetch(url);
    try {
      return { status: res.status, body: await res.text(), error: null };
    } catch (e) {
      return { status: res.status, body: '', error: `${(e as Error).name}: ${(e as Error).message} (${String((e as { cause?: { code?: string } }).cause?.code ?? '')})` };
    }
  } catch (e) {
    return { status: null, body: '', error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const scenarios: [string, Step[]][] = [
  ['a complete chunked response', [request(), write(response({ chunks: [{ data: 'hello ' }, { data: 'world' }] })), fin()]],
  ['two chunks then FIN without the last chunk', [request(), write(response({ chunks: [1500, 1405], terminator: false })), wait(20), fin()]],
  ['an RST in the middle of a chunk', [request(), write(response({ chunks: [1500, 1405], terminator: false }).subarray(0, 2259)), wait(50), rst()]],
];

describe.each(scenarios)('%s', (_name, steps) => {
  it('node:http through the forward proxy: same status, body and error as directly', async () => {
    const server = await origin(steps);
    cleanups.push(() => server.close());
    const proxy = await startProxy();
    cleanups.push(() => proxy.finish());
    const direct = await viaHttp({ host: '127.0.0.1', port: server.port, path: '/x' });
    const proxied = await viaHttp({ host: '127.0.0.1', port: proxy.port, path: `${server.url}/x`, headers: { Host: `127.0.0.1:${server.port}` } });
    expect(proxied).toEqual(direct);
  });

  it('fetch through the reverse proxy: same status, body and error as directly', async () => {
    const server = await origin(steps);
    cleanups.push(() => server.close());
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: server.port } });
    cleanups.push(() => proxy.finish());
    const direct = await viaFetch(`${server.url}/x`);
    const proxied = await viaFetch(`${proxy.url}/x`);
    expect(proxied).toEqual(direct);
    const report = await proxy.finish();
    expect(report.connections[0]!.exchanges[0]!.response!.response!.status).toBe(200);
  });
});
