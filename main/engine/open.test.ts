// Opening a file in the engine, beside the live proxy: the work stays in proportion to
// the file (no step repeated per response), and what cannot be cut into slices (parsing a
// HAR, writing one) happens in a worker thread, not on the relay's event loop.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeRow } from '../../shared/api';
import { writeCaptureFile } from '../capture/write-file';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { Engine } from './engine';
import { FINAL, INTERIM, writeInterimCapture } from './test-support/interim-capture';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function engine(reverse: { host: string; port: number } | null = null): Promise<{ engine: Engine; rows: Map<string, ExchangeRow>; proxy: string }> {
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse, stallSeconds: 2 });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const rows = new Map<string, ExchangeRow>();
  engine.onUpdate((batch) => {
    if (batch.reset) rows.clear();
    for (const row of batch.rows ?? []) rows.set(row.id, row);
  });
  return { engine, rows, proxy };
}

/** Count what a method of a built-in does while `run` runs (in this thread only). */
async function counting<T>(object: object, method: string, count: (self: unknown, args: unknown[]) => number, run: () => Promise<T>): Promise<{ result: T; count: number }> {
  const target = object as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method]!;
  let total = 0;
  target[method] = function (this: unknown, ...args: unknown[]) {
    total += count(this, args);
    return original.apply(this, args);
  };
  try {
    return { result: await run(), count: total };
  } finally {
    target[method] = original;
  }
}

describe('opening a file beside the live proxy', () => {
  it('200,000 interim responses to one request: one row, and no response is moved once per other response (that took 41 s)', async () => {
    const { engine: e, rows } = await engine();
    const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-open-')), 'interim.cscap');
    writeInterimCapture(path, 200_000);
    // Putting each interim response in front of those found so far moved every one of
    // them once per flush and per response: n² element moves for n responses.
    const { count: moved } = await counting(Array.prototype, 'unshift', (self) => (self as unknown[]).length, () => e.openCapture({ path }));
    expect(moved).toBeLessThan(200_000);
    expect([...rows.values()]).toMatchObject([{ id: '1:0', method: 'POST', status: 200, state: 'complete', responseBytes: 200_000 * INTERIM.length + FINAL.length }]);
  });

  it('back to live traffic while a file still loads: the file stops loading and live rows show', async () => {
    const server = await origin([request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), fin()]);
    cleanups.push(() => server.close());
    const { engine: e, rows, proxy } = await engine({ host: '127.0.0.1', port: server.port });
    const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-open-')), 'interim.cscap');
    writeInterimCapture(path, 200_000);
    const opening = e.openCapture({ path });
    await new Promise((resolve) => setImmediate(resolve)); // the load has begun
    expect(e.info().loading).not.toBeNull();
    e.setCapturing({ on: true });
    expect(e.info()).toMatchObject({ capturing: true, viewing: null, loading: null });
    expect((await curl([`${proxy}/live`])).status).toBe(0);
    await eventually(() => rows.get('1:0')?.path === '/live' && rows.get('1:0')?.status === 200, 5000, 'the live row');
    await opening;
    expect(e.info()).toMatchObject({ capturing: true, viewing: null, loading: null });
  });

  it('a HAR is parsed and written in a worker thread: the relay’s thread never parses or builds its JSON', async () => {
    const { engine: e, rows } = await engine();
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-open-'));
    // A capture of 2,000 exchanges, saved as HAR, then opened again.
    const capture = join(dir, 'many.cscap');
    writeCaptureFile(capture, (function* () {
      yield { type: 'session', version: 1, startedAt: new Date(0).toISOString(), tool: 'test', mode: 'reverse', listen: '', reverse: null } as const;
      yield { type: 'open', connection: 1, time: 0, client: '127.0.0.1:50000', mode: 'reverse' } as const;
      for (let i = 0; i < 2000; i++) {
        yield { type: 'data', connection: 1, stream: 0, generated: false, time: i / 1000, bytes: Buffer.from(`GET /item/${i} HTTP/1.1\r\nHost: origin.test\r\n\r\n`) } as const;
        yield { type: 'data', connection: 1, stream: 1, generated: false, time: i / 1000, bytes: Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n') } as const;
      }
      yield { type: 'end', time: 2 } as const;
    })());
    await e.openCapture({ path: capture });
    const har = join(dir, 'many.har');
    const text = (_self: unknown, args: unknown[]) => (typeof args[0] === 'string' ? args[0].length : 0);
    const written = await counting(JSON, 'stringify', (_self, args) => (args[0] && typeof args[0] === 'object' && 'log' in args[0] ? 1 : 0), () => e.saveHar({ path: har }));
    expect(written.result).toEqual({ path: har, entries: 2000 });
    expect(written.count, 'HAR documents stringified on the relay’s thread').toBe(0);
    const size = readFileSync(har).length;
    const parsed = await counting(JSON, 'parse', text, () => e.openCapture({ path: har }));
    expect(parsed.result).toMatchObject({ imported: { kind: 'har' } });
    expect(parsed.count, 'characters of JSON parsed on the relay’s thread').toBeLessThan(size / 100);
    expect(rows.size).toBe(2000);
    expect(rows.get('1:1999')).toMatchObject({ path: '/item/1999', chunks: 1, terminator: 'present' });
    writeFileSync(join(dir, 'bad.har'), '{"log": {"entries": [');
    await expect(e.openCapture({ path: join(dir, 'bad.har') })).rejects.toThrow(/bad\.har|HAR|JSON/);
  });
});
