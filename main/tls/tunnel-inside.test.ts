// What a client speaks inside its CONNECT tunnel decides what the intercepting proxy does
// with it: TLS is decrypted (https.test.ts); plain HTTP, which curl --proxytunnel and
// undici's ProxyAgent send, is relayed as plain HTTP and parsed, and the client sees what
// it sees through an ordinary proxy; a client waiting for its server to speak first gets
// the server's words; one that ends at once is answered with a FIN.

import net from 'node:net';
import { ProxyAgent, fetch } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { curl } from '../proxy/test-support/clients';
import { eventually, type Harness } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { interceptingProxy, tlsWorld, type TlsWorld } from './test-support/tls-world';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let world: TlsWorld;
beforeAll(async () => {
  world = await tlsWorld();
});

const feed = response({ chunks: [{ data: 'plain inside' }, 700] });

async function proxyWith(serverFirstMs?: number): Promise<Harness> {
  const proxy = await interceptingProxy(world, { serverFirstMs });
  cleanups.push(() => proxy.finish());
  return proxy;
}

/** A raw client: CONNECT, then whatever `then` does with the tunnel; the bytes it read, and how it ended. */
function tunnelClient(proxy: Harness, target: string, then: (socket: net.Socket) => void): Promise<{ bytes: string; ended: 'fin' | 'rst' }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(proxy.url).port), '127.0.0.1');
    let bytes = '';
    let connected = false;
    socket.on('data', (d) => {
      bytes += d.toString('latin1');
      if (!connected && bytes.includes('\r\n\r\n')) {
        connected = true;
        bytes = bytes.slice(bytes.indexOf('\r\n\r\n') + 4);
        then(socket);
      }
    });
    socket.on('error', () => resolve({ bytes, ended: 'rst' }));
    socket.on('close', () => resolve({ bytes, ended: 'rst' })); // reset by the client itself (an 'end' came first otherwise)
    socket.on('end', () => {
      socket.end();
      resolve({ bytes, ended: 'fin' });
    });
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

describe('plain HTTP inside a CONNECT tunnel', () => {
  it('curl --proxytunnel gets the same response as straight from the origin; the exchange is parsed; the CONNECT says what was inside', async () => {
    const server = await origin([request(), write(feed), fin()]);
    cleanups.push(() => server.close());
    const proxy = await proxyWith();
    const direct = await curl([`${server.url}/feed`]);
    const tunnelled = await curl(['--proxytunnel', '--suppress-connect-headers', '-x', proxy.url, `${server.url}/feed`]);
    expect(tunnelled.status, tunnelled.stderr).toBe(direct.status);
    expect(tunnelled.output.equals(direct.output)).toBe(true);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
    const report = await proxy.finish();
    const outer = report.connections.find((c) => c.tunnel);
    const inner = report.connections.find((c) => !c.tunnel && c.exchanges.length > 0);
    expect(outer?.account?.headline).toMatch(/^tunnel to 127\.0\.0\.1:\d+: plain HTTP inside, relayed as sent and parsed$/);
    expect(inner?.exchanges[0]?.request?.startLine).toBe('GET /feed HTTP/1.1');
    expect(inner?.exchanges[0]?.response?.chunks?.map((c) => c.sizeToken)).toEqual(['C', '2BC']);
    expect(inner?.exchanges[0]?.response?.lastChunk).not.toBeNull();
  });

  it("undici's ProxyAgent (which tunnels plain http through CONNECT) reads the body through Chunkscope", async () => {
    const server = await origin([request(), write(feed)]);
    cleanups.push(() => server.close());
    const proxy = await proxyWith();
    const agent = new ProxyAgent(proxy.url);
    cleanups.push(() => agent.close());
    const answer = await fetch(`${server.url}/feed`, { dispatcher: agent });
    expect(answer.status).toBe(200);
    expect((await answer.text()).startsWith('plain inside')).toBe(true);
  });

  it('a client waiting for its server to speak first hears it, after the short wait for a first byte', async () => {
    const greeter = net.createServer((socket) => {
      socket.write('220 greeter ready\r\n');
      socket.on('data', (d) => d.toString().startsWith('QUIT') && socket.end('221 bye\r\n'));
    });
    await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => greeter.close(resolve)));
    const proxy = await proxyWith(50);
    const target = `127.0.0.1:${(greeter.address() as net.AddressInfo).port}`;
    const seen = await tunnelClient(proxy, target, (socket) => {
      socket.on('data', (d) => d.toString().includes('220 greeter') && socket.write('QUIT\r\n'));
    });
    expect(seen).toEqual({ bytes: '220 greeter ready\r\n221 bye\r\n', ended: 'fin' });
  });

  it('a client that ends its tunnel before a byte is answered with a FIN, and the CONNECT ends so', async () => {
    const server = await origin([request(), write(feed)]);
    cleanups.push(() => server.close());
    const proxy = await proxyWith();
    const seen = await tunnelClient(proxy, new URL(server.url).host, (socket) => socket.end());
    expect(seen).toEqual({ bytes: '', ended: 'fin' });
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
    const report = await proxy.finish();
    expect(report.connections[0]!.closes.map((c) => [c.side, c.kind, c.by])).toEqual([
      ['client', 'fin', 'peer'],
      ['client', 'fin', 'proxy'],
    ]);
  });

  it('a client that resets its tunnel before a byte does not take Chunkscope down; the CONNECT ends with its RST', async () => {
    const server = await origin([request(), write(feed)]);
    cleanups.push(() => server.close());
    const proxy = await proxyWith();
    await tunnelClient(proxy, new URL(server.url).host, (socket) => socket.resetAndDestroy());
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
    const report = await proxy.finish();
    expect(report.connections[0]!.closes.map((c) => [c.side, c.kind, c.by])).toEqual([['client', 'rst', 'peer']]);
  });
});
