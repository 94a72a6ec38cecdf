// Client replay: re-send a capture's requests byte for byte, one write per original
// read, each captured connection on a connection of its own (keep-alive grouping kept),
// with the original timing or as fast as the server answers; then compare the framing
// of the new responses with the captured ones.

import net from 'node:net';
import tls from 'node:tls';
import type { ConnectionReport } from '../../shared/capture';
import type { CaptureEvent } from '../capture/format';
import { ConnectionAnalyzer } from '../session/connection';
import { readAt, type CapturedConnection, type CapturedRead, type CapturedSession } from './captured';
import { compareConnection, type ConnectionDiff } from './diff';

export interface ClientReplayOptions {
  /** Where to send: http://host:port or https://host:port. */
  to: URL;
  timing: 'original' | 'fast';
  /** Send through an HTTP proxy (a Chunkscope proxy, to capture the replay). */
  proxy?: URL | null;
  /** Gaps are divided by this with original timing. */
  speed?: number;
  /** Only this captured connection. */
  connection?: string | null;
  /** https: accept any certificate; or trust these PEM roots. */
  insecure?: boolean;
  ca?: string[];
  /** Give up waiting for a response or an end after this many seconds without a byte. */
  idleSeconds?: number;
}

export interface ReplayedConnection {
  source: CapturedConnection;
  report: ConnectionReport;
  diff: ConnectionDiff;
  /** Request lines Chunkscope changed to fit where it sent them, in words. */
  rewrites: string[];
}

/** Open a connection to `to`, through `proxy` if given (CONNECT for https). */
function openTransport(options: ClientReplayOptions): Promise<net.Socket> {
  const to = options.to;
  const secure = to.protocol === 'https:';
  const port = Number(to.port || (secure ? 443 : 80));
  const host = to.hostname.replace(/^\[|\]$/g, '');
  const tlsOver = (socket: net.Socket | undefined) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = tls.connect({
        socket,
        host,
        port,
        servername: net.isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: !options.insecure,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    });
  const tcp = (h: string, p: number) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: h, port: p, allowHalfOpen: true });
      s.setNoDelay(true);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  if (!options.proxy) return secure ? tlsOver(undefined) : tcp(host, port);
  const proxyHost = options.proxy.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = Number(options.proxy.port || 80);
  if (!secure) return tcp(proxyHost, proxyPort);
  return tcp(proxyHost, proxyPort).then(
    (raw) =>
      new Promise<net.Socket>((resolve, reject) => {
        raw.write(`CONNECT ${to.host} HTTP/1.1\r\nHost: ${to.host}\r\n\r\n`);
        let head = '';
        const onData = (d: Buffer) => {
          head += d.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          raw.off('data', onData);
          if (!/^HTTP\/1\.[01] 2\d\d/.test(head)) return reject(new Error(`the proxy refused CONNECT: ${head.split('\r\n')[0]}`));
          tlsOver(raw).then(resolve, reject);
        };
        raw.on('data', onData);
        raw.once('error', reject);
      }),
  );
}

