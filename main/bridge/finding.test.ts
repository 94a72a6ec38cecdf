// Search and body slices over the browser bridge, on live traffic the proxy relayed: what
// a page in a browser gets, through the one method map.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BridgeMessage } from '../../shared/api';
import type { BodySlice } from '../../shared/body';
import type { SearchMatch } from '../../shared/search';
import { Engine } from '../engine/engine';
import { rawExchange } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { Bridge } from './bridge';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

it('a page searches the live session (inside a gzip body) and reads the body decoded, over the WebSocket', async () => {
  const feed = '<rss><item><title>the needle</title></item></rss>';
  const gz = gzipSync(feed);
  const server = await origin([request(), write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz])), fin()]);
  cleanups.push(() => server.close());
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
  const bridge = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: 'secret-token-123' });
  const { port } = await bridge.listen();
  cleanups.push(() => bridge.close());

  await rawExchange(Number(new URL(proxy).port), `GET http://127.0.0.1:${server.port}/feed HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, { timeoutMs: 5000 });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=secret-token-123`, { headers: { origin: `http://127.0.0.1:${port}` } });
  cleanups.push(async () => ws.close());
  const messages: BridgeMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await new Promise((resolve) => ws.on('open', resolve));
  const call = async (id: number, method: string, args: unknown) => {
    ws.send(JSON.stringify({ id, method, args }));
    await eventually(() => messages.some((m) => m.type !== 'update' && m.id === id), 5000, `the answer to ${method}`);
    return messages.find((m) => m.type !== 'update' && m.id === id)!;
  };

  const started = await call(1, 'search', { query: 'NEEDLE', mode: 'text' });
  expect(started).toMatchObject({ type: 'result', result: { id: expect.stringMatching(/^s\d+$/) } });
  const id = (started as { result: { id: string } }).result.id;
  const updates = () => messages.flatMap((m) => (m.type === 'update' && m.batch.search?.id === id ? [m.batch.search] : []));
  await eventually(() => updates().some((u) => u.state === 'done'), 10_000, 'the search to end');
  const matches: SearchMatch[] = updates().flatMap((u) => u.matches);
  expect(matches).toMatchObject([{ id: '1:0', direction: 'response', part: 'body', form: 'decoded', offset: feed.indexOf('needle'), context: { match: 'needle' } }]);

  const slice = (await call(2, 'body', { id: '1:0', direction: 'response', form: 'decoded', offset: 0, length: 1000 })) as { result: BodySlice };
  expect(Buffer.from(slice.result.bytes, 'base64').toString()).toBe(feed);
  expect(slice.result).toMatchObject({ removed: ['gzip'], sentSize: gz.length, size: feed.length, complete: true });
  expect(await call(3, 'search', { query: '(', mode: 'regex' })).toMatchObject({ type: 'error', error: 'Invalid regular expression: /(/: Unterminated group' });
  expect(await call(4, 'body', { id: '1:0', direction: 'response', form: 'decoded', offset: 0, length: 2 * 1024 * 1024 })).toMatchObject({ type: 'error', error: expect.stringContaining('bad arguments for body') });
  expect(await call(5, 'cancelSearch', { id })).toMatchObject({ type: 'result', result: { cancelled: false } });
});
