// The benchmark's origin, in its own process: raw sockets, prebuilt bytes, backpressure.
//   GET /big?mib=N   a chunked body of N MiB in 16 KiB chunks
//   GET /small       a small Content-Length body
//   POST /items      a chunked request answered with a small body (keep-alive)
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

const at = process.argv.indexOf('--tls');
const server =
  at >= 0
    ? tls.createServer({ cert: readFileSync(process.argv[at + 1]!), key: readFileSync(process.argv[at + 2]!), ALPNProtocols: ['http/1.1'] }, serve)
    : net.createServer(serve);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
});