/** The request line's target, rewritten for where the request goes now; null when unchanged. */
export function retarget(line: string, options: ClientReplayOptions): string | null {
  const m = /^(\S+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
  if (!m) return null;
  const [, method, target, version] = m as unknown as [string, string, string, string];
  if (method === 'CONNECT' || target === '*') return null;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^#]*)$/.exec(target);
  const path = absolute ? absolute[1] || '/' : target;
  // Through an HTTP proxy, plain http needs the absolute form; everywhere else the origin form.
  const wanted = options.proxy && options.to.protocol === 'http:' ? `http://${options.to.host}${path}` : path;
  return wanted === target ? null : `${method} ${wanted} ${version}`;
}

interface Piece {
  read: CapturedRead;
  /** Stream offsets of the part of the read that belongs to this request. */
  start: number;
  end: number;
  /** Set when the request line was rewritten in it: sent instead of the captured bytes. */
  bytes: Buffer | null;
}

/** The first read of one stream that ends after stream offset `offset`. */
function firstReadAfter(reads: CapturedRead[], offset: number): number {
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reads[mid]!.offset + reads[mid]!.length <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Each request's reads (bytes stay in the file until sent), the request line fitted to the destination. */
function requestPieces(session: CapturedSession, source: CapturedConnection, options: ClientReplayOptions, rewrites: string[]): { exchange: number; pieces: Piece[] }[] {
  const reads = source.reads.filter((r) => r.stream === 0);
  const requests = source.exchanges.filter((e) => e.request !== null && e.method !== 'CONNECT');
  return requests.map((e, i) => {
    const start = i === 0 ? 0 : e.request!.offset;
    const end = requests[i + 1]?.request?.offset ?? source.bytes[0];
    const pieces: Piece[] = [];
    for (let r = firstReadAfter(reads, start); r < reads.length && reads[r]!.offset < end; r++) {
      const read = reads[r]!;
      pieces.push({ read, start: Math.max(start, read.offset), end: Math.min(end, read.offset + read.length), bytes: null });
    }
    // The request line (within its first 64 KiB): rewritten if it must be, merging reads only if it spans them.
    const lineStart = e.request!.offset - start;
    let head = Buffer.alloc(0);
    let merged = 0;
    let lineEnd = -1;
    while (merged < pieces.length && lineEnd < 0 && head.length < lineStart + 65536) {
      const p = pieces[merged++]!;
      head = Buffer.concat([head, session.bytes(p.read, p.start, p.end)]);
      lineEnd = head.indexOf(0x0a, lineStart);
    }
    if (lineEnd >= 0) {
      const line = head.subarray(lineStart, lineEnd).toString('latin1').replace(/\r$/, '');
      const changed = retarget(line, options);
      if (changed) {
        rewrites.push(`${source.id} #${e.index + 1}: ${line} → ${changed}`);
        const rewritten = Buffer.concat([head.subarray(0, lineStart), Buffer.from(changed, 'latin1'), head.subarray(lineStart + line.length)]);
        pieces.splice(0, merged, { read: pieces[0]!.read, start: pieces[0]!.start, end: pieces[merged - 1]!.end, bytes: rewritten });
      }
    }
    return { exchange: e.index, pieces };
  });
}

export async function replayConnection(session: CapturedSession, source: CapturedConnection, options: ClientReplayOptions, clock: () => number): Promise<ReplayedConnection> {
  const rewrites: string[] = [];
  const requests = requestPieces(session, source, options, rewrites);
  const speed = options.speed ?? 1;
  const idleMs = (options.idleSeconds ?? 30) * 1000;
  const openedAt = clock();
  const analyzer = new ConnectionAnalyzer(source.number, 'replay', 'reverse', openedAt, { clientIsChunkscope: true });
  const record = (event: Omit<Extract<CaptureEvent, { type: 'close' }>, 'type' | 'connection' | 'time'>) =>
    analyzer.event({ type: 'close', connection: source.number, time: clock(), ...event });

  let socket: net.Socket;
  try {
    socket = await openTransport(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    analyzer.event({ type: 'upstream-failed', connection: source.number, time: clock(), target: options.to.host, reason, code: (error as NodeJS.ErrnoException).code ?? null });
    analyzer.finish();
    const report = analyzer.report();
    return { source, report, diff: compareConnection(source.report, report, reason), rewrites };
  }
  const startReal = performance.now();

  let completed = 0; // responses complete (final ones)
  let serverEnded: 'fin' | 'rst' | 'error' | null = null;
  let lastByte = performance.now();
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('data', (bytes: Buffer) => {
    lastByte = performance.now();
    for (const e of analyzer.data(1, bytes, clock())) if (e.type === 'message-complete') completed++;
    wake();
  });
  socket.on('end', () => {
    serverEnded ??= 'fin';
    record({ side: 'upstream', kind: 'fin', by: 'peer', detail: null });
    record({ side: 'client', kind: 'fin', by: 'proxy', detail: null });
    wake();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const kind = error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'rst' : 'error';
    if (!serverEnded) {
      serverEnded = kind;
      record({ side: 'upstream', kind, by: 'peer', detail: kind === 'error' ? error.message : null });
      record({ side: 'client', kind, by: 'proxy', detail: null });
    }
    wake();
  });
  socket.on('close', () => {
    if (!serverEnded) {
      serverEnded = 'error';
      record({ side: 'client', kind: 'error', by: 'proxy', detail: 'closed' });
    }
    wake();
  });

  /** Wait until `ready()` holds, the server ends, or nothing arrives for the idle time. */
  const until = (ready: () => boolean, deadline = Infinity) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (ready()) return done(true);
        if (serverEnded || performance.now() >= deadline) return done(false);
        if (performance.now() - lastByte >= idleMs) return done(false);
      };
      const timer = setInterval(check, 20);
      const done = (value: boolean) => {
        clearInterval(timer);
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });
  const sleepUntilReal = (due: number) => until(() => performance.now() >= due, due);
  const send = (bytes: Buffer) => {
    if (serverEnded || socket.destroyed) return;
    analyzer.data(0, bytes, clock());
    socket.write(bytes);
  };

  const responseReads = source.reads.filter((r) => r.stream === 1);
  /** When the captured response to request k was complete. */
  const responseDone = (k: number): number | null => {
    const m = source.exchanges[k]?.record.response;
    if (!m || !m.complete || m.end === 0) return null;
    return readAt(responseReads, m.end - 1)?.time ?? null;
  };

  for (let k = 0; k < requests.length; k++) {
    const { pieces } = requests[k]!;
    if (serverEnded) break;
    if (options.timing === 'fast' && k > 0) {
      // As fast as the server answers: after the previous response, unless the original was pipelined.
      const previousDone = responseDone(k - 1);
      const firstByte = pieces[0]?.read.time ?? Infinity;
      const pipelined = previousDone !== null && firstByte < previousDone;
      if (!pipelined) {
        lastByte = performance.now();
        if (!(await until(() => completed >= k))) break;
      }
    }
    for (const piece of pieces) {
      if (options.timing === 'original') await sleepUntilReal(startReal + ((piece.read.time - source.openedAt) * 1000) / speed);
      if (serverEnded) break;
      send(piece.bytes ?? session.bytes(piece.read, piece.start, piece.end));
    }
  }
  // The answers to what was sent.
  lastByte = performance.now();
  await until(() => completed >= requests.length);

  // How the original connection ended: the server first, or the client.
  const server = source.serverEnd;
  const client = source.clientEnd;
  const clientFirst = client && (!server || client.at < server.at);
  if (!serverEnded && clientFirst) {
    if (options.timing === 'original') await sleepUntilReal(startReal + ((client.at - source.openedAt) * 1000) / speed);
    if (!serverEnded) {
      if (client.kind === 'rst') {
        record({ side: 'client', kind: 'rst', by: 'peer', detail: null });
        socket.resetAndDestroy();
      } else {
        record({ side: 'client', kind: 'fin', by: 'peer', detail: null });
        socket.end();
      }
      lastByte = performance.now();
      await until(() => serverEnded !== null, performance.now() + Math.min(idleMs, 5000));
    }
  } else if (!serverEnded && server) {
    // The original server closed: see whether this one does too.
    lastByte = performance.now();
    await until(() => serverEnded !== null);
  }
  if (!serverEnded) record({ side: 'client', kind: 'open', by: 'peer', detail: null });
  socket.destroy();
  analyzer.finish();
  const report = analyzer.report();
  return { source, report, diff: compareConnection(source.report, report, null), rewrites };
}

/** Replay every captured connection (or one); original timing keeps their relative starts. */
export async function replayToServer(session: CapturedSession, options: ClientReplayOptions, onConnection?: (done: ReplayedConnection) => void): Promise<ReplayedConnection[]> {
  const only = options.connection ? session.connection(options.connection) : null;
  if (options.connection && !only) throw new Error(`the capture has no connection ${options.connection} (it has ${session.connections.map((c) => c.id).join(', ') || 'none'})`);
  const sources = (only ? [only] : session.connections).filter((c) => !c.tunnel && c.exchanges.some((e) => e.request !== null && e.method !== 'CONNECT'));
  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const speed = options.speed ?? 1;
  if (options.timing === 'fast') {
    const results: ReplayedConnection[] = [];
    for (const source of sources) {
      const done = await replayConnection(session, source, options, clock);
      onConnection?.(done);
      results.push(done);
    }
    return results;
  }
  const first = sources[0]?.openedAt ?? 0;
  return Promise.all(
    sources.map(async (source) => {
      const due = started + ((source.openedAt - first) * 1000) / speed;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const done = await replayConnection(session, source, options, clock);
      onConnection?.(done);
      return done;
    }),
  );
}
