// The benchmark's origin, in its own process: raw sockets, prebuilt bytes, backpressure.
//   GET /big?mib=N   a chunked body of N MiB in 16 KiB chunks
//   GET /small       a small Content-Length body
//   POST /items      a chunked request answered with a small body (keep-alive)
//   GET /sse?events=N&rate=R   server-sent events, one chunk each, R a second (written every 5 ms)
// With `--tls CERT KEY` it serves the same over TLS (ALPN http/1.1).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const CHUNK = 16 * 1024;
const chunk = Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), Buffer.alloc(CHUNK, 0x61), Buffer.from('\r\n')]);
const block = Buffer.concat(Array.from({ length: 64 }, () => chunk)); // 1 MiB of data
const small = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
const ok = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');

function serve(socket: net.Socket): void {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  let busy = false;
  socket.on('data', (data) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    if (!busy) next();
  });
  const next = (): void => {
    const headEnd = pending.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = pending.subarray(0, headEnd).toString('latin1');
    if (head.startsWith('POST')) {
      const end = pending.indexOf('\r\n0\r\n\r\n', headEnd);
      if (end < 0) return;
      pending = pending.subarray(end + 7);
      socket.write(ok);
      return next();
    }
    pending = pending.subarray(headEnd + 4);
    const sse = /^GET \/sse\?events=(\d+)&rate=(\d+)/.exec(head);
    if (sse) {
      busy = true;
      events(socket, Number(sse[1]), Number(sse[2]), () => {
        busy = false;
        next();
      });
      return;
    }
    const big = /^GET \/big\?mib=(\d+)/.exec(head);
    if (!big) {
      socket.write(small);
      return next();
    }
    busy = true;
    let left = Number(big[1]);
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!socket.write(block)) return void socket.once('drain', pump);
      }
      socket.write('0\r\n\r\n');
      busy = false;
      next();
    };
    pump();
  };
  socket.on('error', () => socket.destroy());
}

/** `count` events at `rate` a second, each its own chunk, a batch every 5 ms as a busy feed flushes them. */
function events(socket: net.Socket, count: number, rate: number, done: () => void): void {
  socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
  const started = performance.now();
  let sent = 0;
  const tick = (): void => {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
    const pieces: string[] = [];
    for (; sent < due; sent++) {
      const event = `id: ${sent}\ndata: {"n":${sent},"price":${(sent % 997) / 10}}\n\n`;
      pieces.push(`${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`);
    }
    if (pieces.length > 0) socket.write(pieces.join(''));
    if (sent < count) setTimeout(tick, 5);
    else {
      socket.write('0\r\n\r\n');
      done();
    }
  };
  tick();
}

const at = process.argv.indexOf('--tls');
const server =
  at >= 0
    ? tls.createServer({ cert: readFileSync(process.argv[at + 1]!), key: readFileSync(process.argv[at + 2]!), ALPNProtocols: ['http/1.1'] }, serve)
    : net.createServer(serve);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
});
