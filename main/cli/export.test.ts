// chunkscope export --har / --curl, and inspect FILE.har: through the real CLI.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange } from '../proxy/test-support/clients';
import { startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { runCli, tempFile } from './test-support/run-cli';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** A capture of two keep-alive exchanges: a chunked response, then one cut before its last chunk. */
async function capture(): Promise<string> {
  const o = await origin([
    request(),
    write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n0\r\n\r\n'),
    request(),
    write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'),
    fin(),
  ]);
  cleanup.push(() => o.close());
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: o.port } });
  cleanup.push(() => proxy.finish());
  await rawExchange(proxy.port, 'GET /one HTTP/1.1\r\nHost: example.test\r\n\r\nPOST /two HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n\r\nxyz', { timeoutMs: 5000 });
  await proxy.finish();
  return proxy.capturePath;
}

describe('chunkscope export', () => {
  it('--har writes HAR with the chunk fields; inspect reads it back with the same ledger and verdict', async () => {
    const cap = await capture();
    const har = tempFile('out.har', Buffer.alloc(0));
    const written = await runCli(['export', cap, '--har', har]);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/wrote 2 entries/);
    const json = JSON.parse(readFileSync(har, 'utf8'));
    expect(json.log.entries.map((e: { response: { _chunks: { sizeToken: string }[] } }) => e.response._chunks.map((c) => c.sizeToken))).toEqual([['0005'], ['3']]);

    const inspected = await runCli(['inspect', har, '--json']);
    expect(inspected.status).toBe(3); // the second response has no last chunk: an error verdict, as for the capture
    const report = JSON.parse(inspected.stdout);
    expect(report.source).toBe('har');
    expect(report.connections[0].exchanges[0].response.chunks[0].sizeToken).toBe('0005');
    expect(report.connections[0].exchanges[1].response.terminator).toBe(false);
    expect(report.connections[0].exchanges[1].response.anomalies.map((a: { code: string }) => a.code)).toContain('missing-terminator');

    const human = await runCli(['inspect', har]);
    expect(human.stdout).toMatch(/^HAR: /);
    expect(human.stdout).toMatch(/0005/);
  });

  it('--har - prints to stdout and --max-body cuts bodies', async () => {
    const cap = await capture();
    const result = await runCli(['export', cap, '--har', '-', '--max-body', '2']);
    expect(result.status).toBe(0);
    const content = JSON.parse(result.stdout).log.entries[0].response.content;
    expect(content).toMatchObject({ text: 'he', _truncated: { kept: 2, size: 5 } });
  });

  it('--curl prints a command for request #2 on c1', async () => {
    const cap = await capture();
    const result = await runCli(['export', cap, '--curl', 'c1#2']);
    expect(result.status, result.stderr).toBe(0);
    // Reverse mode: the request went to the origin whatever Host said, and --connect-to says so.
    expect(result.stdout.trim()).toMatch(/^curl --http1\.1 -g --path-as-is --connect-to example\.test:80:127\.0\.0\.1:\d+ -H 'Host: example\.test' -H User-Agent: -H Accept: -H Content-Type: -H Expect: --data-raw 'xyz' http:\/\/example\.test\/two$/);
  });

  it('--capture --only c1#2 writes a capture of that exchange alone, which reads as it did; --har --only too', async () => {
    const cap = await capture();
    const part = tempFile('part.cscap', Buffer.alloc(0));
    const written = await runCli(['export', cap, '--capture', part, '--only', 'c1#2', '--force']);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/^wrote 1 exchange to .*part\.cscap\nleft out: the other exchanges of the same connections/);
    const whole = JSON.parse((await runCli(['inspect', cap, '--json'])).stdout);
    const alone = JSON.parse((await runCli(['inspect', part, '--json'])).stdout);
    expect(alone.connections).toHaveLength(1);
    expect(alone.connections[0].exchanges).toHaveLength(1);
    const [before, after] = [whole.connections[0].exchanges[1], alone.connections[0].exchanges[0]];
    expect(after.request.startLine).toBe('POST /two HTTP/1.1');
    expect(after.response.chunks.map((c: { sizeToken: string }) => c.sizeToken)).toEqual(before.response.chunks.map((c: { sizeToken: string }) => c.sizeToken));
    // What is left out: #1's bytes, so #2 is #1 and its offsets count from its own first byte.
    const shift = before.response.offset;
    expect(after.response.offset).toBe(0);
    expect(after.account.headline).toBe(before.account.headline.replace(/at byte ([\d,]+)/, (_: string, n: string) => `at byte ${Number(n.replace(/,/g, '')) - shift}`));
    expect(after.account.headline).toMatch(/^no last chunk: the server closed the connection \(FIN\) [\d.]+ ms after chunk #1, at byte 55$/);
    expect(alone.connections[0].closes).toEqual(whole.connections[0].closes);

    const har = await runCli(['export', cap, '--har', '-', '--only', 'c1#1']);
    expect(har.status, har.stderr).toBe(0);
    expect(JSON.parse(har.stdout).log.entries.map((e: { request: { url: string } }) => e.request.url)).toEqual(['http://example.test/one']);

    const missing = await runCli(['export', cap, '--capture', tempFile('none.cscap', Buffer.alloc(0)), '--only', 'c1#2,c1#7', '--force']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/has no c1#7 \(chunkscope inspect .* lists them\)/);
    const badList = await runCli(['export', cap, '--har', '-', '--only', 'c1#0']);
    expect(badList.status).toBe(2);
    expect(badList.stderr).toMatch(/--only takes exchanges like c1#2/);
  });

  it('says what is wrong, with exit status 2', async () => {
    const cap = await capture();
    const neither = await runCli(['export', cap]);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toMatch(/--har FILE, --capture FILE or --curl EXCHANGE/);
    const missing = await runCli(['export', cap, '--curl', 'c9#1']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no request #1 on c9/);
    const bad = await runCli(['export', cap, '--curl', 'first']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/like c1#2/);
    const text = tempFile('notes.txt', Buffer.from('hello'));
    const notCapture = await runCli(['export', text, '--har', '-']);
    expect(notCapture.status).toBe(2);
    expect(notCapture.stderr).toMatch(/not a capture, a HAR or a pcap/);
    const brokenHar = tempFile('broken.har', Buffer.from('{"log": {"entries": [ {"request": 1}'));
    const broken = await runCli(['inspect', brokenHar]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
  });

  it('inspect shows a browser HAR with its framing unknown', async () => {
    const path = tempFile('browser.har', Buffer.from(JSON.stringify({
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '1' },
        entries: [{
          startedDateTime: '2026-11-23T10:00:00.000Z', time: 10,
          request: { method: 'GET', url: 'http://a.test/x', httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0 },
          response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Transfer-Encoding', value: 'chunked' }], content: { size: 2, mimeType: 'text/plain', text: 'hi' }, redirectURL: '', headersSize: -1, bodySize: 2 },
          cache: {}, timings: { send: 0, wait: 5, receive: 5 },
        }],
      },
    })));
    const result = await runCli(['inspect', path, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const response = JSON.parse(result.stdout).connections[0].exchanges[0].response;
    expect(response).toMatchObject({ framing: 'unknown', chunks: null, bodyLength: 2, anomalies: [] });
  });
});
