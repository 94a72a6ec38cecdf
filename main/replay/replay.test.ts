// Replay, tried with real clients: a capture of the lab misbehaving, replayed to curl
// (--serve) makes curl fail exactly as it did; its requests re-sent to a server (--to)
// reproduce the same framing, or say what differs.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../cli/test-support/run-cli';
import { curl } from '../proxy/test-support/clients';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { origin, request, write, fin } from '../proxy/test-support/origin';
import { startLab, type Lab } from '../lab/lab';
import { chunkedPosts } from '../lab/test-support/posts';
import { CapturedSession } from './captured';
import { replayToServer } from './client';
import { startReplayServer } from './serve';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function lab(resetAfter = 4000): Promise<Lab> {
  const l = await startLab({ resetAfter });
  cleanups.push(() => l.close());
  return l;
}

/** Run `client` through a reverse proxy in front of `origin`; the capture file it wrote. */
async function capture(originPort: number, client: (proxyUrl: string, proxyPort: number) => Promise<unknown>): Promise<string> {
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: originPort } });
  cleanups.push(() => proxy.finish());
  await client(proxy.url, proxy.port);
  await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish its connections');
  await proxy.finish();
  return proxy.capturePath;
}

function open(path: string): CapturedSession {
  const session = CapturedSession.open(path);
  cleanups.push(() => session.close());
  return session;
}

async function replayServer(path: string, options: { speed?: number; connection?: string } = {}) {
  const server = await startReplayServer(open(path), options);
  cleanups.push(() => server.close());
  return server;
}

interface Read {
  time: number;
  bytes: Buffer;
}

