// Copy as curl: the command, run by a real curl, sends the server what the captured
// request sent: method, target, headers (and no headers of curl's own), the body, and
// chunked where it was chunked.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../shared/ledger';
import { readRecords } from '../capture/reader';
import { inspectRaw } from '../inspect/raw';
import { rawExchange } from '../proxy/test-support/clients';
import { startProxy } from '../proxy/test-support/harness';
import { origin, request, write, type Origin } from '../proxy/test-support/origin';
import { curlCommand, quote } from './curl';
import { requestForCurl } from './request';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function parsed(bytes: Buffer): { request: MessageRecord; body: Buffer } {
  const report = inspectRaw([bytes], { direction: 'request', eof: 'fin', methods: null, body: true });
  return { request: report.messages[0]!, body: Buffer.concat(report.bodies?.[0] ?? []) };
}

function run(command: string, cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, timeout: 15_000 }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
  });
}

/** Send `raw` through the proxy to an origin, then the curl command for it; both as the origin received them. */
async function roundTrip(raw: (host: string) => string | Buffer): Promise<{ original: ReturnType<typeof parsed>; again: ReturnType<typeof parsed>; command: string; binary: boolean }> {
  const o: Origin = await origin(() => [request(), write(OK)]);
  cleanup.push(() => o.close());
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: o.port } });
  cleanup.push(() => proxy.finish());
  const host = `127.0.0.1:${o.port}`;
  await rawExchange(proxy.port, raw(host), { timeoutMs: 400 });
  await proxy.finish();
  const found = requestForCurl(readRecords([readFileSync(proxy.capturePath)]), 1, 0);
  expect(found).not.toBeNull();
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-curl-'));
  const curl = curlCommand(found!, 'body.bin');
  if (curl.fileBody) writeFileSync(join(dir, 'body.bin'), curl.fileBody);
  const result = await run(curl.command, dir);
  expect(result.code, `${curl.command}\n${result.stderr}`).toBe(0);
  expect(o.connections.length).toBe(2);
  return { original: parsed(o.connections[0]!.received), again: parsed(o.connections[1]!.received), command: curl.command, binary: curl.fileBody !== null };
}

const sorted = (headers: [string, string][]) => headers.map(([n, v]) => `${n.toLowerCase()}: ${v}`).sort();

