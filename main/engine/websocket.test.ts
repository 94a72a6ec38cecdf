// WebSockets through the proxy, as the API tells them: a real client and server (the `ws`
// package) over ws:// and over wss:// (decrypted), and raw peers that break RFC 6455,
// whose bytes the relay still mirrors exactly.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ExchangeRow, UpdateBatch, WebSocketMessage } from '../../shared/api';
import { eventually } from '../proxy/test-support/harness';
import { origin, readUntilFin, fin, request, write } from '../proxy/test-support/origin';
import { tlsWorld, type TlsWorld } from '../tls/test-support/tls-world';
import { concat, frame } from '../websocket/test-support/frames';
import { Engine, type EngineOptions } from './engine';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let world: TlsWorld;
beforeAll(async () => {
  world = await tlsWorld();
});

async function engineWith(options: Partial<EngineOptions>) {
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2, ...options });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const rows = new Map<string, ExchangeRow>();
  engine.onUpdate((batch: UpdateBatch) => {
    if (batch.reset) rows.clear();
    for (const row of batch.rows ?? []) rows.set(row.id, row);
  });
  return { engine, port: Number(new URL(proxy).port), rows };
}

/** A `ws` server that echoes what it gets ("echo: …"), compressing every message. */
function echo(wss: WebSocketServer): void {
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo: ${String(data)}`, { binary: isBinary }));
  });
}

const deflate = { threshold: 0 }; // compress every message, however small

/** Talk to the echo server: a text, a binary message, a fragmented one, a ping, a long text, and a close. */
async function conversation(socket: WebSocket): Promise<{ code: number; reason: string }> {
  const replies: (string | Buffer)[] = [];
  let waiting: (() => void) | null = null;
  socket.on('message', (data, isBinary) => {
    replies.push(isBinary ? (data as Buffer) : String(data));
    waiting?.();
  });
  const reply = () => new Promise<void>((resolve) => (waiting = resolve));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send('hello');
  await reply();
  socket.send(Buffer.from([0, 1, 2, 254, 255]));
  await reply();
  socket.send('frag', { fin: false });
  socket.send('mented', { fin: true });
  await reply();
  await new Promise<void>((resolve) => {
    socket.once('pong', () => resolve());
    socket.ping('are you there');
  });
  socket.send('x'.repeat(100_000));
  await reply();
  expect(replies.slice(0, 3)).toEqual(['echo: hello', Buffer.from([0, 1, 2, 254, 255]), 'echo: fragmented']);
  return new Promise((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
    socket.close(4000, 'bye');
  });
}

/** What a user reads of each message: who, what, its text or its data, its fragments. */
function shown(m: WebSocketMessage) {
  const payload = m.text !== null ? (m.text.length > 20 ? `${m.text.slice(0, 20)}… (${m.size} bytes)` : m.text) : Buffer.from(m.data!, 'base64').toString('hex');
  return `${m.from} ${m.kind}${m.frames > 1 ? ` in ${m.frames} frames` : ''}${m.compressed ? (m.decompressed ? ' (decompressed)' : ' (compressed)') : ''}: ${payload}${m.close ? ` · ${m.close.code} ${m.close.meaning} "${m.close.reason}"` : ''}`;
}

const EXPECTED = [
  'client text (decompressed): hello',
  'server text (decompressed): echo: hello',
  'client binary (decompressed): 000102feff',
  'server binary (decompressed): 000102feff',
  'client text in 2 frames (decompressed): fragmented',
  'server text (decompressed): echo: fragmented',
  'client ping: 61726520796f75207468657265',
  'server pong: 61726520796f75207468657265',
  'client text (decompressed): xxxxxxxxxxxxxxxxxxxx… (100000 bytes)',
  'server text (decompressed): echo: xxxxxxxxxxxxxx… (100006 bytes)',
  'client close: 0fa0627965 · 4000 private use (4000-4999) "bye"',
  'server close: 0fa0627965 · 4000 private use (4000-4999) "bye"',
];

describe('a real WebSocket through the proxy', () => {
  it('over ws://: every message the API returns, decompressed, and the close handshake in its account', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: deflate });
    cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
    echo(wss);
    await new Promise((resolve) => wss.once('listening', resolve));
    const { engine, port, rows } = await engineWith({ reverse: { host: '127.0.0.1', port: (wss.address() as AddressInfo).port } });

    const closed = await conversation(new WebSocket(`ws://127.0.0.1:${port}/chat`, { perMessageDeflate: deflate }));
    expect(closed).toEqual({ code: 4000, reason: 'bye' });
    await eventually(() => rows.get('1:0')?.ended != null, 5000, 'the connection to end');

    expect(rows.get('1:0')).toMatchObject({ status: 101, webSocket: { messages: 12, client: 6, server: 6, closed: true }, anomalies: { count: 0 } });
    const result = await engine.webSocketMessages({ id: '1:0' });
    expect(result.messages.map(shown)).toEqual(EXPECTED);
    expect(result).toMatchObject({ extensions: 'permessage-deflate', deflate: { client: { contextTakeover: true }, server: { contextTakeover: true } }, kept: 12, omitted: 0, open: false });
    expect(result.headline).toMatch(/^WebSocket closed cleanly: 12 messages \(6 from the client, 6 from the server\); the client sent Close \(4000, private use \(4000-4999\): "bye"\), the server answered with Close \(4000, private use \(4000-4999\)\); then the server closed the connection \(FIN\)$/);
    // Times come from the reads: each reply after its message.
    for (let i = 1; i < result.messages.length; i++) expect(result.messages[i]!.first).toBeGreaterThanOrEqual(result.messages[i - 1]!.first);
    // Paged like streamView.
    expect((await engine.webSocketMessages({ id: '1:0', from: 10 })).messages.map(shown)).toEqual(EXPECTED.slice(10));
  });

  it('over wss://: the decrypted session’s messages, the same as over ws://', async () => {
    const leaf = await world.originCa.leaf('127.0.0.1');
    const server = https.createServer({ key: leaf.key, cert: leaf.cert });
    const wss = new WebSocketServer({ server, perMessageDeflate: deflate });
    echo(wss);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)), () => new Promise((resolve) => wss.close(resolve)));
    const originPort = (server.address() as AddressInfo).port;
    const { engine, port, rows } = await engineWith({ https: { noIntercept: [], insecureUpstream: false, extraRoots: [world.originCa.certPem], dir: join(world.dir, 'data') } });

    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connect = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: `127.0.0.1:${originPort}`, agent: false });
      connect.once('connect', (response, tunnel: net.Socket) => (response.statusCode === 200 ? resolve(tunnel) : reject(new Error(`CONNECT: ${response.statusCode}`))));
      connect.once('error', reject);
      connect.end();
    });
    const client = new WebSocket(`wss://127.0.0.1:${originPort}/secure`, { perMessageDeflate: deflate, createConnection: () => tls.connect({ socket, ca: world.ca.certPem, host: '127.0.0.1' }) });
    expect(await conversation(client)).toEqual({ code: 4000, reason: 'bye' });

    await eventually(() => [...rows.values()].some((r) => r.webSocket?.closed && r.ended != null), 5000, 'the decrypted WebSocket to end');
    const row = [...rows.values()].find((r) => r.webSocket)!;
    expect(row).toMatchObject({ tls: true, status: 101, path: '/secure', webSocket: { messages: 12 } });
    const result = await engine.webSocketMessages({ id: row.id });
    expect(result.messages.map(shown)).toEqual(EXPECTED);
    expect(result.tone).toBe('ok');
  });
});

