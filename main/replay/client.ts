// Client replay: re-send a capture's requests byte for byte, one write per original
// read, each captured connection on a connection of its own (keep-alive grouping kept),
// with the original timing or as fast as the server answers; then compare the framing
// of the new responses with the captured ones.

import type { ConnectionReport } from '../../shared/capture';
import { ClientConnection } from '../client/connection';
import { openLeg } from '../client/open';
import { ConnectionAnalyzer } from '../analysis/connection';
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
  const analyzer = new ConnectionAnalyzer(source.number, 'replay', 'reverse', clock(), { clientIsChunkscope: true });
  const client = new ClientConnection(analyzer, clock);
  try {
    const opened = await openLeg({ url: options.to, proxy: options.proxy, insecure: options.insecure, ca: options.ca, timeoutSeconds: options.idleSeconds ?? 30 }, client.handlers);
    client.attached(opened.leg, options.to.host);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    analyzer.event({ type: 'upstream-failed', connection: source.number, time: clock(), target: options.to.host, reason, code: (error as NodeJS.ErrnoException).code ?? null });
    analyzer.finish();
    const report = analyzer.report();
    return { source, report, diff: compareConnection(source.report, report, reason), rewrites };
  }
  const startReal = performance.now();
  const wait = (ready: () => boolean, deadline?: number) => {
    client.lastActivity = performance.now();
    return client.until(ready, { deadline, idleMs });
  };
  /** Wait until a time on the original's clock (real time, scaled by --speed). */
  const atOriginal = (time: number) => client.until(() => false, { deadline: startReal + ((time - source.openedAt) * 1000) / speed });

  const responseReads = source.reads.filter((r) => r.stream === 1);
  /** When the captured response to request k was complete. */
  const responseDone = (k: number): number | null => {
    const m = source.exchanges[k]?.record.response;
    if (!m || !m.complete || m.end === 0) return null;
    return readAt(responseReads, m.end - 1)?.time ?? null;
  };

  for (let k = 0; k < requests.length && !client.serverEnd; k++) {
    const { pieces } = requests[k]!;
    if (options.timing === 'fast' && k > 0) {
      // As fast as the server answers: after the previous response, unless the original was pipelined.
      const previousDone = responseDone(k - 1);
      const pipelined = previousDone !== null && (pieces[0]?.read.time ?? Infinity) < previousDone;
      if (!pipelined && (await wait(() => client.answered >= k)) !== 'ready') break;
    }
    for (const piece of pieces) {
      if (options.timing === 'original') await atOriginal(piece.read.time);
      if (client.serverEnd) break;
      client.send(piece.bytes ?? session.bytes(piece.read, piece.start, piece.end));
    }
  }
  // The answers to what was sent.
  await wait(() => client.answered >= requests.length);

  // How the original connection ended: the server first, or the client.
  const server = source.serverEnd;
  const first = source.clientEnd;
  const clientFirst = first && (!server || first.at < server.at);
  if (!client.serverEnd && clientFirst) {
    if (options.timing === 'original') await atOriginal(first.at);
    client.end(first.kind === 'rst' ? 'rst' : 'fin');
    // See how this server answers the same end (within the idle time, at most 5 s).
    await wait(() => client.closed, performance.now() + Math.min(idleMs, 5000));
  } else if (!client.serverEnd && server) {
    // The original server closed: see whether this one does too.
    await wait(() => false);
  }
  client.finish();
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
