// WebSockets in the app: a real `ws` client and server talking through the proxy, their
// messages in the exchange's Messages tab (who, when, what, how big as sent and inflated,
// the close code), the row's badge and the `ws` filter; and a server that breaks RFC 6455,
// its frame shown as a finding with its byte offset.

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { HttpProxyAgent } from 'http-proxy-agent';
import WebSocket, { WebSocketServer } from 'ws';
import { request, readUntilFin, fin, write } from '../main/proxy/test-support/origin';
import { concat, frame } from '../main/websocket/test-support/frames';
import { ChunkscopePage } from './support/chunkscope-page';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

let served: Served;
const origins = new Origins();
let wss: WebSocketServer;

test.beforeAll(async () => {
  served = await startServe();
  // Compresses every message, however small: the sizes as sent and inflated differ.
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo: ${String(data)}`, { binary: isBinary })));
  await new Promise((resolve) => wss.once('listening', resolve));
});

test.afterAll(async () => {
  await served.stop();
  await new Promise((resolve) => wss.close(resolve));
  await origins.closeAll();
});

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });

/** A `ws` client through the proxy (an absolute-form upgrade, as a client told HTTP_PROXY sends it): a text, a binary message, then Close 4000 "bye". */
async function talk(url: string): Promise<void> {
  const socket = new WebSocket(url, { agent: new HttpProxyAgent(served.proxy), perMessageDeflate: { threshold: 0 } });
  const replies: unknown[] = [];
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const reply = () => new Promise((resolve) => socket.once('message', (data) => resolve(replies.push(data))));
  socket.send('hello');
  await reply();
  socket.send(Buffer.from([0, 1, 2, 254, 255]));
  await reply();
  await new Promise((resolve) => {
    socket.once('close', resolve);
    socket.close(4000, 'bye');
  });
  expect(replies).toHaveLength(2);
}

test('a real WebSocket through the proxy: its messages in the Messages tab, the row badge, the ws filter', async ({ page }) => {
  const app = await ui(page);
  const origin = `127.0.0.1:${(wss.address() as AddressInfo).port}`;
  await talk(`ws://${origin}/chat`);
  const row = app.row('/chat');
  await expect(row.getByTestId('ws-badge')).toHaveText('WS 6 · closed');
  await expect(app.cell(row, 'status')).toHaveText(/101/);

  // The filter's word, and its alias.
  await app.filter('ws');
  await expect(app.rows()).toHaveCount(1);
  await app.filter('-websocket');
  await expect(app.rows()).toHaveCount(0);
  await app.filter('');

  await app.open('/chat');
  await app.tab('messages');
  await expect(app.headline()).toContainText('WebSocket closed cleanly: 6 messages (3 from the client, 3 from the server)');
  await expect(page.getByTestId('ws-handshake')).toContainText('extensions: permessage-deflate');
  const messages = page.getByTestId('ws-message');
  await expect(messages).toHaveCount(6);
  await expect(messages.locator('[data-col="direction"]')).toHaveText(['client → server', 'server → client', 'client → server', 'server → client', 'client → server', 'server → client']);
  await expect(messages.locator('[data-col="kind"]')).toHaveText(['textdeflate', 'textdeflate', 'binarydeflate', 'binarydeflate', 'close', 'close']);
  await expect(messages.locator('[data-col="content"]')).toHaveText(['hello', 'echo: hello', '00 01 02 fe ff', '00 01 02 fe ff', '4000 private use (4000-4999) "bye"', '4000 private use (4000-4999) "bye"']);
  // Compressed: the size inflated, and as sent.
  await expect(messages.nth(0).locator('[data-col="size"]')).toHaveText(/^5 B \(\d+ B sent\)$/);
  await expect(messages.nth(4).locator('[data-col="size"]')).toHaveText('5 B');
  await expect(messages.nth(1).locator('[data-col="at"]')).toHaveText(/\d/);

  await messages.nth(1).click();
  const detail = page.getByTestId('ws-message-detail');
  await expect(detail).toContainText('server → client');
  await expect(detail).toContainText('text (opcode 0x1)');
  await expect(detail).toContainText('compressed (permessage-deflate), shown decompressed');
  await expect(page.getByTestId('ws-message-text')).toHaveText('echo: hello');
  await messages.nth(2).click();
  await expect(page.getByTestId('ws-message-hex')).toHaveText('00 01 02 fe ff');
  await app.screenshot('websocket-messages');
});

const UPGRADE = 'GET http://ORIGIN/raw HTTP/1.1\r\nHost: ORIGIN\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

test('a frame with a reserved opcode is a finding with its byte offset; a click shows the byte in Raw', async ({ page }) => {
  const app = await ui(page);
  const server = await origins.misbehaving([request(), write(concat([Buffer.from(SWITCHING, 'latin1'), frame({ opcode: 0x3, payload: 'odd' }), frame({ opcode: 'text', payload: 'fine' })])), readUntilFin(), fin()]);
  const upgrade = UPGRADE.replaceAll('ORIGIN', `127.0.0.1:${server.port}`);
  // A raw client: the upgrade, a masked Close once the server's frames are in, then FIN.
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(served.proxyPort, '127.0.0.1', () => socket.write(upgrade));
    let received = 0;
    socket.on('data', (d) => {
      received += d.length;
      if (received >= SWITCHING.length + 5 + 6) socket.end(frame({ opcode: 'close', payload: '\x03\xe8', mask: [1, 2, 3, 4] }));
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  const row = app.row('/raw');
  await expect(row.getByTestId('ws-badge')).toHaveText('WS 3 · closed');
  await app.open('/raw');
  await app.tab('messages');
  const messages = page.getByTestId('ws-message');
  await expect(messages).toHaveCount(3);
  await expect(messages.nth(0).getByTestId('ws-problem')).toHaveText(`✗ ws-reserved-opcode at byte ${SWITCHING.length}`);
  await expect(messages.nth(0).locator('[data-col="kind"]')).toHaveText('opcode 0x3 (reserved)');
  await expect(messages.nth(1).locator('[data-col="content"]')).toHaveText('fine');
  await messages.nth(0).click();
  await expect(page.getByTestId('ws-message-problems')).toContainText(`ws-reserved-opcode at byte ${SWITCHING.length}: `);
  await expect(page.getByTestId('ws-message-problems')).toContainText('reserved');
  await app.screenshot('websocket-malformed');
  await page.getByTestId('ws-message-problems').getByRole('button').click();
  await expect(page.getByTestId('tab-raw')).toHaveAttribute('aria-selected', 'true');
});
