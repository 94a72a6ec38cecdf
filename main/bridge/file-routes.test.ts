// A browser's files over the bridge: some exchanges downloaded alone, and a file the page
// uploaded opened again (its recent files), or said to be gone.

import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseCapture } from '../analysis/capture-analysis';
import { readRecords } from '../capture/reader';
import { response } from '../http1/test-support/builders';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, origin, request, write, type Origin } from '../proxy/test-support/origin';
import { Engine } from '../engine/engine';
import { Bridge } from './bridge';

let engine: Engine;
let bridge: Bridge;
let port: number;
let server: Origin;
let rows = 0;

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
  server = await origin([request(), write(response({ body: 'one' })), fin(), request(), write(response({ body: 'two' })), fin()]);
  engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: server.port }, stallSeconds: 2 });
  const { proxy } = await engine.start();
  rows = 0;
  engine.onUpdate((batch) => {
    if (batch.reset) rows = 0;
    rows += batch.rows?.filter((r) => r.state === 'complete').length ?? 0;
  });
  bridge = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: 'secret-token-123' });
  port = (await bridge.listen()).port;
  await curl([`${proxy}/one`]);
  await curl([`${proxy}/two`]);
  await eventually(() => engine.hello().sessions[0]!.exchanges === 2, 5000, 'two exchanges');
});

afterEach(async () => {
  await bridge.close();
  await engine.close();
  await server.close();
});

function send(method: string, path: string, body: string | Buffer = '', headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (d: Buffer) => pieces.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('files over the bridge', () => {
  it('downloads the exchanges asked for alone, as a capture with just them, or as HAR', async () => {
    const capture = await send('POST', '/api/export?token=secret-token-123', JSON.stringify({ ids: ['2:0'], format: 'capture' }));
    expect(capture.status, capture.body.toString()).toBe(200);
    expect(capture.headers['content-disposition']).toMatch(/^attachment; filename="chunkscope-1-exchanges-.*\.cscap"$/);
    const report = analyseCapture(readRecords([capture.body]));
    expect(report.connections.flatMap((c) => c.exchanges.map((e) => e.request?.startLine))).toEqual(['GET /two HTTP/1.1']);

    const har = await send('POST', '/api/export?token=secret-token-123', JSON.stringify({ ids: ['1:0'], format: 'har' }));
    expect(har.status).toBe(200);
    expect(JSON.parse(har.body.toString()).log.entries.map((e: { request: { url: string } }) => e.request.url)).toEqual([expect.stringMatching(/\/one$/)]);
  });

  it('refuses an export without the token, from another page, or that names no exchange of the session', async () => {
    const body = JSON.stringify({ ids: ['1:0'], format: 'capture' });
    expect((await send('POST', '/api/export', body)).status).toBe(403);
    expect((await send('POST', '/api/export?token=secret-token-123', body, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await send('GET', '/api/export?token=secret-token-123')).status).toBe(405);
    const none = await send('POST', '/api/export?token=secret-token-123', JSON.stringify({ ids: [], format: 'capture' }));
    expect(none.status).toBe(400);
    expect(none.body.toString()).toMatch(/say which exchanges to export: ids/);
    const unknown = await send('POST', '/api/export?token=secret-token-123', JSON.stringify({ ids: ['9:0'], format: 'har' }));
    expect(unknown.body.toString()).toMatch(/no exchange c9#1 in this session/);
    expect((await send('POST', '/api/export?token=secret-token-123', '{"ids": [')).body.toString()).toMatch(/not JSON/);
  });

  it('opens an upload again by the id it came back with; an id it does not hold is gone, and says what to do', async () => {
    const download = await send('GET', '/api/capture?token=secret-token-123');
    const upload = await send('POST', '/api/capture?token=secret-token-123&name=mine.cscap', download.body);
    expect(upload.status).toBe(200);
    const id = upload.headers['x-chunkscope-upload'];
    expect(id).toMatch(/^upload-[0-9a-f]{32}$/);
    engine.closeSession({ id: JSON.parse(upload.body.toString()).current });

    const again = await send('POST', `/api/reopen?token=secret-token-123&upload=${id}&name=mine.cscap`);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body.toString())).toMatchObject({ viewing: 'mine.cscap' });
    await eventually(() => rows === 2, 5000, 'the reopened rows');

    const gone = await send('POST', `/api/reopen?token=secret-token-123&upload=upload-${'0'.repeat(32)}&name=mine.cscap`);
    expect(gone.status).toBe(404);
    expect(gone.body.toString()).toMatch(/^mine\.cscap is gone: Chunkscope keeps the files a browser opened only while chunkscope serve runs .* Open the file again with Open…/);
    // Never a path of this machine.
    expect((await send('POST', '/api/reopen?token=secret-token-123&upload=../../etc/passwd&name=x')).status).toBe(404);
  });
});
