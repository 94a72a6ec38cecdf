// How connections end and how much they carry: half-closes, resets both ways, the
// keep-alive connection reset after 4,000 chunked POSTs, 200 connections at once, a
// slow reader, and no file descriptor left behind.

import { readdirSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Parser } from '../http1';
import { response } from '../http1/test-support/builders';
import { rawExchange } from './test-support/clients';
import { eventually, startProxy } from './test-support/harness';
import { fin, hold, origin, readUntilFin, request, write } from './test-support/origin';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function reverseTo(port: number) {
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port } });
  cleanups.push(() => proxy.finish());
  return proxy;
}

describe('half-closes are honoured in both directions', () => {
  it('the client half-closes after its request; the response still arrives', async () => {
    const server = await origin([readUntilFin(), write(response({ chunks: [{ data: 'after your FIN' }] })), fin()]);
    cleanups.push(() => server.close());
    const proxy = await reverseTo(server.port);
    const ask = 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\ndata';
    const direct = await rawExchange(server.port, ask, { halfClose: true });
    const proxied = await rawExchange(proxy.port, ask, { halfClose: true });
    expect(direct.end).toBe('fin');
    expect(proxied.end).toBe('fin');
    expect(proxied.received.equals(direct.received)).toBe(true);
    expect(server.connections[1]!.end).toBe('fin'); // the origin saw the client's FIN, mirrored
    const c = (await proxy.finish()).connections[0]!;
    expect(c.closes.map((x) => [x.side, x.kind, x.by])).toEqual([
      ['client', 'fin', 'peer'],
      ['upstream', 'fin', 'proxy'],
      ['upstream', 'fin', 'peer'],
      ['client', 'fin', 'proxy'],
    ]);
  });

  it('the origin half-closes first; the client can still send, and the origin gets it', async () => {
    const server = await origin([write('hello from a half-closed origin'), fin(), readUntilFin()]);
    cleanups.push(() => server.close());
    const proxy = await reverseTo(server.port);
    const got = await new Promise<string>((resolve) => {
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('end', () => {
        // The origin said FIN; our side is still open: send, then FIN.
        socket.end('late words');
        resolve(text);
      });
    });
    expect(got).toBe('hello from a half-closed origin');
    await eventually(() => server.connections[0]?.end === 'fin', 5000, 'the origin to see the FIN');
    expect(server.connections[0]!.received.toString('latin1')).toBe('late words');
  });
});

describe('resets are mirrored', () => {
  it('a client RST becomes an RST to the origin', async () => {
    const server = await origin([hold()]);
    cleanups.push(() => server.close());
    const proxy = await reverseTo(server.port);
    const socket = net.connect({ port: proxy.port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => (server.connections[0]?.received.length ?? 0) > 0, 5000, 'the request to arrive');
    socket.resetAndDestroy();
    await eventually(() => server.connections[0]!.end === 'rst', 5000, 'the origin to see an RST');
    const c = (await proxy.finish()).connections[0]!;
    expect(c.closes.map((x) => [x.side, x.kind, x.by])).toEqual([
      ['client', 'rst', 'peer'],
      ['upstream', 'rst', 'proxy'],
    ]);
    expect(c.exchanges[0]!.response).toBeNull();
  });
});

/** A client that sends a chunked POST, waits for its response, and sends the next. */
function postsUntilReset(port: number, limit: number): Promise<{ responses: number; sent: number; end: string }> {
  const post = Buffer.from('POST /items HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n', 'latin1');
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const parser = new Http1Parser('response');
    let responses = 0;
    let sent = 0;
    const next = () => {
      if (sent < limit) {
        sent++;
        socket.write(post);
      }
    };
    socket.on('connect', next);
    socket.on('data', (d) => {
      for (const e of parser.feed(d)) {
        if (e.type === 'message-complete') {
          responses++;
          next();
        }
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ responses, sent, end: e.code === 'ECONNRESET' ? 'rst' : e.code ?? 'error' }));
    socket.on('end', () => resolve({ responses, sent, end: 'fin' }));
  });
}

describe('the case from our users: a keep-alive connection reset after 4,000 chunked POSTs', () => {
  it('the client sees the RST after exactly 4,000 responses, through the proxy as directly', async () => {
    // An origin like IIS 6: answers 4,000 chunked POSTs on a connection, then resets it.
    const steps = [...Array.from({ length: 4000 }, () => [request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')]).flat(), request(), { kind: 'rst' as const }];
    const server = await origin(steps);
    cleanups.push(() => server.close());
    const direct = await postsUntilReset(server.port, 5000);
    expect(direct).toEqual({ responses: 4000, sent: 4001, end: 'rst' });
    const proxy = await reverseTo(server.port);
    const proxied = await postsUntilReset(proxy.port, 5000);
    expect(proxied).toEqual(direct);
    const c = (await proxy.finish()).connections[0]!;
    expect(c.exchanges).toHaveLength(4001);
    expect(c.exchanges.slice(0, 4000).every((e) => e.request!.complete && e.response?.complete)).toBe(true);
    expect(c.exchanges[4000]!.request!.complete).toBe(true);
    expect(c.exchanges[4000]!.response).toBeNull();
    expect(c.closes.slice(0, 2).map((x) => [x.side, x.kind, x.by])).toEqual([
      ['upstream', 'rst', 'peer'],
      ['client', 'rst', 'proxy'],
    ]);
  }, 120_000);
});

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('many connections, and nothing left behind', () => {
  it('relays 200 connections at once and leaves no file descriptor open', async () => {
    const server = await origin([request(), write(response({ chunks: [{ data: 'x'.repeat(100) }] })), fin()]);
    cleanups.push(() => server.close());
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: server.port } });
    const before = openDescriptors();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => rawExchange(proxy.port, `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`)));
    expect(results.every((r) => r.end === 'fin' && r.received.toString('latin1').endsWith('0\r\n\r\n'))).toBe(true);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'every relay to finish');
    await eventually(() => openDescriptors() <= before, 5000, `descriptors to return to ${before} (now ${openDescriptors()})`);
    const report = await proxy.finish();
    expect(report.connections).toHaveLength(200);
    expect(report.connections.every((c) => c.exchanges[0]!.response!.complete)).toBe(true);
  });

  it('a slow reader slows the origin: the proxy does not queue the body', async () => {
    const total = 64 * 1024 * 1024;
    const block = Buffer.alloc(1024 * 1024, 0x61);
    let written = 0;
    let waiting: (() => void) | null = null;
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`);
        const pump = () => {
          while (written < total) {
            written += block.length;
            if (!socket.write(block)) return socket.once('drain', pump);
          }
          socket.end();
        };
        pump();
        waiting?.();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port } });
    const client = net.connect({ port: proxy.port, host: '127.0.0.1' });
    client.pause(); // a reader that does not read
    client.write('GET /big HTTP/1.1\r\nHost: a\r\n\r\n');
    await new Promise<void>((resolve) => (waiting = resolve));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Only socket buffers hold bytes (about 7 MiB seen here): far less than the body.
    expect(written).toBeLessThan(16 * 1024 * 1024);
    let received = 0;
    client.on('data', (d) => (received += d.length));
    client.resume();
    await new Promise((resolve) => client.on('end', resolve));
    expect(received).toBeGreaterThan(total);
  }, 60_000);
});
