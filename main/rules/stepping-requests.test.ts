// Breakpoints on requests (the body stepped to the origin one chunk at a time, the
// client's FIN kept behind it), on decrypted HTTPS, and the memory a hold may take: the
// sender's reads stop while too much is queued, and go on once the user releases it.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../../shared/rules';
import { isSpanEvent } from '../../shared/http1';
import { Http1Parser } from '../http1';
import { rawExchange } from '../proxy/test-support/clients';
import { PUMP_HIGH_WATER } from './pump';
import { RelayRules, type Holdable, type RulesHost } from './relay-rules';
import { Stepping } from './stepping';
import { curlStream, heldProxy, lab, rules, StepLog } from './test-support/held';
import type { HeldMessage } from '../../shared/breakpoints';
import { fin, request, write } from '../proxy/test-support/origin';
import { interceptingProxy, tlsOrigin, tlsWorld } from '../tls/test-support/tls-world';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An origin that logs each chunk of data it reads (as lines) and its client's FIN, and answers each request. */
async function loggingOrigin(log: StepLog): Promise<{ port: number; heads: string[] }> {
  const heads: string[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const parser = new Http1Parser('request');
    let at = 0;
    let head = '';
    socket.on('data', (bytes: Buffer) => {
      const base = at;
      at += bytes.length;
      for (const e of parser.feed(bytes)) {
        const text = isSpanEvent(e) ? bytes.subarray(Math.max(0, e.offset - base), e.offset - base + e.length).toString('latin1') : '';
        if (e.type === 'start-line' || e.type === 'header') head += text;
        if (e.type === 'head-end') heads.push(head);
        if (e.type === 'chunk-data') log.read(text);
        if (e.type === 'message-complete') socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      }
    });
    socket.on('end', () => {
      log.entries.push('origin read the FIN');
      socket.end();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as net.AddressInfo).port, heads };
}

const PARTS = 3;
const POST = `POST /upload HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n${Array.from({ length: PARTS }, (_, i) => `7\r\npart ${i + 1}\n\r\n`).join('')}0\r\n\r\n`;

describe('a held request', () => {
  it('sends its body to the origin one chunk per step; the client\'s FIN goes after it', async () => {
    const log = new StepLog();
    const origin = await loggingOrigin(log);
    const proxy = await heldProxy({ host: '127.0.0.1', port: origin.port }, ['break-request:0 method:POST']);
    cleanups.push(() => proxy.finish());
    // The whole request and the client's FIN, at once: only the hold keeps them back.
    const client = rawExchange(proxy.port, POST, { halfClose: true });
    for (let k = 1; k <= PARTS; k++) {
      // Everything the client sent, its FIN too, is at the proxy.
      const held = await proxy.whenHeld((h) => h.state === 'held' && h.chunk === k - 1 && h.next?.complete === true && h.senderEnded !== null, `before chunk #${k}`);
      expect(held).toMatchObject({ direction: 'request', rule: 'break-request:0 method:POST', senderEnded: 'the client closed the connection (FIN)' });
      log.entries.push(`release ${k}`);
      proxy.stepping.step(held, { action: 'next' });
      await log.until(`part ${k}`);
    }
    const last = await proxy.whenHeld((h) => h.before === 'last-chunk', 'before the last chunk');
    log.entries.push('release the last chunk');
    proxy.stepping.step(last, { action: 'next' });
    const { received, end } = await client;
    expect(received.toString('latin1')).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    expect(end).toBe('fin');
    expect(log.entries).toEqual([...Array.from({ length: PARTS }, (_, i) => [`release ${i + 1}`, `data part ${i + 1}`]).flat(), 'release the last chunk', 'origin read the FIN']);
    const events = await proxy.ruleEvents();
    expect(events[0]).toMatchObject({ direction: 'request', exchange: 0, effect: 'held the request before chunk #1 (0 chunks delivered)' });
  });

  it('held before its head: the request line and fields are edited before the origin sees them', async () => {
    const log = new StepLog();
    const origin = await loggingOrigin(log);
    const proxy = await heldProxy({ host: '127.0.0.1', port: origin.port }, ['break-request path:/upload']);
    cleanups.push(() => proxy.finish());
    const client = rawExchange(proxy.port, POST);
    const held = await proxy.whenHeld((h) => h.head !== null, 'the head');
    expect(held.head).toBe('POST /upload HTTP/1.1\nHost: lab\nTransfer-Encoding: chunked');
    proxy.stepping.step(held, { action: 'edit', head: 'POST /upload?edited=1 HTTP/1.1\nHost: lab\nX-Edited: yes\nTransfer-Encoding: chunked' });
    proxy.stepping.step(held, { action: 'rest' });
    expect((await client).received.toString('latin1')).toMatch(/ok$/);
    expect(origin.heads).toEqual(['POST /upload?edited=1 HTTP/1.1\r\nHost: lab\r\nX-Edited: yes\r\nTransfer-Encoding: chunked\r\n']);
  });
});

describe('through HTTPS interception', () => {
  it('a decrypted response is held and stepped like a plain one', async () => {
    const world = await tlsWorld();
    const server = await tlsOrigin(world, [request(), write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nsecret1\r\n7\r\nsecret2\r\n0\r\n\r\n'), fin()]);
    cleanups.push(() => server.close());
    let heard: () => void = () => undefined;
    const stepping = new Stepping({ changed: () => heard() });
    const proxy = await interceptingProxy(world, {}, { rules: () => rules('break-response:1 path:/feed'), stepping });
    cleanups.push(() => proxy.finish());
    const client = curlStream(`${server.httpsUrl}/feed`, () => undefined, ['--cacert', world.caFile, '-x', proxy.url]);
    const held = await new Promise<HeldMessage>((resolve) => {
      heard = () => {
        const found = stepping.list().find((h) => h.chunk === 1 && h.next?.complete);
        if (found) resolve(found);
      };
    });
    expect(held).toMatchObject({ direction: 'response', where: 'before chunk #2 (1 chunk delivered)', next: { sizeToken: '7', complete: true } });
    stepping.step(held, { action: 'edit', data: Buffer.from('public') });
    stepping.step(held, { action: 'rest' });
    expect((await client.done).output).toBe('secret1public');
  });
});

describe('the memory a hold takes', () => {
  /** Rules with a fake relay: what reaches the client, and whether the origin's reads are paused. */
  function ruled(list: Rule[]) {
    const paused = new Set<string>();
    const origin: Holdable = { hold: (reason) => paused.add(reason), release: (reason) => paused.delete(reason) };
    const client: Holdable = { hold: () => undefined, release: () => undefined };
    let delivered = 0;
    const stepping = new Stepping();
    const host: RulesHost = {
      toOrigin: () => undefined,
      toClient: (bytes) => (delivered += bytes.length),
      applied: () => undefined,
      fromOrigin: () => undefined,
      end: () => undefined,
      resetBoth: () => undefined,
      flow: (side) => (side === 'origin' ? origin : client),
      stepping: { stepping, connection: 1, owner: null, canHold: () => true },
    };
    const relay = new RelayRules(() => list, host);
    return { relay, stepping, paused, delivered: () => delivered };
  }

  it("the origin's reads stop once a held response queues the high-water mark, and go on when it is released", () => {
    const { relay, stepping, paused, delivered } = ruled(rules('break-response:0'));
    relay.fromClient([Buffer.from('GET /big HTTP/1.1\r\nHost: lab\r\n\r\n')]);
    relay.fromOrigin(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'));
    const chunk = Buffer.from(`4000\r\n${'a'.repeat(0x4000)}\r\n`);
    let reads = 0;
    const readUntilPaused = () => {
      // The relay reads only while the origin's reads are not paused.
      for (let turn = 0; !paused.has('rules') && turn < 1000; turn++) {
        relay.fromOrigin(chunk);
        reads++;
      }
    };
    readUntilPaused();
    expect(reads).toBe(Math.ceil(PUMP_HIGH_WATER / chunk.length)); // bounded by the mark
    const [held] = stepping.list();
    expect(held).toMatchObject({ state: 'held', chunk: 0, queuedChunks: reads - 1 });
    expect(held!.queuedBytes).toBeGreaterThanOrEqual(PUMP_HIGH_WATER);
    // A step takes the queue below the mark: the origin's reads go on, and stop again at it.
    stepping.step(held!, { action: 'next' });
    expect(paused.has('rules')).toBe(false);
    readUntilPaused();
    expect(reads).toBe(Math.ceil(PUMP_HIGH_WATER / chunk.length) + 1);
    stepping.step(held!, { action: 'rest' });
    expect(paused.has('rules')).toBe(false);
    expect(delivered()).toBe('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'.length + reads * chunk.length);
  });

  it('a held message never given its turn (an earlier response stalled for good) keeps nothing of what comes', () => {
    const { relay, stepping, delivered } = ruled(rules('stall-after-chunks:1 path:/first', 'break-response path:/second'));
    relay.fromClient([Buffer.from('GET /first HTTP/1.1\r\nHost: lab\r\n\r\nGET /second HTTP/1.1\r\nHost: lab\r\n\r\n')]);
    const first = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n';
    relay.fromOrigin(Buffer.from(first));
    const sentBefore = delivered();
    const gate = stepping.hold({ connection: 1, exchange: 9, direction: 'response', rule: 'break-response', owner: null }, null, { bytes: () => undefined, applied: () => undefined, end: () => undefined, count: () => undefined }, () => undefined)!;
    gate.abandon();
    const chunk = Buffer.from(`4000\r\n${'a'.repeat(0x4000)}\r\n`);
    relay.fromOrigin(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'));
    for (let i = 0; i < 100; i++) relay.fromOrigin(chunk);
    expect(delivered()).toBe(sentBefore); // the stall holds for good: nothing more goes
    expect(stepping.list()).toEqual([]);
    const e = { type: 'chunk-data', message: 0, offset: 0, length: chunk.length, chunk: 0 } as const;
    gate.span(e, [chunk]);
    expect(gate.view().queuedBytes).toBe(0);
  });

  it('a 32 MiB response held on a real connection: what is queued stays bounded, and every byte arrives once released', async () => {
    const l = await lab();
    cleanups.push(() => l.close());
    const proxy = await heldProxy(l.origin, ['break-response:0 path:/big']);
    cleanups.push(() => proxy.finish());
    const client = curlStream(`${proxy.url}/big?mb=32`, () => undefined, ['-o', '/dev/null', '-w', '%{size_download}']);
    const held = await proxy.whenHeld((h) => h.queuedBytes >= PUMP_HIGH_WATER, 'a queue at the high-water mark');
    for (let k = 0; k < 3; k++) proxy.stepping.step(held, { action: 'next' });
    proxy.stepping.step(held, { action: 'rest' });
    const result = await client.done;
    expect(result.status).toBe(0);
    expect(Number(result.output)).toBe(32 * 1024 * 1024);
    // Past the mark, at most one more read (the origin's reads grow to 1 MiB) is queued.
    const most = Math.max(...proxy.seen.flat().map((h) => h.queuedBytes));
    expect(most).toBeLessThanOrEqual(PUMP_HIGH_WATER + 1024 * 1024 + 64 * 1024);
  });
});
