// chunkscope search: the app's search from the terminal, on a capture the real proxy
// wrote, through the built CLI (node scripts/build.mjs first).

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange } from '../proxy/test-support/clients';
import { startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { runCli, tempFile } from './test-support/run-cli';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const FEED = '<rss><item><title>Chunk boundaries, explained</title></item></rss>';

/** Two keep-alive exchanges through the proxy: a chunked gzip feed, then a JSON answer. */
async function capture(): Promise<string> {
  const gz = gzipSync(FEED);
  const chunks = [gz.subarray(0, 20), gz.subarray(20)].map((c) => `${c.length.toString(16)}\r\n${c.toString('latin1')}\r\n`).join('');
  const o = await origin([
    request(),
    write(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`, 'latin1')),
    request(),
    write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 24\r\n\r\n{"name":"boundary test"}'),
    fin(),
  ]);
  cleanup.push(() => o.close());
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: o.port } });
  cleanup.push(() => proxy.finish());
  await rawExchange(proxy.port, 'GET /feed HTTP/1.1\r\nHost: example.test\r\n\r\nGET /api HTTP/1.1\r\nHost: example.test\r\n\r\n', { timeoutMs: 5000 });
  await proxy.finish();
  return proxy.capturePath;
}

describe('chunkscope search', () => {
  it('finds text inside a gzip body and a JSON body, one line per match, exit 0', async () => {
    const result = await runCli(['search', await capture(), 'BOUNDAR']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'c1 #1 response body (decoded) at byte 24: …<rss><item><title>Chunk »boundar«ies, explained</title></item></rss>…',
      'c1 #2 response body (as sent) at byte 9: …{"name":"»boundar«y test"}…',
    ]);
    expect(result.stderr).toMatch(/^2 matches in 2 exchanges; [\d.]+ KB of capture searched$/m);
  });

  it('--json, --regex, --in and --exchange; exit 1 when nothing is found', async () => {
    const cap = await capture();
    const json = await runCli(['search', cap, '"name":"[a-z]+ ', '--regex', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ mode: 'regex', exchanges: 1, matchCount: 1, limited: null, notes: [] });
    expect(doc.matches).toMatchObject([{ id: '1:1', direction: 'response', part: 'body', form: 'sent', offset: 1, length: 17 }]);
    const headers = await runCli(['search', cap, 'example.test', '--in', 'request-headers', '--exchange', 'c1#2']);
    expect(headers.stdout.trim().split('\n')).toEqual(['c1 #2 request headers at byte 25: …GET /api HTTP/1.1␍␊Host: »example.test«␍␊␍␊…']);
    const none = await runCli(['search', cap, 'explained', '--form', 'sent']);
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^0 matches in 0 exchanges/m);
  });

  it('says what is wrong with a query, a file or an option, exit 2', async () => {
    const cap = await capture();
    const bad = await runCli(['search', cap, '(unclosed', '--regex']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('chunkscope search: Invalid regular expression: /(unclosed/: Unterminated group');
    const notCapture = await runCli(['search', tempFile('notes.txt', Buffer.from('just some text\n')), 'text']);
    expect(notCapture.status).toBe(2);
    expect(notCapture.stderr).toMatch(/^chunkscope search: .*notes\.txt is not a capture, a HAR or a pcap\/pcapng file$/m);
    const part = await runCli(['search', cap, 'x', '--in', 'bodies']);
    expect(part.status).toBe(2);
    expect(part.stderr.trim()).toBe('chunkscope search: --in takes request-headers, request-body, response-headers, response-body (comma-separated), not "bodies"');
  });

  it('searches a HAR as the capture it becomes', async () => {
    const har = tempFile('s.har', Buffer.alloc(0));
    const exported = await runCli(['export', await capture(), '--har', har, '--force']);
    expect(exported.status, exported.stderr).toBe(0);
    const result = await runCli(['search', har, 'explained']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`c1 #1 response body (decoded) at byte ${FEED.indexOf('explained')}: …<rss>`);
  });
});