/** One GET on a raw socket: every read with its time, and how the connection ended. */
function rawGet(port: number, path: string): Promise<{ reads: Read[]; end: 'fin' | 'rst' | 'timeout' }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const reads: Read[] = [];
    const start = performance.now();
    const finish = (end: 'fin' | 'rst' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reads, end });
    };
    const timer = setTimeout(() => finish('timeout'), 15_000);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: lab\r\n\r\n`));
    socket.on('data', (bytes) => reads.push({ time: performance.now() - start, bytes }));
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'timeout'));
  });
}

/** Sequential chunked POSTs on one connection until the server ends it: how many answered, and how. */
describe('chunkscope replay --serve: the captured responses, byte for byte, timing and end included', () => {
  it('a missing last chunk: curl sees the same bytes and exits 18 again', async () => {
    const l = await lab();
    let original!: Awaited<ReturnType<typeof curl>>;
    const path = await capture(l.port, async (url) => (original = await curl([`${url}/no-terminator`])));
    expect(original.status).toBe(18);
    const replay = await replayServer(path);
    const replayed = await curl([`${replay.url}/no-terminator`]);
    expect(replayed.status).toBe(18);
    expect(replayed.output.equals(original.output)).toBe(true);
  });

  it('an RST mid-chunk replays as an RST: curl exits 56 again', async () => {
    const l = await lab();
    let original!: Awaited<ReturnType<typeof curl>>;
    const path = await capture(l.port, async (url) => (original = await curl([`${url}/reset-mid-chunk`])));
    expect(original.status).toBe(56);
    const replay = await replayServer(path);
    const replayed = await curl([`${replay.url}/reset-mid-chunk`]);
    expect(replayed.status).toBe(56);
    expect(replayed.output.equals(original.output)).toBe(true);
    expect((await rawGet(replay.port, '/reset-mid-chunk')).end).toBe('rst');
  });

  it('a stall replays as a stall, scaled by --speed', async () => {
    const l = await lab();
    const path = await capture(l.port, (url) => curl([`${url}/stall?ms=600`]));
    const gap = (reads: Read[]) => {
      const after = reads.find((r) => r.bytes.includes('after the stall'))!;
      const before = reads.find((r) => r.bytes.includes('before the stall'))!;
      return after.time - before.time;
    };
    // A replay never comes early; on a busy machine it may come late, so only the lower bound
    // is a test (and --speed 2 must beat the gap that --speed 1 can never go under).
    const normal = await rawGet((await replayServer(path)).port, '/stall?ms=600');
    expect(gap(normal.reads)).toBeGreaterThan(540);
    const fast = await rawGet((await replayServer(path, { speed: 2 })).port, '/stall?ms=600');
    expect(gap(fast.reads)).toBeGreaterThan(270);
    expect(gap(fast.reads)).toBeLessThan(gap(normal.reads));
  });

  it('one write per original read, each at least 90% of its original time after the first', async () => {
    const l = await lab();
    const path = await capture(l.port, (url) => curl([`${url}/drip?chunks=6&delay=120`]));
    const session = open(path);
    const reads = session.connections[0]!.reads.filter((r) => r.stream === 1);
    const originalTimes = reads.map((r) => (r.time - reads[0]!.time) * 1000);
    const replayed = await rawGet((await replayServer(path)).port, '/drip?chunks=6&delay=120');
    expect(replayed.reads.map((r) => r.bytes.length)).toEqual(reads.map((r) => r.length));
    // Each write at its original time after the first, never early (a busy machine may make one
    // late, and the gap after it short: the schedule, not each gap, is what holds).
    const times = replayed.reads.map((r) => r.time - replayed.reads[0]!.time);
    originalTimes.forEach((original, i) => {
      if (original > 50) expect(times[i]!).toBeGreaterThan(original * 0.9);
    });
  });

  it('requests are matched by method and target, in order; keep-alive requests follow their connection; others get a 404 that says so', async () => {
    const l = await lab();
    let original!: Awaited<ReturnType<typeof curl>>;
    const path = await capture(l.port, async (url) => (original = await curl([`${url}/ok`, `${url}/trailers`])));
    const replay = await replayServer(path);
    const replayed = await curl([`${replay.url}/ok`, `${replay.url}/trailers`]);
    expect(replayed.status).toBe(0);
    expect(replayed.output.equals(original.output)).toBe(true);
    const other = await curl([`${replay.url}/not-captured`]);
    expect(other.output.toString()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*Chunkscope replay: the capture has no exchange for GET \/not-captured/);
  });

  it('the command prints "listening on" and a line per replayed exchange', async () => {
    const l = await lab();
    const path = await capture(l.port, (url) => curl([`${url}/no-terminator`]));
    const cli = await startCli(['replay', path, '--serve', '0']);
    cleanups.push(() => cli.kill('SIGKILL'));
    expect((await curl([`${cli.url}/no-terminator`])).status).toBe(18);
    expect(await cli.waitForLine(/no-terminator ←/)).toMatch(/^r1 GET \/no-terminator ← c1 #1: \d+ reads?, [\d,]+ bytes, then FIN$/);
  });
});

describe('chunkscope replay --to: the captured requests again, and a framing diff', () => {
  it('4,000 chunked POSTs then an RST, replayed against the lab: the RST comes at the same request', async () => {
    const original = await lab(4000);
    let first!: Awaited<ReturnType<typeof chunkedPosts>>;
    const path = await capture(original.port, async (_url, port) => (first = await chunkedPosts(port, '/reset-after', 4001)));
    expect(first).toEqual({ answered: 4000, end: 'rst' });
    const session = open(path);
    expect(session.connections[0]!.exchanges).toHaveLength(4001);

    const again = await lab(4000);
    const [done] = await replayToServer(session, { to: new URL(again.url), timing: 'fast' });
    expect(done!.diff.exchanges.filter((e) => e.differences.length > 0)).toEqual([]);
    expect(done!.diff.now).toEqual({ kind: 'rst', by: 'server', responses: 4000 });
    expect(done!.diff.differences).toEqual([]);
    expect(done!.report.exchanges).toHaveLength(4001);
  }, 120_000);

  it('a server that now sends the last chunk: the diff says so, and the command exits 1', async () => {
    const l = await lab();
    const path = await capture(l.port, (url) => curl([`${url}/no-terminator`]));
    const fixed = await origin(() => [request(), write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5DC\r\n' + 'a'.repeat(1500) + '\r\n0\r\n\r\n'), fin()]);
    cleanups.push(() => fixed.close());
    const result = await runCli(['replay', path, '--to', fixed.url]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('c1: 1 exchange replayed, 0 the same, 1 different');
    expect(result.stdout).toContain('#1 GET /no-terminator: DIFFERENT: chunk sizes differ from chunk #2 (57D → none; 2 → 1 chunks); last chunk missing → present');
    expect(result.stdout).toContain('captured: 200 chunked 5DC 57D, last chunk MISSING');
    expect(result.stdout).toContain('now:      200 chunked 5DC, last chunk present');
    expect(result.stdout).toMatch(/1 connection replayed: 0 the same, 1 different\n$/);
  });

  it('the same server: everything the same, exit 0; original timing keeps the gaps between requests', async () => {
    const l = await lab();
    const path = await capture(l.port, async (url, port) => {
      await curl([`${url}/ok`]);
      await new Promise((r) => setTimeout(r, 600));
      await chunkedPosts(port, '/upload', 2);
    });
    const same = await runCli(['replay', path, '--to', l.url]);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/2 connections replayed: 2 the same, 0 different\n$/);

    // Original timing: the second connection starts at least 600 ms after the first, as captured
    // (as fast as the server answers, it starts once the first is done: a few hundred ms at most).
    const seen: number[] = [];
    const watch = net.createServer((socket) => {
      seen.push(performance.now());
      const upstream = net.connect({ host: '127.0.0.1', port: l.port });
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => watch.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => watch.close(r)));
    const port = (watch.address() as net.AddressInfo).port;
    const started = performance.now();
    const results = await replayToServer(open(path), { to: new URL(`http://127.0.0.1:${port}`), timing: 'original' });
    expect(results.every((r) => r.diff.differences.length === 0)).toBe(true);
    expect(seen).toHaveLength(2);
    // Measured from the replay's start, not from the first accept: on a busy machine that
    // accept can come late, but the second connection cannot be made before its time.
    expect(seen[1]! - started).toBeGreaterThanOrEqual(600);
  });

  it('a forward-proxy capture sent straight to an origin: the absolute-form target becomes origin-form, and says so', async () => {
    const l = await lab();
    const proxy = await startProxy();
    cleanups.push(() => proxy.finish());
    await curl(['-x', proxy.url, `${l.url}/ok`]);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy');
    await proxy.finish();
    const result = await runCli(['replay', proxy.capturePath, '--to', l.url]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`request line changed to fit the destination: c1 #1: GET ${l.url}/ok HTTP/1.1 → GET /ok HTTP/1.1`);
  });

  it('says what it cannot do: both or neither of --serve and --to, an unknown connection', async () => {
    const l = await lab();
    const path = await capture(l.port, (url) => curl([`${url}/ok`]));
    const neither = await runCli(['replay', path]);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain('give either --serve PORT');
    const unknown = await runCli(['replay', path, '--to', l.url, '--connection', 'c9']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('the capture has no connection c9 (it has c1)');
  });
});
