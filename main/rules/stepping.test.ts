// Breakpoints with real clients on loopback: a held response is released one chunk at a
// time and each client reads each chunk only after its release (the clients' own reads
// are the events: nothing here waits to prove that something did not happen); edits,
// drops and ends reach the client exactly as chosen; held messages hold nothing else.

import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange } from '../proxy/test-support/clients';
import { curlStream, fetchStream, heldProxy, lab, StepLog } from './test-support/held';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setUp(texts: string[], releaseAfterMs?: number) {
  const l = await lab();
  cleanups.push(() => l.close());
  const proxy = await heldProxy(l.origin, texts, releaseAfterMs);
  cleanups.push(() => proxy.finish());
  return proxy;
}

const CHUNKS = 4;

describe('a response stepped one chunk at a time', () => {
  for (const [client, open] of [
    ['curl --no-buffer', curlStream],
    ["Node's fetch reading the stream", fetchStream],
  ] as const) {
    it(`${client} reads each chunk only after its release`, async () => {
      const proxy = await setUp(['break-response:0 path:/drip']);
      const log = new StepLog();
      const reader = open(`${proxy.url}/drip?chunks=${CHUNKS}&delay=0`, log.read);
      for (let k = 1; k <= CHUNKS; k++) {
        // Everything the lab sent is at the proxy already: only the hold keeps chunk k back.
        const held = await proxy.whenHeld((h) => h.state === 'held' && h.chunk === k - 1 && h.next?.complete === true && h.senderEnded === null, `before chunk #${k}`);
        expect(held).toMatchObject({ direction: 'response', before: 'chunk', where: `before chunk #${k} (${k - 1} chunk${k === 2 ? '' : 's'} delivered)`, next: { sizeToken: '7', queued: 7 } });
        expect(log.entries.filter((e) => e.startsWith('data'))).toHaveLength(k - 1);
        log.entries.push(`release ${k}`);
        proxy.stepping.step(held, { action: 'next' });
        await log.until(`drip ${k}`);
      }
      const last = await proxy.whenHeld((h) => h.before === 'last-chunk', 'before the last chunk');
      proxy.stepping.step(last, { action: 'next' });
      const result = await reader.done;
      expect(result.status).toBe(client === 'curl --no-buffer' ? 0 : 200);
      expect(log.entries).toEqual(Array.from({ length: CHUNKS }, (_, i) => [`release ${i + 1}`, `data drip ${i + 1}`]).flat());
      expect(proxy.stepping.list()).toEqual([]);
      const events = await proxy.ruleEvents();
      expect(events.map((e) => e.effect)).toEqual([
        'held the response before chunk #1 (0 chunks delivered)',
        ...Array.from({ length: CHUNKS }, (_, i) => `released chunk #${i + 1} as the server sent it`),
        'released the last chunk as the server sent it',
      ]);
      expect(events.every((e) => e.rule === 'break-response:0 path:/drip' && e.direction === 'response' && e.exchange === 0)).toBe(true);
    });
  }

  it('drop the last chunk from a held response: curl exits 18 (transfer closed with outstanding read data)', async () => {
    const proxy = await setUp(['break-response:2 path:/drip']);
    const reader = curlStream(`${proxy.url}/drip?chunks=${CHUNKS}&delay=0`, () => undefined);
    const held = await proxy.whenHeld((h) => h.chunk === 2, 'after 2 chunks');
    proxy.stepping.step(held, { action: 'drop-last-chunk' });
    const result = await reader.done;
    expect(result.status).toBe(18);
    expect(result.output).toBe('drip 1\ndrip 2\ndrip 3\ndrip 4\n');
    const report = await proxy.finish();
    expect(report.connections[0]!.exchanges[0]!.response!.anomalies.map((a) => a.code)).toContain('missing-terminator');
  });

  it('two held responses at once, and a third connection flows meanwhile', async () => {
    const proxy = await setUp(['break-response:1 path:/drip']);
    const logs = [new StepLog(), new StepLog()];
    const first = curlStream(`${proxy.url}/drip?chunks=3&delay=0`, logs[0]!.read);
    const second = curlStream(`${proxy.url}/drip?chunks=3&delay=0`, logs[1]!.read);
    await proxy.whenHeld(() => proxy.stepping.list().length === 2, 'two responses');
    // Chunk #1 was written to each client's socket when it was held; curl prints it when it reads it.
    await Promise.all(logs.map((log) => log.until('drip 1')));
    const third = await rawExchange(proxy.port, 'GET /ok HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
    expect(third.end).toBe('fin');
    expect(third.received.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n0\r\n\r\n$/);
    // Each still held where it was, with the first chunk delivered.
    expect(proxy.stepping.list().map((h) => [h.state, h.chunk])).toEqual([
      ['held', 1],
      ['held', 1],
    ]);
    expect([first.received(), second.received()]).toEqual(['drip 1\n', 'drip 1\n']);
    for (const held of proxy.stepping.list()) proxy.stepping.step(held, { action: 'rest' });
    expect((await first.done).output).toBe('drip 1\ndrip 2\ndrip 3\n');
    expect((await second.done).output).toBe('drip 1\ndrip 2\ndrip 3\n');
  });
});

describe('edits and ends reach the client exactly as chosen', () => {
  it("a chunk's data and size line, edited: the client receives exactly those bytes; the capture keeps both framings", async () => {
    const proxy = await setUp(['break-response:1 path:/drip']);
    const client = rawExchange(proxy.port, 'GET /drip?chunks=3&delay=0 HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
    const held = await proxy.whenHeld((h) => h.chunk === 1 && h.queuedChunks === 1, 'before chunk #2');
    proxy.stepping.step(held, { action: 'edit', sizeLine: '0A;edited=1', data: Buffer.from('EDITED 2!\n') });
    expect(proxy.stepping.list()[0]).toMatchObject({ edited: { head: false, sizeLine: '0A;edited=1', dataLength: 10 } });
    proxy.stepping.step(held, { action: 'next' });
    const next = await proxy.whenHeld((h) => h.chunk === 2, 'before chunk #3');
    proxy.stepping.step(next, { action: 'edit', data: Buffer.from('3\n') });
    proxy.stepping.step(next, { action: 'rest' });
    const { received, end } = await client;
    expect(end).toBe('fin');
    const body = received.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n');
    expect(body).toBe('7\r\ndrip 1\n\r\n0A;edited=1\r\nEDITED 2!\n\r\n2\r\n3\n\r\n0\r\n\r\n');
    const events = await proxy.ruleEvents();
    expect(events.map((e) => e.effect)).toContain('sent chunk #2 edited: size line "0A;edited=1" (the server sent "7"), 10 bytes of data (the server\'s: 7 bytes)');
    expect(events.map((e) => e.effect)).toContain('sent chunk #3 edited: size line "2" (the server sent "7"), 2 bytes of data (the server\'s: 7 bytes)');
    const report = await proxy.finish();
    const delivered = report.connections[0]!.exchanges[0]!.response!;
    expect(delivered.chunks!.map((c) => c.sizeToken)).toEqual(['7', '0A', '2']);
  });

  it('the head, edited while held: the client gets the new status and fields', async () => {
    const proxy = await setUp(['break-response path:/drip']);
    const client = rawExchange(proxy.port, 'GET /drip?chunks=1&delay=0 HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
    const held = await proxy.whenHeld((h) => h.head !== null, 'the head');
    expect(held.head).toMatch(/^HTTP\/1\.1 200 OK\n/);
    proxy.stepping.step(held, { action: 'edit', head: held.head!.replace('200 OK', '299 Edited') + '\nX-Edited: by hand' });
    proxy.stepping.step(held, { action: 'rest' });
    const { received } = await client;
    expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 299 Edited\r\n[\s\S]*\r\nX-Edited: by hand\r\n\r\n7\r\ndrip 1\n\r\n0\r\n\r\n$/);
  });

  it('end with an RST: the client sees a reset (curl exits 56)', async () => {
    const proxy = await setUp(['break-response:1 path:/drip']);
    // curl, not a Node socket: Node reports data that comes just before an RST as data then an end.
    const client = curlStream(`${proxy.url}/drip?chunks=3&delay=0`, () => undefined);
    const held = await proxy.whenHeld((h) => h.chunk === 1, 'before chunk #2');
    proxy.stepping.step(held, { action: 'end', how: 'rst' });
    const result = await client.done;
    expect(result.status).toBe(56);
    expect(result.stderr).toContain('Connection reset by peer');
    expect(result.output).toBe('drip 1\n');
    const report = await proxy.finish();
    expect(report.connections[0]!.closes).toContainEqual(expect.objectContaining({ side: 'client', kind: 'rst', by: 'proxy' }));
  });

  it('a client that half-closes while its response is held is told so, and still gets the rest once released', async () => {
    const proxy = await setUp(['break-response:1 path:/drip']);
    const client = rawExchange(proxy.port, 'GET /drip?chunks=2&delay=0 HTTP/1.1\r\nHost: lab\r\n\r\n', { halfClose: true });
    const held = await proxy.whenHeld((h) => h.receiverEnded !== null, 'the client FIN said');
    expect(held).toMatchObject({ chunk: 1, receiverEnded: 'the client closed the connection (FIN)' });
    proxy.stepping.step(held, { action: 'rest' });
    const { received, end } = await client;
    expect(received.toString('latin1')).toMatch(/\r\n\r\n7\r\ndrip 1\n\r\n7\r\ndrip 2\n\r\n0\r\n\r\n$/);
    expect(end).toBe('fin');
  });

  it('end with a FIN: the client sees the connection closed after what it had', async () => {
    const proxy = await setUp(['break-response:1 path:/drip']);
    const client = rawExchange(proxy.port, 'GET /drip?chunks=3&delay=0 HTTP/1.1\r\nHost: lab\r\n\r\n');
    const held = await proxy.whenHeld((h) => h.chunk === 1, 'before chunk #2');
    proxy.stepping.step(held, { action: 'end', how: 'fin' });
    const { received, end } = await client;
    expect(end).toBe('fin');
    expect(received.toString('latin1')).toMatch(/\r\n\r\n7\r\ndrip 1\n\r\n$/);
  });

  it('nobody steps it: the timeout releases the rest, and the capture says so', async () => {
    const proxy = await setUp(['break-response:1 path:/drip'], 50);
    const client = rawExchange(proxy.port, 'GET /drip?chunks=3&delay=0 HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
    const { received, end } = await client;
    expect(end).toBe('fin');
    expect(received.toString('latin1')).toMatch(/\r\n\r\n7\r\ndrip 1\n\r\n7\r\ndrip 2\n\r\n7\r\ndrip 3\n\r\n0\r\n\r\n$/);
    expect(proxy.seen.some((list) => list.length === 1 && list[0]!.releaseAt !== null)).toBe(true);
    const events = await proxy.ruleEvents();
    expect(events.map((e) => e.effect)).toEqual(['held the response before chunk #2 (1 chunk delivered)', 'released the rest (before chunk #2 (1 chunk delivered)) as the server sends it: nobody stepped it for 50 ms']);
  });
});
