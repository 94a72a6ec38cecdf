// A WebSocket peer flooding the smallest frames (2 bytes each) through the engine of
// `serve`: the relay's live analysis reads every frame on the relay's own event loop, so
// its worst delay is what every other connection waits meanwhile. Baseline, in the same
// run: the same bytes as a plain 200 body, which the analysis only counts.
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Engine } from '../main/engine/engine';
import { fmt, line } from './report';

const FRAMES = 4 * 1024 * 1024;
/** Empty binary frames, as a server sends them (unmasked): the counting loop reads them. */
const EMPTY = Buffer.alloc(FRAMES * 2, Buffer.from([0x82, 0x00]));
/** One binary message in empty fragments: each continuation goes the long way. */
const FRAGMENTS = Buffer.concat([Buffer.from([0x02, 0x00]), Buffer.alloc(FRAMES * 2 - 2, Buffer.from([0x00, 0x00]))]);
const UPGRADE = 'GET /flood HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
const PLAIN = `HTTP/1.1 200 OK\r\nContent-Length: ${EMPTY.length}\r\n\r\n`;

/** The origin: a request for /flood is upgraded and flooded with `flood()`, any other gets the same bytes as a body. */
function origin(flood: () => Buffer): Promise<net.Server> {
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.end(Buffer.concat([Buffer.from(head.startsWith('GET /flood') ? SWITCHING : PLAIN, 'latin1'), flood()]));
      head = '';
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One exchange through the proxy, read to its last byte; the worst event-loop delay meanwhile, ms. */
function relayed(port: number, request: string, expect: number): Promise<number> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  return new Promise((resolve, reject) => {
    let received = 0;
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(request));
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received < expect) return;
      socket.destroy();
      lag.disable();
      resolve(lag.max / 1e6);
    });
    socket.on('error', reject);
    socket.on('close', () => received < expect && reject(new Error(`the connection closed after ${received} of ${expect} bytes`)));
  });
}

export async function benchWebSocketFlood(): Promise<void> {
  let flooding = EMPTY;
  const server = await origin(() => flooding);
  const { port: originPort } = server.address() as net.AddressInfo;
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: originPort }, stallSeconds: 2 });
  const { proxy } = await engine.start();
  const port = Number(new URL(proxy).port);
  try {
    process.stdout.write(`\nA WebSocket flood through the engine of \`serve\`: ${fmt(FRAMES)} 2-byte frames (${fmt(EMPTY.length / 2 ** 20)} MiB), each read by the live analysis; the relay's worst event-loop delay\n`);
    for (const [label, bytes] of [['empty messages', EMPTY], ['one message, empty fragments', FRAGMENTS]] as const) {
      flooding = bytes;
      const flood: number[] = [];
      const plain: number[] = [];
      for (let round = 0; round < 4; round++) {
        engine.clear();
        flood.push(await relayed(port, UPGRADE, SWITCHING.length + bytes.length));
        plain.push(await relayed(port, 'GET /plain HTTP/1.1\r\nHost: bench\r\n\r\n', PLAIN.length + bytes.length));
      }
      // The first round warms up.
      const worst = Math.max(...flood.slice(1));
      const base = Math.max(...plain.slice(1));
      line(label, [`flood ${fmt(worst, 1)} ms`, `same bytes as a body ${fmt(base, 1)} ms`, `${worst < 50 ? 'meets' : 'MISSES'} target < 50 ms`]);
    }
  } finally {
    await engine.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