describe('copy as curl', () => {
  it('sends the same method, target, headers and text body, and none of curl’s default headers', async () => {
    const body = `{"name": "it's", "lines": "a\nb"}`;
    const { original, again, binary } = await roundTrip(
      (host) => `PATCH /items/7?dry=1&x=%20y HTTP/1.1\r\nHost: ${host}\r\nX-Trace: a 'quoted' value; $HOME\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(binary).toBe(false);
    expect(again.request.request).toEqual(original.request.request);
    expect(sorted(again.request.headers)).toEqual(sorted(original.request.headers));
    expect(again.body.toString()).toBe(body);
  });

  it('sends a binary body from a file with --data-binary', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const { original, again, command, binary } = await roundTrip((host) =>
      Buffer.concat([Buffer.from(`PUT /blob HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/octet-stream\r\nContent-Length: 256\r\n\r\n`), bytes]),
    );
    expect(binary).toBe(true);
    expect(command).toContain('--data-binary @body.bin');
    expect(again.request.request?.method).toBe('PUT');
    expect(sorted(again.request.headers)).toEqual(sorted(original.request.headers));
    expect(again.body.equals(bytes)).toBe(true);
  });

  it('sends a chunked request chunked, with the same body', async () => {
    const { again, command } = await roundTrip((host) => `POST /upload HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`);
    expect(command).toContain(`-H 'Transfer-Encoding: chunked'`);
    expect(again.request.framing).toBe('chunked');
    expect(again.request.terminator).toBe(true);
    expect(again.body.toString()).toBe('hello world');
    expect(again.request.headers.some(([n]) => n.toLowerCase() === 'content-type')).toBe(false);
  });

  it('sends HEAD as HEAD, and keeps a DELETE without a body', async () => {
    const head = await roundTrip((host) => `HEAD /status HTTP/1.1\r\nHost: ${host}\r\nAccept: */*\r\n\r\n`);
    expect(head.command).toContain('--head');
    expect(head.again.request.request).toEqual(head.original.request.request);
    const del = await roundTrip((host) => `DELETE /items/7 HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(del.again.request.request).toEqual(del.original.request.request);
    expect(sorted(del.again.request.headers)).toEqual(sorted(del.original.request.headers));
  });

  it('sends brackets, braces and spaces in the target exactly (no curl globbing)', async () => {
    const { original, again, command } = await roundTrip((host) => `GET /search?user[name]=x&q={a,b}&s=%20 HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(command).toContain(' -g ');
    expect(again.request.request?.target).toBe(original.request.request?.target);
    const spaced = await roundTrip((host) => `GET /odd|path#frag HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(spaced.command).toContain("--request-target '/odd|path#frag'");
    expect(spaced.again.request.request?.target).toBe('/odd|path#frag');
  });

  it('a body with CRLF line ends (multipart) is quoted so a paste keeps the CRs', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nit\'s\r\n--b--\r\n';
    const { again, command } = await roundTrip((host) => `POST /form HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(command).toMatch(/--data-raw \$'--b\\r\\n/);
    expect(again.body.toString('latin1')).toBe(body);
  });

  it('a long text body goes in a file, not on the command line', async () => {
    const body = 'x'.repeat(200 * 1024);
    const { again, command, binary } = await roundTrip((host) => `POST /big HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(binary).toBe(true);
    expect(command.length).toBeLessThan(1000);
    expect(again.body.length).toBe(body.length);
  });

  it('through a reverse proxy, --connect-to sends it where it went, not where Host points; HTTP/1.0 without Host uses the origin', () => {
    const request = (head: string) => inspectRaw([Buffer.from(head)], { direction: 'request', eof: 'fin', methods: null, body: false }).messages[0]!;
    const reverse = curlCommand({ request: request('GET /a HTTP/1.1\r\nHost: api.example.com\r\n\r\n'), body: Buffer.alloc(0), tls: false, upstream: '127.0.0.1:9001', reverse: true }, 'b');
    expect(reverse.command).toContain('--connect-to api.example.com:80:127.0.0.1:9001');
    expect(reverse.command.endsWith('http://api.example.com/a')).toBe(true);
    const old = curlCommand({ request: request('GET /b HTTP/1.0\r\n\r\n'), body: Buffer.alloc(0), tls: false, upstream: '10.0.0.5:8080', reverse: false }, 'b');
    expect(old.command).toMatch(/^curl --http1\.0 .*http:\/\/10\.0\.0\.5:8080\/b$/);
    const gopher = curlCommand({ request: request('GET gopher://evil.example/x HTTP/1.1\r\nHost: shop.example\r\n\r\n'), body: Buffer.alloc(0), tls: false, upstream: null, reverse: false }, 'b');
    // The URL curl follows stays http; the target as sent goes verbatim to that server.
    expect(gopher.command.endsWith(' http://shop.example/')).toBe(true);
    expect(gopher.command).toContain("--request-target gopher://evil.example/x");
  });

  it('a POST with Content-Length: 0 is sent the same way', async () => {
    const { original, again, command } = await roundTrip((host) => `POST /ping HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`);
    expect(command).toContain("--data-binary ''");
    expect(again.request.request).toEqual(original.request.request);
    expect(sorted(again.request.headers)).toEqual(sorted(original.request.headers));
  });

  it('quotes for the shell: spaces and quotes in single quotes, control bytes as $\'\\x..\'', () => {
    expect(quote('plain/path')).toBe('plain/path');
    expect(quote(`it's`)).toBe(`'it'\\''s'`);
    expect(quote('a\x01b')).toBe(`$'a\\x01b'`);
    expect(quote('caf\xe9')).toBe(`$'caf\\xe9'`);
  });
});
