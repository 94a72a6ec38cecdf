// `chunkscope check URL`: one connection to a server, N requests on it one after the
// other, each response read by the same analyzer the proxy uses (so the ledger, the
// anomalies and their sentences are the proxy's), then a watch of how the server ends
// the connection. The transport is the proxy's own legs: plain TCP, or TLS that tells a
// close_notify from a bare FIN. What the run saw is judged in verdict.ts.

import type { ConnectionReport, TlsSide } from '../../shared/capture';
import type { CaptureEvent } from '../capture/format';
import { TcpLeg, type Leg, type LegHandlers, type PeerEnd } from '../proxy/leg';
import type { AccountWaiting } from '../../shared/account';
import { waitingFor } from '../http1/sentences';
import { ConnectionAnalyzer } from '../session/connection';
import { trustedRoots, upstreamContext } from '../tls/roots';
import { TlsClientLeg } from '../tls/tls-leg';
import { bodyPieces, requestHead, type RequestSpec } from './request';

export interface CheckOptions {
  url: URL;
  method: string;
  headers: [string, string][];
  body: Uint8Array | null;
  chunked: boolean;
  chunkSize: number;
  /** Requests on the one connection; null: one request, sent with `Connection: close`. */
  keepalive: number | null;
  /** Give up after this long without a byte while a response is due (a stall), or while connecting. */
  timeoutSeconds: number;
  /** After the last response: how long to wait for the server to end the connection before Chunkscope does. */
  keepaliveWaitSeconds: number;
  /** The whole check ends after this long, however the server is doing (a response that never ends). */
  maxTimeSeconds: number;
  /** https: accept any certificate; or trust these PEM roots besides the system's. */
  insecure: boolean;
  ca: string[];
  userAgent: string;
}

/** The check could not run: no connection, no TLS session. One sentence, for stderr. */
export class CouldNotCheck extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface ConnectionEnd {
  /** Who ended the connection first. */
  by: 'server' | 'chunkscope';
  /** fin: a TCP FIN (inside TLS: without close_notify); close-notify: TLS close_notify, then the FIN. */
  how: 'fin' | 'close-notify' | 'rst' | 'error';
  /** For chunkscope: why it closed. For error: what happened. */
  /**
   * kept-open: the server did not close; stall: it went silent; max-time: a response still
   * streaming at --max-time; framing-lost: a fatal framing error, nothing more could be read.
   */
  reason: 'kept-open' | 'stall' | 'max-time' | 'framing-lost' | null;
  detail: string | null;
  /** Seconds since the check started (before connecting), as the messages' timing. */
  at: number;
  /** Requests written (wholly or in part) before the end, and final responses complete before it. */
  requestsSent: number;
  responsesComplete: number;
  /** Seconds since the last complete response (null when none was). */
  afterLastResponse: number | null;
}

export interface StallReport {
  direction: 'request' | 'response';
  /** Which request it stalled on (1-based). */
  request: number;
  /** Response: the offset in the response stream where the bytes stopped. Request: the request bytes that left Chunkscope. */
  offset: number;
  waited: number;
  /** "no byte for 2.0 s while waiting for the data of chunk #2 (10 of 100 bytes)" */
  text: string;
  /** Request bytes the server had not taken yet. */
  unsent: number;
}

export interface CheckRun {
  url: string;
  method: string;
  host: string;
  port: number;
  /** The server's address as connected, ip:port. */
  address: string;
  /** Seconds the connection (and TLS handshake) took. */
  connectSeconds: number;
  tls: TlsSide | null;
  insecure: boolean;
  planned: number;
  /** Requests asked the server to close (`Connection: close` sent by Chunkscope). */
  askedToClose: boolean;
  /** Per final response (by request index): whether it allowed another request (no `Connection: close`, not HTTP/1.0). */
  persistent: (boolean | null)[];
  report: ConnectionReport;
  end: ConnectionEnd;
  stall: StallReport | null;
  keepaliveWaitSeconds: number;
  timeoutSeconds: number;
  maxTimeSeconds: number;
  /** Seconds the whole check took. */
  elapsed: number;
}

const CONNECTION = 1;

/** The largest single write: the unit of progress the stall watch sees while sending. */
const WRITE_SLICE = 64 * 1024;

