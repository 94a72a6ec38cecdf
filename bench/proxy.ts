// Proxy benchmark: the real `chunkscope proxy` (reverse mode, capture on) between a
// client in this process and an origin in a third, against the direct connection,
// measured in the same run.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, line, median, seconds, verdict } from './report';
import { memoryOf, startListening, type Started } from './processes';

const dist = fileURLToPath(new URL('.', import.meta.url));
const CHUNKED_BLOCK_BYTES = 64 * (4 + 2 + 16384 + 2);

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.setNoDelay(true);
    socket.once('error', reject);
  });
}

/** Download /big?mib=N and count bytes until the last chunk; MB/s of wire bytes. */
async function download(port: number, mib: number): Promise<number> {
  const socket = await connect(port);
  const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'.length;
  const total = head + mib * CHUNKED_BLOCK_BYTES + 5;
  let received = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d) => {
      received += d.length;
      if (received >= total) resolve();
    });
    socket.on('error', reject);
    socket.write(`GET /big?mib=${mib} HTTP/1.1\r\nHost: bench\r\n\r\n`);
  });
  const rate = total / 1e6 / seconds(start);
  socket.destroy();
  return rate;
}

/** Send `count` requests one after another on one connection; per-request times (ms). */
async function sequential(port: number, count: number, request: Buffer, responseBytes: number): Promise<number[]> {
  const socket = await connect(port);
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    let received = 0;
    let started = process.hrtime.bigint();
    const send = () => {
      started = process.hrtime.bigint();
      socket.write(request);
    };
    socket.on('data', (d) => {
      received += d.length;
      while (received >= responseBytes) {
        received -= responseBytes;
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (times.length === count) return resolve();
        send();
      }
    });
    send();
  });
  socket.destroy();
  return times;
}

const POST = Buffer.from('POST /items HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n\r\n7\r\na=1&b=2\r\n3\r\nc=3\r\n0\r\n\r\n');
const GET = Buffer.from('GET /small HTTP/1.1\r\nHost: bench\r\n\r\n');
const OK_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.length;
const SMALL_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'.length;

/**
 * How fast this disk takes appends, through to the device (fsync): the capture writes
 * every relayed byte once more, and past the page cache's dirty limit writes go at
 * the device's pace.
 */
export function diskAppend(path: string, mib: number): number {
  const block = Buffer.alloc(1024 * 1024, 0x61);
  const fd = openSync(path, 'w');
  const start = process.hrtime.bigint();
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  fsyncSync(fd);
  closeSync(fd);
  const rate = (mib * block.length) / 1e6 / seconds(start);
  rmSync(path, { force: true });
  return rate;
}

/** A listening port, or a process started for one run and stopped after it. */
export type Target = number | (() => Promise<Started>);

