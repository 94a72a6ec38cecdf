import net from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../../shared/api';
import { isCapture } from '../capture/format';
import { response } from '../http1/test-support/builders';
import { Http1Parser } from '../http1';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, hold, request, rst, wait, write, type Step } from '../proxy/test-support/origin';
import { startedEngine } from './test-support/started';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function started(steps: Step[] | null, options: { stallSeconds?: number } = {}) {
  return startedEngine(steps, cleanups, options);
}

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });

describe('the engine: live rows', () => {
  it('a response whose last chunk never came, and the server FIN: one glance at the row', async () => {
    const { proxy, ui, row, engine } = await started([request(), write(twoChunksNoEnd), wait(200), fin()]);
    expect((await curl([`${proxy}/feed`])).status).toBe(18);
    await eventually(() => row('1:0')?.ended !== null && row('1:0')?.ended !== undefined, 5000, 'the row to show the end');
    expect(row('1:0')).toMatchObject({
      seq: 1,
      method: 'GET',
      path: '/feed',
      status: 200,
      framing: 'chunked',
      chunks: 2,
      terminator: 'missing',
      state: 'incomplete',
      bodyBytes: 2905,
      ended: { how: 'fin', who: 'server' },
      anomalies: { count: 1, errors: 1, codes: ['missing-terminator'] },
    });
    expect(ui.connections.get(1)).toMatchObject({ requests: 1, responses: 1, ended: { how: 'fin', who: 'server' } });

    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.response!.chunkColumns!.sizeTokens).toEqual(['5DC', '57D']);
    expect(detail.response!.chunkColumns!.sizes).toEqual([1500, 1405]);
    expect(detail.account.headline).toMatch(/^no last chunk: the server closed the connection \(FIN\) \d+ ms after chunk #2, at byte 2,966$/);
    const gap = Number(/(\d+) ms/.exec(detail.account.headline)![1]);
    expect(gap).toBeGreaterThanOrEqual(50); // the origin waited 200 ms before its FIN; a busy machine may read the last chunk late

    const raw = await engine.raw({ connection: 1, stream: 1, offset: 0, length: 100 });
    expect(raw.total).toBe(twoChunksNoEnd.length);
    expect(Buffer.from(raw.bytes, 'base64').equals(Buffer.from(twoChunksNoEnd.subarray(0, 100)))).toBe(true);
    expect(raw.spans.map((s) => [s.kind, s.offset, s.length])).toEqual([
      ['head', 0, 47],
      ['size-line', 47, 5], // "5DC\r\n": no extension between, so one run
      ['data', 52, 48],
    ]);
  });

  it('an RST in the middle of a chunk reads as a reset by the server', async () => {
    const { proxy, row, engine } = await started([request(), write(twoChunksNoEnd.subarray(0, 2259)), wait(50), rst()]);
    await curl([`${proxy}/feed`]);
    await eventually(() => row('1:0')?.ended?.how === 'rst', 5000, 'the RST on the row');
    expect(row('1:0')).toMatchObject({ terminator: 'missing', state: 'incomplete', ended: { how: 'rst', who: 'server' } });
    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.account.headline).toBe('no last chunk: the server reset the connection (RST) in the middle of chunk #2 (700 of 1,405 bytes), at byte 2,259');
  });

  it('a body still streaming shows live counters and rate, then a stall with the seconds waited', async () => {
    const first = response({ chunks: [{ data: 'x'.repeat(1000) }] }).subarray(0, 47 + 5 + 1000 + 2);
    const { proxy, row } = await started([request(), write(first), hold()], { stallSeconds: 0.3 });
    const client = net.connect({ port: Number(new URL(proxy).port), host: '127.0.0.1' });
    cleanups.push(async () => client.destroy());
    client.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
    await eventually(() => row('1:0')?.chunks === 1, 5000, 'the first chunk on the row');
    expect(row('1:0')).toMatchObject({ state: 'streaming', terminator: 'streaming', bodyBytes: 1000 });
    expect(row('1:0')!.rate).toBeGreaterThan(0);
    await eventually(() => (row('1:0')?.stalled?.seconds ?? 0) > 0.5, 5000, 'the stall to show its seconds');
    expect(row('1:0')!.stalled!.ongoing).toBe(true);
    expect(row('1:0')!.headline).toMatch(/^no last chunk yet: waiting (\d+ ms|\d+\.\d s) for the next chunk-size line \(chunk #2\), at byte 1,054$/);
  });
});

describe('the engine: sessions', () => {
  it('clear starts a new session; stop capture relays without showing', async () => {
    const { proxy, ui, engine } = await started([request(), write(response({ body: 'ok' })), fin()]);
    await curl([`${proxy}/a`]);
    await eventually(() => ui.rows.size === 1, 5000, 'a row');
    engine.clear();
    await eventually(() => ui.rows.size === 0 && ui.resets >= 2, 5000, 'the rows to go');
    engine.setCapturing({ on: false });
    expect((await curl([`${proxy}/b`])).status).toBe(0); // still relayed
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ui.rows.size).toBe(0);
    engine.setCapturing({ on: true });
    await curl([`${proxy}/c`]);
    await eventually(() => ui.rows.size === 1, 5000, 'the row after capture resumed');
    expect([...ui.rows.values()][0]).toMatchObject({ seq: 1, path: '/c' });
  });

  it('saves the session as a capture and opens a capture for viewing, details included', async () => {
    const { proxy, ui, engine } = await started([request(), write(twoChunksNoEnd), fin()]);
    await curl([`${proxy}/feed`]);
    await eventually(() => ui.rows.get('1:0')?.terminator === 'missing', 5000, 'the row');
    const saved = join(mkdtempSync(join(tmpdir(), 'chunkscope-save-')), 'saved.cscap');
    const result = await engine.saveCapture({ path: saved });
    expect(result.bytes).toBeGreaterThan(twoChunksNoEnd.length);
    expect(isCapture(readFileSync(saved))).toBe(true);

    const info = await engine.openCapture({ path: saved });
    expect(info).toMatchObject({ viewing: saved, capturing: true, loading: null });
    await eventually(() => ui.rows.get('1:0')?.terminator === 'missing', 5000, 'the row from the file');
    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.response!.chunkColumns!.sizeTokens).toEqual(['5DC', '57D']);
  });

  it('a keep-alive connection reset after 4,000 chunked POSTs: 4,001 requests, 4,000 answered, the server RST; updates carry only the lane\'s new spans', async () => {
    const steps: Step[] = [...Array.from({ length: 4000 }, () => [request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')]).flat(), request(), rst()];
    const { proxy, ui, row, engine } = await started(steps);
    // The connection's rows as they went out, after the page had its first 2,000 exchanges.
    let halfway = false;
    const later: ConnectionRow[] = [];
    engine.onUpdate((batch) => {
      for (const c of batch.connections ?? []) if (halfway && c.number === 1) later.push(c);
    });
    const post = Buffer.from('POST /items HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n');
    await new Promise<void>((resolve) => {
      const socket = net.connect({ port: Number(new URL(proxy).port), host: '127.0.0.1' }, () => socket.write(post));
      const parser = new Http1Parser('response');
      let answered = 0;
      socket.on('data', (d) => {
        for (const e of parser.feed(d)) {
          if (e.type !== 'message-complete') continue;
          if (++answered !== 2000) socket.write(post);
          else {
            void eventually(() => ui.connections.get(1)?.responses === 2000, 10_000, 'the lane with 2,000 answers').then(() => {
              halfway = true;
              socket.write(post);
            });
          }
        }
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
    await eventually(() => ui.connections.get(1)?.ended?.how === 'rst', 10_000, 'the connection row to show the RST');
    expect(ui.connections.get(1)).toMatchObject({ requests: 4001, responses: 4000, ended: { how: 'rst', who: 'server' } });
    expect(ui.connections.get(1)!.spans).toHaveLength(8002);
    // Each row after the first 2,000 ended starts its spans after them.
    expect(later.length).toBeGreaterThan(0);
    for (const c of later) {
      expect(c.spansFrom).toBeGreaterThanOrEqual(2000);
      expect(c.spans).toHaveLength(2 * (c.requests - c.spansFrom!));
    }
    // A page that connects now gets the lane whole: the same as the updates put together.
    const synced = await new Promise<ConnectionRow>((resolve) => {
      const off = engine.onUpdate((batch) => {
        const c = batch.connections?.find((x) => x.number === 1);
        if (batch.reset && c) resolve(c);
        off();
      });
    });
    expect(synced.spansFrom ?? 0).toBe(0);
    expect(synced.spans).toEqual(ui.connections.get(1)!.spans);
    await eventually(() => ui.rows.size === 4001, 5000, 'all 4,001 rows');
    expect(row('1:3999')).toMatchObject({ state: 'complete', keptAlive: true, ended: null });
    expect(row('1:4000')).toMatchObject({ method: 'POST', status: null, state: 'incomplete', ended: { how: 'rst', who: 'server' } });
  }, 60_000);
});

describe('the engine: rules', () => {
  it('setRules checks each rule, applies them to new connections, and the detail has both framings', async () => {
    const { engine, proxy, ui, row } = await started([request(), write(response({ chunks: [10, 10, 10] })), fin()]);
    expect(() => engine.setRules({ rules: [{ text: 'rechunk:4', enabled: true }, { text: 'rechunk:four', enabled: true }] })).toThrow('rule 2 ("rechunk:four"): rechunk:four: expected a number above 0');
    engine.setRules({ rules: [{ text: 'rechunk:4', enabled: true }] });
    await eventually(() => ui.session?.rules.length === 1, 2000, 'the session to list the rule');
    const result = await curl([`${proxy}/data`]);
    expect(result.status).toBe(0);
    await eventually(() => row('1:0')?.state === 'complete', 5000, 'the exchange to complete');
    expect(row('1:0')).toMatchObject({ chunks: 8, rules: 1 });
    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.rules).toMatchObject([{ rule: 'rechunk:4', effect: 're-chunked the data to 4-byte chunks' }]);
    expect(detail.response!.chunkColumns!.sizes).toEqual([4, 4, 4, 4, 4, 4, 4, 2]);
    expect(detail.original!.response!.chunkColumns!.sizes).toEqual([10, 10, 10]);
    const raw = await engine.raw({ connection: 1, stream: 3, offset: 0, length: 1 << 20 });
    expect(Buffer.from(raw.bytes, 'base64').equals(response({ chunks: [10, 10, 10] }))).toBe(true);
  });
});

describe('the engine: HAR and curl', () => {
  it('saves the session as HAR, opens that HAR (bytes rebuilt, chunks as sent), and copies a request as curl', async () => {
    const { proxy, engine, ui, row } = await started([request(), write(twoChunksNoEnd), wait(50), fin()]);
    expect((await curl([`${proxy}/feed?x=1`, '-H', 'X-Token: a b'])).status).toBe(18);
    await eventually(() => row('1:0')?.ended != null, 5000, 'the exchange to end');
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-engine-har-'));
    const harPath = join(dir, 'session.har');
    expect(await engine.saveHar({ path: harPath })).toEqual({ path: harPath, entries: 1 });
    const har = JSON.parse(readFileSync(harPath, 'utf8'));
    expect(har.log.entries[0].response._chunks.map((c: { sizeToken: string }) => c.sizeToken)).toEqual(['5DC', '57D']);

    const curlCommand = await engine.curlCommand({ id: '1:0' });
    expect(curlCommand.bodyFile).toBeNull();
    expect(curlCommand.command).toMatch(/^curl --http1\.1 -g --path-as-is .*-H 'X-Token: a b'.* 'http:\/\/127\.0\.0\.1:\d+\/feed\?x=1'$/);

    const info = await engine.openCapture({ path: harPath });
    expect(info).toMatchObject({ viewing: harPath, imported: { kind: 'har' }, capturing: true });
    await eventually(() => ui.rows.size === 1 && row('1:0')?.framing === 'chunked', 5000, 'the HAR rows');
    expect(row('1:0')).toMatchObject({ method: 'GET', path: '/feed?x=1', chunks: 2, terminator: 'missing', ended: { how: 'fin', who: 'server' } });
    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.response!.chunkColumns!.sizeTokens).toEqual(['5DC', '57D']);
    await expect(engine.openCapture({ path: join(dir, 'nothing') })).rejects.toThrow();
  });
});

describe('the engine: the Stream view', () => {
  const rss = (items: string[]) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items.join('')}</channel></rss>`;
  const item = (n: number) => `<item><title>Item ${n}</title><link>http://feed.example/${n}</link><pubDate>Mon, 23 Nov 2026 10:0${n}:00 GMT</pubDate></item>`;
  const chunk = (data: string | Buffer) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  };
  const head = (type: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\n${extra}Transfer-Encoding: chunked\r\n\r\n`;

  it('lists an RSS feed’s items with the chunks that carried them, an item split over two chunks as chunks #2-#3', async () => {
    const body = rss([item(1), item(2)]);
    const split = body.indexOf('<item>', body.indexOf('</item>')) + 10; // inside item 2
    const { proxy, engine, row } = await started([request(), write(head('application/rss+xml')), write(chunk(body.slice(0, body.indexOf('</item>') + 7))), wait(20), write(chunk(body.slice(body.indexOf('</item>') + 7, split))), wait(20), write(chunk(body.slice(split))), write('0\r\n\r\n'), fin()]);
    await curl([`${proxy}/rss`]);
    await eventually(() => row('1:0')?.state === 'complete', 5000, 'the feed');
    expect((await engine.exchangeDetail({ id: '1:0' })).stream).toBe(true);
    const view = await engine.streamView({ id: '1:0' });
    expect(view).toMatchObject({ kind: 'rss', streaming: false, decoding: null });
    expect(view.items.map((i) => [i.kind === 'rss' ? i.title : null, i.chunks, i.partial])).toEqual([
      ['Item 1', 'chunk #1', null],
      ['Item 2', 'chunks #2-#3', null],
    ]);
    expect(view.items[1]!.gap).toBeGreaterThan(0.01);
  });

  it('decodes a gzip feed first, says so, and ties items to the chunks of the encoded body', async () => {
    const { gzipSync, constants } = await import('node:zlib');
    const whole = gzipSync(Buffer.from(rss([item(1), item(2), item(3)])), { flush: constants.Z_SYNC_FLUSH });
    const { proxy, engine, row } = await started([request(), write(head('application/rss+xml', 'Content-Encoding: gzip\r\n')), write(chunk(whole.subarray(0, 40))), write(chunk(whole.subarray(40))), write('0\r\n\r\n'), fin()]);
    await curl([`${proxy}/gz`]);
    await eventually(() => row('1:0')?.state === 'complete', 5000, 'the feed');
    const view = await engine.streamView({ id: '1:0' });
    expect(view.decoding?.codings).toEqual(['gzip']);
    expect(view.items.map((i) => (i.kind === 'rss' ? i.title : null))).toEqual(['Item 1', 'Item 2', 'Item 3']);
    expect(view.items.every((i) => i.chunks !== null)).toBe(true);
  });

  it('live: events appear as they arrive; after an RST the last one is partial, with the reason', async () => {
    const { proxy, engine, row } = await started([request(), write(head('text/event-stream')), write(chunk('id: 1\ndata: one\n\n')), wait(300), write(chunk(': ping\nid: 2\ndata: two\ndata: lines\n\n')), wait(300), write(chunk('id: 3\ndata: cut')), wait(300), rst()]);
    void curl([`${proxy}/events`]);
    await eventually(() => (row('1:0')?.chunks ?? 0) >= 1, 5000, 'the first event');
    const early = await engine.streamView({ id: '1:0' });
    expect(early.streaming).toBe(true);
    expect(early.items.map((i) => (i.kind === 'sse' ? i.data : null))).toEqual(['one']);
    await eventually(() => row('1:0')?.state === 'incomplete', 5000, 'the reset');
    const late = await engine.streamView({ id: '1:0' });
    expect(late.items.map((i) => (i.kind === 'sse' ? [i.id, i.data, i.comments, i.partial !== null] : null))).toEqual([
      ['1', 'one', [], false],
      ['2', 'two\nlines', [' ping'], false],
      ['3', 'cut', [], true],
    ]);
    expect(late.items[2]!.partial).toMatch(/RST/);
  });

  it('live: a second look returns only the items since the first; lost framing ends the view with its reason', async () => {
    const { proxy, engine, row } = await started([
      request(),
      write(head('application/x-ndjson')),
      write(chunk('{"n":1}\n{"n":2}\n')),
      wait(400),
      write(chunk('{"n":3}\n{"n":')),
      wait(400),
      write('zz\r\n'),
      hold(),
    ]);
    void curl([`${proxy}/values`, '--max-time', '3']);
    await eventually(() => (row('1:0')?.chunks ?? 0) >= 1, 5000, 'the first chunk');
    const first = await engine.streamView({ id: '1:0' });
    expect(first).toMatchObject({ from: 0, total: 2, streaming: true });
    await eventually(() => (row('1:0')?.chunks ?? 0) >= 2, 5000, 'the second chunk');
    const second = await engine.streamView({ id: '1:0', from: first.total });
    expect(second.from).toBe(2);
    expect(second.items.map((i) => (i.kind === 'ndjson' ? i.value : null))).toEqual([{ n: 3 }]);
    await eventually(() => (row('1:0')?.anomalies.errors ?? 0) > 0, 5000, 'the bad chunk size');
    const last = await engine.streamView({ id: '1:0', from: second.from + second.items.length });
    expect(last.streaming).toBe(false);
    expect(last.items).toHaveLength(1);
    expect(last.items[0]!.partial).toMatch(/^response framing lost at byte \d+: /);
  });
});


describe('the engine at rest', () => {
  /** Timers of this process: the engine's, and the test runner's own (the same before and after). */
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  /** Wait (boundedly) until no more timers run than `baseline`; each look waits 50 ms with one timer of its own. */
  async function settlesTo(baseline: number, what: string): Promise<void> {
    for (let waited = 0; timers() > baseline; waited += 50) {
      if (waited > 5000) throw new Error(`${what}: still ${timers() - baseline} timer(s) after 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('runs no timer while nothing changes: none idle, some while a response streams, none once it is over', async () => {
    const baseline = timers();
    const first = response({ chunks: [{ data: 'x'.repeat(100) }] });
    const { proxy, row } = await started([request(), write(first.subarray(0, 60)), wait(600), write(first.subarray(60)), fin()]);
    await settlesTo(baseline, 'idle after start');
    const done = curl([`${proxy}/slow`]);
    await eventually(() => row('1:0')?.state === 'streaming', 5000, 'the response streaming');
    expect(timers()).toBeGreaterThan(baseline); // its duration and rate change with time
    await done;
    await eventually(() => row('1:0')?.state === 'complete', 5000, 'the response complete');
    await settlesTo(baseline, 'idle after the exchange');
  });
});