export function targetOf(url: URL): { host: string; port: number; secure: boolean } {
  const secure = url.protocol === 'https:';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (secure ? 443 : 80)), secure };
}

/** Why a connection could not be made, in words, with what to try. */
export function connectFailure(error: NodeJS.ErrnoException, where: string, secure: boolean, host: string): CouldNotCheck {
  const code = error.code ?? null;
  const plain: Record<string, string> = {
    ECONNREFUSED: `the connection to ${where} was refused: nothing listens there (is the server running, and on that port?)`,
    ENOTFOUND: `the name ${host} was not found (DNS): check the URL`,
    EAI_AGAIN: `the name ${host} could not be looked up now (DNS did not answer): check the network, or try again`,
    EHOSTUNREACH: `${where} cannot be reached from this machine (no route to the host)`,
    ENETUNREACH: `${where} cannot be reached from this machine (the network is unreachable)`,
    ETIMEDOUT: `${where} did not answer the connection attempt (timed out)`,
    ECONNRESET: `${where} reset the connection before it was established${secure ? ' (during the TLS handshake)' : ''}`,
    EHANDSHAKECLOSED: `${where} closed the connection during the TLS handshake: is it an https server? (for plain HTTP use an http:// URL)`,
  };
  if (code && plain[code]) return new CouldNotCheck(plain[code]!, code);
  if (secure) {
    // The TLS reasons are the proxy's (main/tls/reasons.ts); its hint names the proxy's option.
    const reason = error.message.replace(/\s*\((?:for a test origin, )?(?:run with )?--insecure-upstream\)/, '').replace(/^the TLS handshake with the origin failed: /, '');
    let hint = '';
    if (/wrong version number|packet length too long|unknown protocol/i.test(reason)) hint = '; is it a plain HTTP server? (use an http:// URL)';
    else if (/certificate|authority|self-signed|issuer/.test(reason)) hint = '; for a test server run with --insecure, or trust its root with --ca FILE';
    return new CouldNotCheck(`the TLS handshake with ${where} failed: ${reason}${hint}`, code);
  }
  return new CouldNotCheck(`could not connect to ${where}: ${error.message}`, code);
}

interface Connected {
  leg: Leg;
  tls: TlsSide | null;
}

/** Connect (and shake hands); events after that go to `handlers`. */
function connect(options: CheckOptions, handlers: LegHandlers): Promise<Connected> {
  const { host, port, secure } = targetOf(options.url);
  const where = `${options.url.host}`;
  return new Promise((resolve, reject) => {
    let connected = false;
    let failed = false;
    const fail = (error: CouldNotCheck) => {
      if (connected || failed) return;
      failed = true;
      clearTimeout(timer);
      leg.destroy();
      reject(error);
    };
    const wrapped: LegHandlers = {
      connect: () => {
        if (failed) return;
        connected = true;
        clearTimeout(timer);
        resolve({ leg, tls: leg instanceof TlsClientLeg ? leg.details : null });
      },
      failed: (error) => fail(connectFailure(error, where, secure, host)),
      data: (bytes) => handlers.data(bytes),
      end: (how) => connected && handlers.end(how),
      error: (kind, detail) => {
        if (connected) handlers.error(kind, detail);
        else fail(connectFailure(Object.assign(new Error(detail ?? kind), { code: kind === 'rst' ? 'ECONNRESET' : undefined }), where, secure, host));
      },
      close: () => {
        if (connected) handlers.close();
        else fail(new CouldNotCheck(`${where} closed the connection before it was established`, null));
      },
    };
    const origin = { host, port };
    const leg: Leg = secure
      ? TlsClientLeg.connect(origin, wrapped, { servername: host, insecure: options.insecure, roots: upstreamContext(trustedRoots(options.ca)) })
      : TcpLeg.connect(origin, wrapped);
    const timer = setTimeout(
      () => fail(new CouldNotCheck(`${where} did not ${secure ? 'finish the TLS handshake' : 'accept the connection'} within ${options.timeoutSeconds} s (--timeout)`, 'ETIMEDOUT')),
      options.timeoutSeconds * 1000,
    );
  });
}

