// A browser set to use serve's proxy (for loopback too) loads the UI through it. The UI's
// own traffic (its page, the token in its URL, the WebSocket's updates) is relayed, so the
// UI works, but never recorded; everything else through the proxy still is.

import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BridgeMessage } from '../../shared/api';
import { readRecords } from '../capture/reader';
import { Engine } from '../engine/engine';
import { analyseCapture } from '../analysis/capture-analysis';
import { Bridge } from './bridge';

const TOKEN = 'own-ui-token-0123456789';
let engine: Engine;
let bridge: Bridge;
let origin: http.Server;
let ports: { ui: number; proxy: number; origin: number };

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
  origin = http.createServer((_req, res) => res.end('from the origin\n'));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  let ui: number | null = null;
  engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2, uiPort: () => ui });
  const proxy = Number(new URL((await engine.start()).proxy).port);
  bridge = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: TOKEN });
  ui = (await bridge.listen()).port;
  ports = { ui, proxy, origin: (origin.address() as net.AddressInfo).port };
});

afterEach(async () => {
  await bridge.close();
  await engine.close();
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
});

/** GET an absolute URL through the proxy: on a new connection, or on the kept-alive one of `agent`. */
function viaProxy(url: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    http
      .get({ host: '127.0.0.1', port: ports.proxy, path: url, headers: { host: target.host }, agent: agent ?? false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** What the session's capture holds so far: its bytes and its analysis. */
async function captured() {
  const bytes = readFileSync(await engine.captureFile());
  return { text: bytes.toString('latin1'), report: analyseCapture(readRecords([bytes])) };
}

describe("Chunkscope's own UI through its own proxy", () => {
  it('is relayed (the page loads, under any name of this machine) but nothing of it is recorded: not the token, not a connection', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const page = await viaProxy(`http://${host}:${ports.ui}/?token=${TOKEN}`);
      expect(page).toMatchObject({ status: 200, body: expect.stringContaining('<title>Chunkscope</title>') });
    }
    const origin = await viaProxy(`http://127.0.0.1:${ports.origin}/other`);
    expect(origin.body).toBe('from the origin\n');
    const { text, report } = await captured();
    expect(text).not.toContain(TOKEN);
    expect(report.connections.map((c) => c.exchanges.map((e) => e.request?.startLine))).toEqual([[`GET http://127.0.0.1:${ports.origin}/other HTTP/1.1`]]);
  });

  it("its WebSocket through the proxy (a CONNECT) works and streams updates, none of them recorded", async () => {
    const socket = net.connect({ host: '127.0.0.1', port: ports.proxy });
    socket.write(`CONNECT 127.0.0.1:${ports.ui} HTTP/1.1\r\nHost: 127.0.0.1:${ports.ui}\r\n\r\n`);
    const established = await new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    expect(established).toMatch(/^HTTP\/1\.1 200 /);
    const ws = new WebSocket(`ws://127.0.0.1:${ports.ui}/api/ws?token=${TOKEN}`, { createConnection: () => socket });
    const first = await new Promise<BridgeMessage>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(data.toString()) as BridgeMessage));
      ws.once('error', reject);
    });
    expect(first).toMatchObject({ type: 'update', batch: { reset: true } });
    ws.close();
    const { text, report } = await captured();
    expect(text).not.toContain(TOKEN);
    expect(report.connections).toEqual([]);
  });

  it('a kept-alive connection that turns to the UI is closed before that request (not sent, not recorded); a new connection then loads it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await viaProxy(`http://127.0.0.1:${ports.origin}/first`, agent)).body).toBe('from the origin\n');
    await expect(viaProxy(`http://127.0.0.1:${ports.ui}/?token=${TOKEN}`, agent)).rejects.toThrow(/socket hang up/);
    expect((await viaProxy(`http://127.0.0.1:${ports.ui}/?token=${TOKEN}`, agent)).status).toBe(200);
    agent.destroy();
    const { text, report } = await captured();
    expect(text).not.toContain(TOKEN);
    expect(report.connections).toHaveLength(1);
    const [first] = report.connections;
    expect(first!.exchanges.map((e) => e.request?.startLine)).toEqual([`GET http://127.0.0.1:${ports.origin}/first HTTP/1.1`]);
    expect(first!.closes).toContainEqual(expect.objectContaining({ side: 'client', kind: 'fin', by: 'proxy', detail: expect.stringContaining("its next request, which was for Chunkscope's own UI") }));
  });

  it('a kept-alive connection of the UI that turns elsewhere is closed too, and the request, sent again, is recorded', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await viaProxy(`http://127.0.0.1:${ports.ui}/?token=${TOKEN}`, agent)).status).toBe(200);
    await expect(viaProxy(`http://127.0.0.1:${ports.origin}/after`, agent)).rejects.toThrow(/socket hang up/);
    expect((await viaProxy(`http://127.0.0.1:${ports.origin}/after`, agent)).body).toBe('from the origin\n');
    agent.destroy();
    const { text, report } = await captured();
    expect(text).not.toContain(TOKEN);
    expect(report.connections.map((c) => c.exchanges.map((e) => e.request?.startLine))).toEqual([[`GET http://127.0.0.1:${ports.origin}/after HTTP/1.1`]]);
  });
});
