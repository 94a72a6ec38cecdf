// Searching the engine's session: the search runs in the engine's worker thread, its
// matches arrive in the update stream, it can be cancelled, and a regular expression that
// backtracks catastrophically is stopped by the guard with a sentence saying where.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SearchUpdate } from '../../shared/search';
import { eventually } from '../proxy/test-support/harness';
import { chunked, encode, get, response, writeConnections, type TestConnection } from '../search/test-support/captures';
import { Engine } from './engine';
import { startSearchThread } from './search-thread';

const dir = mkdtempSync(join(tmpdir(), 'chunkscope-finding-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function capture(connections: TestConnection[]): string {
  const path = join(dir, `f${++files}.cscap`);
  writeConnections(path, connections);
  return path;
}

async function opened(path: string) {
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
  await engine.start();
  cleanups.push(() => engine.close());
  const updates: SearchUpdate[] = [];
  engine.onUpdate((batch) => batch.search && updates.push(batch.search));
  await engine.openCapture({ path });
  return { engine, updates, last: (id: string) => updates.filter((u) => u.id === id).at(-1) };
}

const plain = (n: number): TestConnection => ({ sent: [get(`/item/${n}`)], received: [response(['Content-Type: text/plain', 'Content-Length: 5'], 'hello')] });
const gzipped = (text: string): TestConnection => ({ sent: [get('/feed')], received: [response(['Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(encode.gzip(text), 10))] });

describe('searching the session', () => {
  it('finds a string inside a gzip body among other exchanges, its matches arriving as updates', async () => {
    const { engine, updates, last } = await opened(capture([plain(1), plain(2), gzipped('<title>the needle in the feed</title>'), plain(4)]));
    const { id, total } = await engine.finding.search({ query: 'NEEDLE', mode: 'text' });
    expect(total).toBeGreaterThan(0);
    await eventually(() => last(id)?.state === 'done', 10_000, 'the search to end');
    const matches = updates.filter((u) => u.id === id).flatMap((u) => u.matches);
    expect(matches).toMatchObject([{ id: '3:0', direction: 'response', part: 'body', form: 'decoded', offset: 11, length: 6, context: { before: '<title>the ', match: 'needle', after: ' in the feed</title>' } }]);
    expect(last(id)).toMatchObject({ exchanges: 1, matchCount: 1, error: null, progress: { done: total, total } });
  });

  it('answers a bad regular expression at once, in words', async () => {
    const { engine } = await opened(capture([plain(1)]));
    await expect(engine.finding.search({ query: 'id=(\\d+', mode: 'regex' })).rejects.toThrow('Invalid regular expression: /id=(\\d+/: Unterminated group');
    await expect(engine.finding.search({ query: '[é]', mode: 'regex' })).rejects.toThrow('"é" inside [ ] at character 2: a search runs over bytes');
  });

  it('stops a catastrophic regular expression and says where it stuck; cancelling ends a search', async () => {
    const body = `${'a'.repeat(40)}!`;
    const path = capture([plain(1), { sent: [get('/')], received: [response([`Content-Length: ${body.length}`], body)] }]);
    const failed = await new Promise<Omit<SearchUpdate, 'id'>>((resolve) => {
      startSearchThread(path, { query: '(a+)+$', mode: 'regex' }, { until: 1e9, stuckMs: 500 }, (u) => u.state !== 'running' && resolve(u));
    });
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(
      "the regular expression ran for more than 0.5 s on at most 256 KiB in c2 · request #1's response body without finishing, so the search was stopped: it backtracks catastrophically (a repetition inside a repetition, such as (a+)+, is the usual cause); simplify it, or search for plain text",
    );

    const { engine, last } = await opened(path);
    const { id } = await engine.finding.search({ query: '(a+)+$', mode: 'regex' });
    expect(engine.finding.cancelSearch({ id })).toEqual({ cancelled: true });
    await eventually(() => last(id)?.state === 'cancelled', 5000, 'the cancelled update');
    expect(last(id)!.error).toBe('cancelled');
    expect(engine.finding.cancelSearch({ id })).toEqual({ cancelled: false });
  });
});
