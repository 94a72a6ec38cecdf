// The benchmark's origin, in its own process: raw sockets, prebuilt bytes, backpressure.
//   GET /big?mib=N   a chunked body of N MiB in 16 KiB chunks
//   GET /small       a small Content-Length body
//   POST /items      a chunked request answered with a small body (keep-alive)
//   GET /sse?events=N&rate=R   server-sent events, one chunk each, R a second (written every 5 ms)
//   GET /continue?n=N          N interim responses (100 Continue), then a small 200
//   POST /upload     a body of any size (Content-Length or chunked), read and dropped, then a small 200
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
  let pending: Buffer = Buffer.alloc(0);
  let busy = false;
  /** An upload's body being read: it takes the bytes until it says it is done. */
  let upload: UploadBody | null = null;
  socket.on('data', (read: Buffer) => {
    let data = read;
    if (upload) {
      const rest = upload.take(data);
      if (rest === null) return;
      upload = null;
      socket.write(ok);
      data = rest;
    }
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    if (!busy) next();
  });
  const next = (): void => {
    const headEnd = pending.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = pending.subarray(0, headEnd).toString('latin1');
    if (head.startsWith('POST /upload')) {
      const body = new UploadBody(head);
      const rest = body.take(pending.subarray(headEnd + 4));
      pending = Buffer.alloc(0);
      if (rest === null) return void (upload = body);
      socket.write(ok);
      pending = rest;
      return next();
    }
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
    const interim = /^GET \/continue\?n=(\d+)/.exec(head);
    if (interim) {
      busy = true;
      continues(socket, Number(interim[1]), () => {
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

/** A request body read and dropped: Content-Length bytes, or chunked up to its last chunk. */
class UploadBody {
  private left: number | null;
  private tail = '';

  constructor(head: string) {
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    this.left = length ? Number(length[1]) : null;
  }

  /** The bytes after the body once it is whole, else null (more to come). */
  take(data: Buffer): Buffer | null {
    if (this.left !== null) {
      if (data.length < this.left) {
        this.left -= data.length;
        return null;
      }
      return data.subarray(this.left);
    }
    // Chunked: the bench's bodies never hold the last chunk's bytes in their data.
    const text = this.tail + data.toString('latin1');
    const end = text.indexOf('\r\n0\r\n\r\n');
    if (end < 0) {
      this.tail = text.slice(-7);
      return null;
    }
    return data.subarray(end + 7 - this.tail.length);
  }
}

/** `count` interim responses (100 Continue) in writes of 1,000, with backpressure, then a 200. */
function continues(socket: net.Socket, count: number, done: () => void): void {
  const batch = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(1000));
  let left = count;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(1000, left);
      left -= n;
      if (!socket.write(n === 1000 ? batch : batch.subarray(0, n * 25))) return void socket.once('drain', pump);
    }
    socket.write(small);
    done();
  };
  pump();
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