export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const analyzer = new ConnectionAnalyzer(CONNECTION, 'chunkscope check', 'reverse', 0, { clientIsChunkscope: true, stallSeconds: options.timeoutSeconds });
  const record = (event: Omit<Extract<CaptureEvent, { type: 'close' }>, 'type' | 'connection' | 'time'>) =>
    analyzer.event({ type: 'close', connection: CONNECTION, time: clock(), ...event });
  const planned = options.keepalive ?? 1;
  const idleMs = options.timeoutSeconds * 1000;

  let lastActivity = performance.now();
  let serverEnd: { how: ConnectionEnd['how']; detail: string | null; at: number } | null = null;
  let ourEnd = false;
  let answered = 0;
  let lastAnsweredAt: number | null = null;
  const persistent: (boolean | null)[] = [];
  /** Framing of each response message (by message index): whether another may follow. */
  const persistentByMessage: boolean[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const serverEnded = (how: ConnectionEnd['how'], detail: string | null) => {
    if (serverEnd || ourEnd) return;
    serverEnd = { how, detail, at: clock() };
    // As a reverse proxy would record it: the server's end, mirrored to "the client" (the analyzer's view of us).
    record({ side: 'upstream', kind: how, by: 'peer', detail });
    record({ side: 'client', kind: how, by: 'proxy', detail: null });
    wake();
  };

  const { leg, tls } = await connect(options, {
    data: (bytes) => {
      lastActivity = performance.now();
      for (const e of analyzer.data(1, bytes, clock())) {
        if (e.type === 'framing') persistentByMessage[e.message] = e.persistent;
        if (e.type !== 'message-complete') continue;
        const m = analyzer.messages('response')[e.message]!;
        const status = m.response?.status ?? 0;
        if (m.requestIndex !== null && (status >= 200 || status === 101)) {
          answered++;
          lastAnsweredAt = clock();
          persistent[m.requestIndex] = (persistentByMessage[e.message] ?? true) && status !== 101;
        }
      }
      wake();
    },
    end: (how: PeerEnd) => serverEnded(how, null),
    error: (kind, detail) => serverEnded(kind, detail),
    close: () => serverEnded('error', 'the connection closed without a FIN or an RST'),
  });
  const connectSeconds = clock();
  const address = leg.address;
  const { host, port } = targetOf(options.url);
  analyzer.event({ type: 'upstream', connection: CONNECTION, time: clock(), upstream: address, target: `${host}:${port}` });
  if (tls) analyzer.event({ type: 'tls', connection: CONNECTION, time: clock(), side: 'client', via: null, ...tls });
  lastActivity = performance.now();

  /** Wait until `ready()`, the server ends, the deadline, or (when `idle`) nothing moved for --timeout. */
  const until = (ready: () => boolean, deadline = Infinity, idle = true) =>
    new Promise<'ready' | 'ended' | 'idle' | 'deadline'>((resolve) => {
      const check = () => {
        if (ready()) return done('ready');
        if (serverEnd) return done('ended');
        const now = performance.now();
        if (now >= deadline) return done('deadline');
        if (idle && now - lastActivity >= idleMs) return done('idle');
      };
      const timer = setInterval(check, 20);
      const done = (value: 'ready' | 'ended' | 'idle' | 'deadline') => {
        clearInterval(timer);
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });

  let sent = 0;
  let stall: StallReport | null = null;
  const askedToClose = options.keepalive === null;
  const stalled = (direction: 'request' | 'response'): StallReport => {
    const stream = direction === 'request' ? 0 : 1;
    const waited = (performance.now() - lastActivity) / 1000;
    const waiting = analyzer.waiting(stream);
    const what: AccountWaiting =
      direction === 'response' && (waiting.what === 'message' || waiting.what === 'nothing')
        ? { what: 'response', chunk: null, received: null, expected: null }
        : { what: waiting.what === 'message' || waiting.what === 'nothing' ? 'head' : waiting.what, chunk: waiting.chunk, received: waiting.received, expected: waiting.expected };
    const unsent = direction === 'request' ? leg.writableLength : 0;
    const text =
      direction === 'request'
        ? `the server stopped reading request #${sent}: no byte taken for ${waited.toFixed(1)} s`
        : `no byte for ${waited.toFixed(1)} s while waiting for ${waitingFor(what)}`;
    // For a request: what left Chunkscope (the kernel may still hold some of it).
    return { direction, request: sent, offset: analyzer.streamBytes(stream) - unsent, waited, text, unsent };
  };

  /**
   * Write in slices of at most WRITE_SLICE, waiting for each to drain when the socket is
   * full: a server that reads slowly keeps moving (no false stall), one that stops does not.
   */
  const send = async (piece: Uint8Array): Promise<boolean> => {
    for (let at = 0; at < piece.length; at += WRITE_SLICE) {
      if (serverEnd) return false;
      const slice = piece.subarray(at, Math.min(piece.length, at + WRITE_SLICE));
      analyzer.data(0, slice, clock());
      if (leg.write(slice)) continue;
      let drained = false;
      leg.onceDrain(() => {
        drained = true;
        lastActivity = performance.now();
        wake();
      });
      const outcome = await until(() => drained);
      if (outcome === 'idle') stall = stalled('request');
      if (outcome !== 'ready') return false;
    }
    return true;
  };

  const deadline = performance.now() + options.maxTimeSeconds * 1000;
  // A fatal (F-class) anomaly in a response: its framing is lost, nothing after it can be read.
  const framingLost = () => analyzer.messages('response').some((m) => m?.anomalies.some((a) => a.cls === 'F'));
  let stopped: 'max-time' | 'framing-lost' | null = null;
  for (let k = 1; k <= planned; k++) {
    // One turn first, so a FIN right after the previous response is seen before writing the next request.
    await new Promise((resolve) => setImmediate(resolve));
    if (serverEnd) break;
    if (k > 1 && persistent[k - 2] === false) break; // the server said it closes: no further request (RFC 9112 §9.6)
    const spec: RequestSpec = { ...options, close: askedToClose && k === planned };
    sent = k;
    for (const piece of [requestHead(spec), ...bodyPieces(spec)]) {
      if (!(await send(piece))) break;
    }
    if (stall || serverEnd) break;
    lastActivity = performance.now();
    const outcome = await until(() => answered >= k || framingLost(), deadline);
    if (outcome === 'idle') {
      stall = stalled('response');
      break;
    }
    if (outcome === 'deadline') {
      stopped = 'max-time';
      break;
    }
    if (outcome !== 'ready') break;
    if (answered < k) {
      stopped = 'framing-lost';
      break;
    }
  }

  // How the server ends it: wait a while for its close, else close ourselves.
  let end: ConnectionEnd;
  if (!serverEnd && !stall && !stopped) await until(() => false, Math.min(deadline, performance.now() + options.keepaliveWaitSeconds * 1000), false);
  const final = serverEnd as { how: ConnectionEnd['how']; detail: string | null; at: number } | null;
  const afterLastResponse = (at: number) => (lastAnsweredAt === null ? null : Math.max(0, at - lastAnsweredAt));
  if (final) {
    end = { by: 'server', how: final.how, reason: null, detail: final.detail, at: final.at, requestsSent: sent, responsesComplete: answered, afterLastResponse: afterLastResponse(final.at) };
  } else {
    ourEnd = true;
    const how = tls ? 'close-notify' : 'fin';
    const at = clock();
    const reason = stall ? 'stall' : (stopped ?? 'kept-open');
    record({ side: 'client', kind: how, by: 'peer', detail: reason });
    leg.end(how);
    end = { by: 'chunkscope', how, reason, detail: null, at, requestsSent: sent, responsesComplete: answered, afterLastResponse: afterLastResponse(at) };
    // A moment for the FIN (and close_notify) to leave before the socket goes.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  leg.destroy();
  analyzer.finish();
  return {
    url: options.url.href,
    method: options.method,
    host,
    port,
    address,
    connectSeconds,
    tls,
    insecure: options.insecure,
    planned,
    askedToClose,
    persistent,
    report: analyzer.report(),
    end,
    stall,
    keepaliveWaitSeconds: options.keepaliveWaitSeconds,
    timeoutSeconds: options.timeoutSeconds,
    maxTimeSeconds: options.maxTimeSeconds,
    elapsed: clock(),
  };
}