const UPGRADE = 'GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
/** A reserved opcode, then a ping of 126 bytes (control frames carry at most 125), then a good text. */
const SERVER_FRAMES = concat([frame({ opcode: 0x3, payload: 'odd' }), frame({ opcode: 'ping', payload: 'p'.repeat(126) }), frame({ opcode: 'text', payload: 'fine' })]);
const FROM_SERVER = concat([Buffer.from(SWITCHING, 'latin1'), SERVER_FRAMES]);
/** A client frame without its mask. */
const UNMASKED = frame({ opcode: 'text', payload: 'no mask' });

/** A raw client: the upgrade, then (once the server's frames are in) an unmasked frame, then FIN; every byte it received. */
function rawClient(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(UPGRADE));
    let received = Buffer.alloc(0);
    let sent = false;
    socket.on('data', (d) => {
      received = Buffer.concat([received, d]);
      if (!sent && received.length >= FROM_SERVER.length) {
        sent = true;
        socket.end(UNMASKED);
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('malformed frames from raw peers', () => {
  it('are findings with their byte offsets, and the client gets the same bytes as without the proxy', async () => {
    const server = await origin([request(), write(FROM_SERVER), readUntilFin(), fin()]);
    cleanups.push(() => server.close());
    const direct = await rawClient(server.port);
    const { engine, port, rows } = await engineWith({ reverse: { host: '127.0.0.1', port: server.port } });
    const proxied = await rawClient(port);
    expect(Buffer.compare(proxied, direct)).toBe(0);
    expect(Buffer.compare(proxied, Buffer.from(FROM_SERVER))).toBe(0);
    // The origin got the same bytes from the proxy as from the client itself.
    expect(Buffer.compare(server.connections[1]!.received, server.connections[0]!.received)).toBe(0);

    await eventually(() => rows.get('1:0')?.ended != null, 5000, 'the connection to end');
    expect([...rows.get('1:0')!.anomalies.codes].sort()).toEqual(['ws-control-too-long', 'ws-no-close-frame', 'ws-reserved-opcode', 'ws-unmasked-client-frame']);
    const detail = await engine.exchangeDetail({ id: '1:0' });
    const at = (code: string) => [...detail.request!.anomalies, ...detail.response!.anomalies].find((a) => a.code === code)?.offset;
    expect(at('ws-unmasked-client-frame')).toBe(UPGRADE.length + 1);
    expect(at('ws-reserved-opcode')).toBe(SWITCHING.length);
    expect(at('ws-control-too-long')).toBe(SWITCHING.length + 5 + 1);
    expect(detail.response!.anomalies.find((a) => a.code === 'ws-control-too-long')!.message).toBe("the server's frame #2, a ping frame, carries 126 bytes of payload: control frames carry at most 125 (RFC 6455 §5.5)");

    const result = await engine.webSocketMessages({ id: '1:0' });
    expect(result.messages.map((m) => [m.from, m.kind, m.opcode, m.problems])).toEqual([
      ['server', 'reserved', 3, ['ws-reserved-opcode']],
      ['server', 'ping', 9, ['ws-control-too-long']],
      ['server', 'text', 1, []],
      ['client', 'text', 1, ['ws-unmasked-client-frame']],
    ]);
    expect(result.tone).toBe('problem');
    await expect(engine.webSocketMessages({ id: '1:1' })).rejects.toThrow(/no exchange #2 on c1/);
  });
});
