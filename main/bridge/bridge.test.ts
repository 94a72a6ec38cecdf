import http from 'node:http';
import net from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecords } from '../capture/reader';
import WebSocket from 'ws';
import type { BridgeMessage } from '../../shared/api';
import { Engine } from '../engine/engine';
import { rawExchange } from '../proxy/test-support/clients';
import { Bridge } from './bridge';
import { get as getRequest, response, writeConnections } from '../search/test-support/captures';

let engine: Engine;
let bridge: Bridge;
let port: number;
let proxyPort: number;

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
  proxyPort = Number(new URL((await engine.start()).proxy).port);
  bridge = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: 'secret-token-123' });
  port = (await bridge.listen()).port;
});

afterEach(async () => {
  await bridge.close();
  await engine.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        let body = '';
        res.setEncoding('latin1').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function socket(query: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: BridgeMessage[] } | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${query}`, { headers });
    const messages: BridgeMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.on('error', () => undefined);
  });
}

async function call(ws: WebSocket, messages: BridgeMessage[], id: number, method: string, args?: unknown): Promise<BridgeMessage> {
  ws.send(JSON.stringify({ id, method, args }));
  for (let i = 0; i < 200; i++) {
    const answer = messages.find((m) => m.type !== 'update' && m.id === id);
    if (answer) return answer;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no answer to ${method}`);
}