/** Measure each target in turn, `rounds` times, after one warm-up round; medians. */
export async function measure<K extends string>(rounds: number, targets: Record<K, Target>, run: (port: number) => Promise<number>, between?: () => void): Promise<Record<K, number>> {
  const names = Object.keys(targets) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = -1; round < rounds; round++) {
    for (const name of names) {
      const target = targets[name];
      const started = typeof target === 'number' ? null : await target();
      const value = await run(started ? started.port : (target as number));
      await started?.stop();
      if (round >= 0) samples[name].push(value);
      between?.();
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export async function benchProxy(): Promise<void> {
  const origin = await startListening(join(dist, 'bench-origin.mjs'), []);
  const upstream = `http://127.0.0.1:${origin.port}`;
  const capture = join(tmpdir(), `chunkscope-bench-${process.pid}.cscap`);
  const startProxy = (withCapture: boolean) =>
    startListening(join(dist, 'cli.mjs'), ['proxy', '--port', '0', '--reverse', upstream, '--quiet', ...(withCapture ? ['--capture', capture] : [])]);
  let proxy = await startProxy(true);
  const noCapture = await startProxy(false);
  const pipe = await startListening(join(dist, 'bench-relay.mjs'), [String(origin.port)]);
  const dropCapture = () => rmSync(capture, { force: true }); // the proxy appends to the unlinked file; disk space comes back
  process.stdout.write('\nProxy: the real `chunkscope proxy` (reverse mode, capture on, parsing both directions) vs direct, same run\n');
  process.stdout.write('  references: the proxy without --capture, and a bare Node socket.pipe() relay (no parsing, no capture)\n');
  try {
    const targets = { direct: origin.port, proxy: proxy.port, noCapture: noCapture.port, pipe: pipe.port };
    // Each 1 GiB download with capture on gets a proxy of its own and a new capture file, as
    // a user capturing one download has: rounds do not pile up unwritten pages of one file.
    const dl = await measure(3, { ...targets, proxy: () => startProxy(true) }, (port) => download(port, 1024), dropCapture);
    line('1 GiB chunked download (16 KiB)', [
      `proxy ${fmt(dl.proxy)} MB/s`,
      `direct ${fmt(dl.direct)} MB/s`,
      `ratio ${(dl.proxy / dl.direct).toFixed(2)}x (${verdict(dl.proxy / dl.direct, 0.6)}, aiming for 0.8x)`,
    ]);
    line('', [`without capture ${(dl.noCapture / dl.direct).toFixed(2)}x`, `bare pipe relay ${(dl.pipe / dl.direct).toFixed(2)}x`]);
    const disk = median([1, 2, 3].map(() => diskAppend(`${capture}.disk`, 1024)));
    line('', [`this disk takes 1 GiB of appends (fsync included) at ${fmt(disk)} MB/s: with capture on, the proxy runs at ${((dl.proxy / Math.min(disk, dl.noCapture)) * 100).toFixed(0)}% of min(disk, relay)`]);

    const posts = await measure(3, targets, async (port) => sum(await sequential(port, 4000, POST, OK_BYTES)));
    line('4,000 chunked POSTs, one connection', [
      `proxy ${fmt(posts.proxy)} ms`,
      `direct ${fmt(posts.direct)} ms`,
      `ratio ${(posts.proxy / posts.direct).toFixed(2)}x (${verdict(posts.proxy / posts.direct, 1.5, false)})`,
    ]);
    line('', [`without capture ${(posts.noCapture / posts.direct).toFixed(2)}x`, `bare pipe relay ${(posts.pipe / posts.direct).toFixed(2)}x`]);

    const gets = await measure(3, targets, async (port) => median(await sequential(port, 500, GET, SMALL_BYTES)));
    const added = gets.proxy - gets.direct;
    line('500 small GETs, one connection', [
      `median ${gets.proxy.toFixed(3)} ms via proxy`,
      `${gets.direct.toFixed(3)} ms direct`,
      `added ${added.toFixed(3)} ms per request (${added < 0.2 ? 'meets' : 'MISSES'} target < 0.2 ms)`,
    ]);
    line('', [`bare pipe relay adds ${(gets.pipe - gets.direct).toFixed(3)} ms`]);

    // Memory: a fresh proxy relays 5 GiB with capture on.
    await proxy.stop();
    dropCapture();
    proxy = await startProxy(true);
    const before = memoryOf(proxy.child.pid!);
    const rate = await download(proxy.port, 5 * 1024);
    const after = memoryOf(proxy.child.pid!);
    line('5 GiB through the proxy, capture on', [
      `rss ${fmt(before.rss)} MB before, ${fmt(after.rss)} MB after, ${fmt(after.peak)} MB peak`,
      `(${after.peak < 200 ? 'meets' : 'MISSES'} target < 200 MB)`,
      `${fmt(rate)} MB/s`,
    ]);
  } finally {
    for (const p of [proxy, noCapture, pipe, origin]) await p.stop();
    dropCapture();
  }
}
