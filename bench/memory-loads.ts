// The loads of the memory benchmark (memory.ts), each a client of a proxy at `port`:
// the shapes that once grew the proxy's memory without bound (issue 14, item 5).
import net from 'node:net';
import tls from 'node:tls';

const GET_SMALL = Buffer.from('GET /small HTTP/1.1\r\nHost: bench\r\n\r\n');
const SMALL_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'.length;
const OK_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.length;
const INTERIM_BYTES = 'HTTP/1.1 100 Continue\r\n\r\n'.length;
const CHUNKED_BLOCK_BYTES = 64 * (4 + 2 + 16384 + 2);

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Read until `total` bytes came; the connection is closed after. */
function readAll(socket: net.Socket | tls.TLSSocket, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= total) {
        socket.destroy();
        resolve();
      }
    });
    socket.once('error', reject);
    socket.once('close', () => (received >= total ? resolve() : reject(new Error(`the connection closed after ${received} of ${total} bytes`))));
  });
}

function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => socket.once('drain', resolve));
}

/** (a) `count` GETs pipelined on one connection, written 1,000 at a time, every response read. */
export async function pipelined(port: number, count: number): Promise<void> {
  const socket = await connect(port);
  const done = readAll(socket, count * SMALL_BYTES);
  const batch = Buffer.concat(Array.from({ length: 1000 }, () => GET_SMALL));
  for (let sent = 0; sent < count; sent += 1000) {
    if (!socket.write(count - sent >= 1000 ? batch : batch.subarray(0, (count - sent) * GET_SMALL.length))) await drained(socket);
  }
  await done;
}

/** (b) One request answered by `count` interim responses (100 Continue), then a 200. */
export async function interim(port: number, count: number): Promise<void> {
  const socket = await connect(port);
  const done = readAll(socket, count * INTERIM_BYTES + SMALL_BYTES);
  socket.write(`GET /continue?n=${count} HTTP/1.1\r\nHost: bench\r\n\r\n`);
  await done;
}

/** (c) `count` TLS handshakes through the forward proxy's CONNECT, each with a new SNI name, `parallel` at a time. */
export async function sniNames(port: number, originPort: number, count: number, parallel: number): Promise<void> {
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const raw = await connect(port);
    raw.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\n\r\n`);
    await new Promise<void>((resolve, reject) => {
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        raw.off('data', onData);
        if (head.startsWith('HTTP/1.1 200')) resolve();
        else reject(new Error(`CONNECT refused: ${head.split('\r\n')[0]}`));
      };
      raw.on('data', onData);
      raw.once('error', reject);
    });
    // The name is what the proxy signs a leaf for; the benchmark does not check it.
    const socket = tls.connect({ socket: raw, servername: `host-${i}.sni.bench.test`, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    socket.destroy(); // the leaf is made for the handshake: no request is needed
  };
  const worker = async (): Promise<void> => {
    while (next < count) await one(next++);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** (d) `count` chunked uploads of `mib` MiB each at once (in 64 KiB chunks), each answered. */
export async function uploads(port: number, count: number, mib: number): Promise<void> {
  const data = Buffer.alloc(64 * 1024, 0x61);
  const chunk = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
  const one = async (): Promise<void> => {
    const socket = await connect(port);
    const done = readAll(socket, OK_BYTES);
    socket.write('POST /upload HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < mib * 16; i++) if (!socket.write(chunk)) await drained(socket);
    socket.write('0\r\n\r\n');
    await done;
  };
  await Promise.all(Array.from({ length: count }, one));
}

/** (e) `count` downloads of `mib` MiB (chunked, 16 KiB chunks) at once, every byte read. */
export async function downloads(port: number, count: number, mib: number): Promise<void> {
  const total = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'.length + mib * CHUNKED_BLOCK_BYTES + 5;
  const one = async (): Promise<void> => {
    const socket = await connect(port);
    const done = readAll(socket, total);
    socket.write(`GET /big?mib=${mib} HTTP/1.1\r\nHost: bench\r\n\r\n`);
    await done;
  };
  await Promise.all(Array.from({ length: count }, one));
}
