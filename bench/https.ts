// HTTPS benchmark: the real `chunkscope proxy` intercepting CONNECT (TLS terminated, a
// TLS connection of its own to the origin, parsing the decrypted bytes) against a TLS
// client talking straight to the same TLS origin, measured in the same run; and the CA's
// leaf certificates, made the first time and then cached.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../main/tls/ca';
import { fmt, line, median, seconds, verdict } from './report';
import { startListening } from './processes';
import { diskAppend } from './proxy';

const dist = fileURLToPath(new URL('.', import.meta.url));
const CHUNKED_BLOCK_BYTES = 64 * (4 + 2 + 16384 + 2);
const SMALL_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'.length;

interface Route {
  /** Open a TLS connection to the origin: directly, or through the proxy's CONNECT. */
  open(): Promise<tls.TLSSocket>;
}

function direct(originPort: number, ca: string): Route {
  return {
    open: () =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: originPort, ca, ALPNProtocols: ['http/1.1'] }, () => resolve(socket));
        socket.once('error', reject);
      }),
  };
}

function throughProxy(proxyPort: number, originPort: number, ca: string): Route {
  return {
    open: () =>
      new Promise((resolve, reject) => {
        const raw = net.connect({ host: '127.0.0.1', port: proxyPort }, () => raw.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: 127.0.0.1:${originPort}\r\n\r\n`));
        raw.setNoDelay(true);
        let head = '';
        const onData = (d: Buffer) => {
          head += d.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          raw.off('data', onData);
          if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`CONNECT refused: ${head.split('\r\n')[0]}`));
          const socket = tls.connect({ socket: raw, host: '127.0.0.1', ca, ALPNProtocols: ['http/1.1'] }, () => resolve(socket));
          socket.once('error', reject);
        };
        raw.on('data', onData);
        raw.once('error', reject);
      }),
  };
}

/** Read until `total` bytes arrived (or the connection ends). */
function readBytes(socket: tls.TLSSocket, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const onData = (d: Buffer) => {
      received += d.length;
      if (received >= total) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('end', () => (received >= total ? resolve() : reject(new Error(`ended after ${received} of ${total} bytes`))));
  });
}

/** New HTTPS connections per second: open, handshake, one small GET, close. */
async function connectionsPerSecond(route: Route, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const socket = await route.open();
    const done = readBytes(socket, SMALL_BYTES);
    socket.write('GET /small HTTP/1.1\r\nHost: bench\r\n\r\n');
    await done;
    socket.destroy();
  }
  return count / seconds(start);
}

/** Download /big?mib=N over TLS; MB/s of decrypted wire bytes. */
async function download(route: Route, mib: number): Promise<number> {
  const socket = await route.open();
  const total = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'.length + mib * CHUNKED_BLOCK_BYTES + 5;
  const start = process.hrtime.bigint();
  const done = readBytes(socket, total);
  socket.write(`GET /big?mib=${mib} HTTP/1.1\r\nHost: bench\r\n\r\n`);
  await done;
  const rate = total / 1e6 / seconds(start);
  socket.destroy();
  return rate;
}

/** A route, or one made for a single run (a fresh proxy) and stopped after it. */
type RouteTarget = Route | (() => Promise<{ route: Route; stop(): Promise<void> }>);

/** Each route in turn, `rounds` times after a warm-up round; the median of each. */
async function measure<K extends string>(rounds: number, routes: Record<K, RouteTarget>, run: (route: Route) => Promise<number>, between?: () => void): Promise<Record<K, number>> {
  const names = Object.keys(routes) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = -1; round < rounds; round++) {
    for (const name of names) {
      const target = routes[name];
      const made = typeof target === 'function' ? await target() : null;
      const value = await run(made ? made.route : (target as Route));
      await made?.stop();
      if (round >= 0) samples[name].push(value);
      between?.();
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

async function leafTimes(dir: string): Promise<{ first: number; cached: number }> {
  const ca = await CertificateAuthority.load(dir);
  await ca.leaf('warm-up.bench.test'); // the one leaf key is made once, with the first leaf
  const first: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `host-${i}.bench.test`;
    let start = process.hrtime.bigint();
    await ca.leaf(name);
    first.push(seconds(start) * 1000);
    start = process.hrtime.bigint();
    await ca.leaf(name);
    cached.push(seconds(start) * 1000);
  }
  return { first: median(first), cached: median(cached) };
}

export async function benchHttps(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-bench-tls-'));
  process.stdout.write('\nHTTPS: the real `chunkscope proxy` intercepting CONNECT (TLS both sides, parsing) vs a TLS client straight to the TLS origin, same run\n');
  process.stdout.write('  references: the proxy without --capture, and a bare Node TLS relay (native TLS sockets, pipe(), no parsing, no capture)\n');

  const leaves = await leafTimes(join(dir, 'leaf-ca'));
  line('leaf certificate (ECDSA P-256)', [`first time ${leaves.first.toFixed(2)} ms (median of 50 names)`, `cached ${leaves.cached.toFixed(4)} ms`]);

  // The origin's certificate comes from an authority of the benchmark's; the proxy trusts it
  // the way a user adds one for Node (NODE_EXTRA_CA_CERTS).
  const originCa = await CertificateAuthority.load(join(dir, 'origin-ca'));
  const leaf = await originCa.leaf('127.0.0.1');
  const files = { cert: join(dir, 'origin-cert.pem'), key: join(dir, 'origin-key.pem'), ca: join(dir, 'origin-ca.pem') };
  writeFileSync(files.cert, leaf.cert);
  writeFileSync(files.key, leaf.key, { mode: 0o600 });
  writeFileSync(files.ca, originCa.certPem);
  const dataDir = join(dir, 'data');
  const ca = await CertificateAuthority.load(dataDir);
  // The reference relay shows clients the same leaf Chunkscope would.
  const relayLeaf = await ca.leaf('127.0.0.1');
  const relayFiles = { cert: join(dir, 'relay-cert.pem'), key: join(dir, 'relay-key.pem') };
  writeFileSync(relayFiles.cert, `${relayLeaf.cert}\n${ca.certPem}`);
  writeFileSync(relayFiles.key, relayLeaf.key, { mode: 0o600 });
  const env = { CHUNKSCOPE_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: files.ca };
  const capture = join(dir, 'session.cscap');

  const origin = await startListening(join(dist, 'bench-origin.mjs'), ['--tls', files.cert, files.key]);
  const startProxy = (withCapture: boolean) => startListening(join(dist, 'cli.mjs'), ['proxy', '--port', '0', '--quiet', ...(withCapture ? ['--capture', capture] : [])], [], env);
  const proxy = await startProxy(true);
  const noCapture = await startProxy(false);
  const pipe = await startListening(join(dist, 'bench-tls-relay.mjs'), [relayFiles.cert, relayFiles.key, files.ca]);
  const dropCapture = () => rmSync(capture, { force: true });
  try {
    const routes = {
      direct: direct(origin.port, originCa.certPem),
      proxy: throughProxy(proxy.port, origin.port, ca.certPem),
      noCapture: throughProxy(noCapture.port, origin.port, ca.certPem),
      pipe: throughProxy(pipe.port, origin.port, ca.certPem),
    };
    const rates = await measure(3, routes, (route) => connectionsPerSecond(route, 200));
    line('new HTTPS connections (handshake + 1 GET)', [
      `proxy ${fmt(rates.proxy)}/s`,
      `direct ${fmt(rates.direct)}/s`,
      `ratio ${(rates.proxy / rates.direct).toFixed(2)}x (through the proxy: two TLS handshakes and a CONNECT)`,
    ]);
    line('', [`bare TLS relay ${(rates.pipe / rates.direct).toFixed(2)}x`]);

    // A proxy of its own and a new capture file for each 1 GiB download with capture on.
    const fresh = async () => {
      const started = await startProxy(true);
      return { route: throughProxy(started.port, origin.port, ca.certPem), stop: () => started.stop() };
    };
    const dl = await measure(3, { ...routes, proxy: fresh }, (route) => download(route, 1024), dropCapture);
    line('1 GiB chunked HTTPS download (16 KiB)', [
      `proxy ${fmt(dl.proxy)} MB/s`,
      `direct ${fmt(dl.direct)} MB/s`,
      `ratio ${(dl.proxy / dl.direct).toFixed(2)}x (${verdict(dl.proxy / dl.direct, 0.6)})`,
    ]);
    line('', [`without capture ${fmt(dl.noCapture)} MB/s, ${(dl.noCapture / dl.direct).toFixed(2)}x (${verdict(dl.noCapture / dl.direct, 0.6)})`]);
    line('', [`bare TLS relay (native TLS, pipe(), no parsing, no capture) ${fmt(dl.pipe)} MB/s, ${(dl.pipe / dl.direct).toFixed(2)}x: what a minimal Node TLS relay gets on this machine`]);
    const disk = median([1, 2, 3].map(() => diskAppend(`${capture}.disk`, 1024)));
    line('', [`this disk takes 1 GiB of appends (fsync included) at ${fmt(disk)} MB/s: with capture on, the proxy runs at ${((dl.proxy / Math.min(disk, dl.noCapture)) * 100).toFixed(0)}% of min(disk, relay)`]);
  } finally {
    for (const p of [proxy, noCapture, pipe, origin]) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