describe('the browser bridge', () => {
  it('sends a whole session larger than the allowance for falling behind (a capture of 100,000 exchanges was cut off at 64 MiB, again at each reconnect)', async () => {
    // 20,000 exchanges, about 12 MB of rows (more than the sockets buffer), against an allowance of 16 KB: a page that connects is owed them all.
    const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-bridge-')), 'many.cscap');
    writeConnections(path, Array.from({ length: 20_000 }, (_, n) => ({ sent: [getRequest(`/item/${n}`)], received: [response(['Content-Length: 2'], 'ok')] })));
    await engine.openCapture({ path });
    const small = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: mkdtempSync(join(tmpdir(), 'chunkscope-ui-')), token: 'secret-token-789', maxBuffered: 16 * 1024 });
    const smallPort = (await small.listen()).port;
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${smallPort}/api/ws?token=secret-token-789`, { headers: { origin: `http://127.0.0.1:${smallPort}` } });
      let rows = 0;
      let closed: number | null = null;
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as BridgeMessage;
        if (m.type === 'update') rows += m.batch.rows?.length ?? 0;
      });
      ws.on('close', (code) => (closed = code));
      ws.on('error', () => undefined);
      await expect.poll(() => rows, { timeout: 10_000 }).toBe(20_000);
      expect(closed).toBeNull();
      ws.close();
    } finally {
      await small.close();
    }
  });

  it('closes a page that stopped reading once it falls behind, so its updates never grow our memory; it is told to reload', async () => {
    const origin = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const originPort = (origin.address() as { port: number }).port;
    const small = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: mkdtempSync(join(tmpdir(), 'chunkscope-ui-')), token: 'secret-token-789', maxBuffered: 16 * 1024 });
    const smallPort = (await small.listen()).port;
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${smallPort}/api/ws?token=secret-token-789`, { headers: { origin: `http://127.0.0.1:${smallPort}` } });
      let closed: { code: number; reason: string } | null = null;
      ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
      ws.on('error', () => undefined);
      await new Promise((resolve) => ws.once('open', resolve));
      // The page stops reading: its socket is not read from here on.
      ws.pause();
      // 20,000 exchanges relayed meanwhile: about 15 MB of updates, more than the sockets hold.
      const client = net.connect({ port: proxyPort, host: '127.0.0.1' });
      const request = `GET http://127.0.0.1:${originPort}/item HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\n\r\n`;
      let answered = 0;
      let carry = '';
      client.on('data', (d: Buffer) => {
        // A status line may straddle two reads: the last bytes of one are read again with the next.
        const text = carry + d.toString('latin1');
        answered += text.split('HTTP/1.1 200').length - 1;
        carry = text.slice(-11);
      });
      for (let sent = 0; sent < 20_000; sent += 500) client.write(request.repeat(500));
      await expect.poll(() => answered, { timeout: 60_000 }).toBe(20_000);
      client.destroy();
      // The page reads again: what was sent before it fell behind, then the close, and why.
      ws.resume();
      await expect.poll(() => closed, { timeout: 30_000 }).toEqual({ code: 1013, reason: 'fell behind; reload the page' });
    } finally {
      await small.close();
      origin.close();
    }
  });

  it('serves the UI with a strict CSP, and nothing outside it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Chunkscope</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/../../../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('refuses other host names (DNS rebinding)', async () => {
    expect((await get('/', { host: `evil.example:${port}` })).status).toBe(421);
    expect(await socket('?token=secret-token-123', { host: `evil.example:${port}` })).toEqual({ refused: 403 });
  });

  it('needs the token, and refuses pages of other origins', async () => {
    expect(await socket('')).toEqual({ refused: 403 });
    expect(await socket('?token=wrong-token-1234')).toEqual({ refused: 403 });
    expect(await socket('?token=secret-token-123', { origin: 'http://evil.example' })).toEqual({ refused: 403 });
    expect((await get('/api/capture')).status).toBe(403);
  });

  it('answers API calls, validates their arguments, and streams updates', async () => {
    const open = await socket('?token=secret-token-123', { origin: `http://127.0.0.1:${port}` });
    if (!('ws' in open)) throw new Error('refused');
    const { ws, messages } = open;
    const hello = await call(ws, messages, 1, 'hello');
    expect(hello).toMatchObject({ type: 'result', result: { mode: 'forward', capturing: true } });
    expect(messages.some((m) => m.type === 'update' && m.batch.reset)).toBe(true);
    expect(await call(ws, messages, 2, 'exchangeDetail', { id: 'not an id' })).toMatchObject({ type: 'error', error: expect.stringContaining('bad arguments for exchangeDetail') });
    expect(await call(ws, messages, 3, 'raw', { connection: 1, stream: 2, offset: 0, length: 10 })).toMatchObject({ type: 'error' });
    expect(await call(ws, messages, 4, 'nope')).toMatchObject({ type: 'error', error: 'unknown method "nope"' });
    // Paths on this machine are for the desktop app; a page uploads and downloads.
    expect(await call(ws, messages, 5, 'openCapture', { path: '/etc/passwd' })).toMatchObject({ type: 'error', error: expect.stringContaining('not available over this transport') });
    expect(await call(ws, messages, 6, 'saveCapture', { path: '/tmp/x' })).toMatchObject({ type: 'error' });
    // Nor may a page run a program, unless serve was told it may (below).
    expect(await call(ws, messages, 7, 'probe', { command: 'touch /tmp/chunkscope-bridge-probe {url}' })).toMatchObject({ type: 'error', error: expect.stringContaining('runs a program on this machine') });
    ws.close();
  });

  it('with --allow-commands, a page may run the probe, and still no other desktop method', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
    const allowing = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: 'secret-token-456', allowCommands: true });
    const other = (await allowing.listen()).port;
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${other}/api/ws?token=secret-token-456`);
      const messages: BridgeMessage[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
      await new Promise((resolve) => ws.once('open', resolve));
      // Refused by the probe itself (no {url}), not by the bridge.
      expect(await call(ws, messages, 1, 'probe', { command: 'true' })).toMatchObject({ type: 'error', error: expect.stringMatching(/^the command has no \{url\}/) });
      expect(await call(ws, messages, 2, 'cancelProbe', { id: 'p9' })).toMatchObject({ type: 'result', result: { cancelled: false } });
      expect(await call(ws, messages, 3, 'openCapture', { path: '/etc/passwd' })).toMatchObject({ type: 'error', error: expect.stringContaining('not available over this transport') });
      ws.close();
    } finally {
      await allowing.close();
    }
  });

  it('downloads the session capture and opens an uploaded one, with the token', async () => {
    const download = await get('/api/capture?token=secret-token-123');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/attachment; filename="chunkscope-.*\.cscap"/);
    expect(Buffer.from(download.body, 'latin1').subarray(0, 6).toString('latin1')).toBe('\x89CSCAP');
    // Taken while capturing, it still ends cleanly: it does not open as a capture cut short.
    expect([...readRecords([Buffer.from(download.body, 'latin1')])].at(-1)?.type).toBe('end');
    const upload = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/capture?token=secret-token-123&name=..%2Fmy%20session%0A.cscap', headers: { host: `127.0.0.1:${port}`, 'content-length': Buffer.byteLength(download.body, 'latin1') } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.end(Buffer.from(download.body, 'latin1'));
    });
    expect(upload.status).toBe(200);
    // Shown by the name the page gave it (folders and control characters taken out), not where it was put.
    expect(JSON.parse(upload.body)).toMatchObject({ capturing: true, viewing: 'my session.cscap' });
  });
});

describe('the bridge survives what any web page can send it', () => {
  // Each of these ended the whole process (proxy included) before the handlers were guarded.
  async function stillServes(): Promise<void> {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Chunkscope</title>');
  }

  it('a path that is not valid percent-encoding (GET /%E0%A4%A) is not found, and the bridge lives', async () => {
    const answer = await rawExchange(port, `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, { halfClose: true });
    expect(answer.received.toString('latin1')).toMatch(/^HTTP\/1\.1 404 /);
    await stillServes();
  });

  it('GET // (no valid URL) is answered, and the bridge lives', async () => {
    const answer = await rawExchange(port, `GET // HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, { halfClose: true });
    expect(answer.received.toString('latin1')).toMatch(/^HTTP\/1\.1 [45]\d\d /);
    await stillServes();
  });

  it('a WebSocket upgrade to // without a token is refused, and the bridge lives', async () => {
    const upgrade = `GET // HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const answer = await rawExchange(port, upgrade, { halfClose: true });
    expect(answer.received.toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
    await stillServes();
  });

  it('a malformed WebSocket frame from a page with the token closes that socket only', async () => {
    const upgrade = `GET /api/ws?token=secret-token-123 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    // RSV2 set: a frame no WebSocket may send (RFC 6455 §5.2).
    const answer = await rawExchange(port, Buffer.concat([Buffer.from(upgrade, 'latin1'), Buffer.from([0xa1, 0x80, 0, 0, 0, 0])]), { halfClose: true });
    expect(answer.received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    await stillServes();
  });
});
