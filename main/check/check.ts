// `chunkscope check URL`: one connection to a server, N requests on it one after the
// other, each response read by the same analyzer the proxy uses (so the ledger, the
// anomalies and their sentences are the proxy's), then a watch of how the server ends
// the connection. The transport is the proxy's own legs: plain TCP, or TLS that tells a
// close_notify from a bare FIN. What the run saw is judged in verdict.ts.

import type { ConnectionReport, TlsSide } from '../../shared/capture';
import { ClientConnection } from '../client/connection';
import { openLeg, targetOf } from '../client/open';
import type { AccountWaiting } from '../../shared/account';
import { waitingFor } from '../http1/sentences';
import { ConnectionAnalyzer } from '../analysis/connection';
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
export { CouldNotConnect as CouldNotCheck, targetOf } from '../client/open';

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

export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const analyzer = new ConnectionAnalyzer(CONNECTION, 'chunkscope check', 'reverse', 0, { clientIsChunkscope: true, stallSeconds: options.timeoutSeconds });
  const planned = options.keepalive ?? 1;
  const idleMs = options.timeoutSeconds * 1000;

  let lastAnsweredAt: number | null = null;
  const persistent: (boolean | null)[] = [];
  /** Framing of each response message (by message index): whether another may follow. */
  const persistentByMessage: boolean[] = [];
  const client = new ClientConnection(
    analyzer,
    clock,
    (events) => {
    for (const e of events) {
      if (e.type === 'framing') persistentByMessage[e.message] = e.persistent;
      if (e.type !== 'message-complete') continue;
      const m = analyzer.messages('response').at(e.message);
      const status = m?.response?.status ?? 0;
      if (m && m.requestIndex !== null && (status >= 200 || status === 101)) {
        lastAnsweredAt = clock();
        persistent[m.requestIndex] = (persistentByMessage[e.message] ?? true) && status !== 101;
      }
    }
    },
    false, // once Chunkscope closed, what the server does is not part of the check
  );
  const { leg, tls, address } = await openLeg({ url: options.url, insecure: options.insecure, ca: options.ca, timeoutSeconds: options.timeoutSeconds }, client.handlers);
  const connectSeconds = clock();
  const { host, port } = targetOf(options.url);
  client.attached(leg, `${host}:${port}`);
  if (tls) client.recordTls(tls);

  let sent = 0;
  let stall: StallReport | null = null;
  const askedToClose = options.keepalive === null;
  const stalled = (direction: 'request' | 'response'): StallReport => {
    const stream = direction === 'request' ? 0 : 1;
    const waited = (performance.now() - client.lastActivity) / 1000;
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
      if (client.serverEnd) return false;
      if (client.send(piece.subarray(at, Math.min(piece.length, at + WRITE_SLICE)))) continue;
      let drained = false;
      void client.drained().then(() => {
        drained = true;
        client.lastActivity = performance.now();
      });
      const outcome = await client.until(() => drained, { idleMs });
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
    if (client.serverEnd) break;
    if (k > 1 && persistent[k - 2] === false) break; // the server said it closes: no further request (RFC 9112 §9.6)
    const spec: RequestSpec = { ...options, close: askedToClose && k === planned };
    sent = k;
    for (const piece of [requestHead(spec), ...bodyPieces(spec)]) {
      if (!(await send(piece))) break;
    }
    if (stall || client.serverEnd) break;
    client.lastActivity = performance.now();
    const outcome = await client.until(() => client.answered >= k || framingLost(), { deadline, idleMs });
    if (outcome === 'idle') {
      stall = stalled('response');
      break;
    }
    if (outcome === 'deadline') {
      stopped = 'max-time';
      break;
    }
    if (outcome !== 'ready') break;
    if (client.answered < k) {
      stopped = 'framing-lost';
      break;
    }
  }

  // How the server ends it: wait a while for its close, else close ourselves.
  let end: ConnectionEnd;
  if (!client.serverEnd && !stall && !stopped) await client.until(() => false, { deadline: Math.min(deadline, performance.now() + options.keepaliveWaitSeconds * 1000) });
  const final = client.serverEnd;
  const answered = client.answered;
  const afterLastResponse = (at: number) => (lastAnsweredAt === null ? null : Math.max(0, at - lastAnsweredAt));
  if (final) {
    end = { by: 'server', how: final.how, reason: null, detail: final.detail, at: final.at, requestsSent: sent, responsesComplete: answered, afterLastResponse: afterLastResponse(final.at) };
  } else {
    const how = tls ? 'close-notify' : 'fin';
    const at = clock();
    const reason = stall ? 'stall' : (stopped ?? 'kept-open');
    client.end(how, reason);
    end = { by: 'chunkscope', how, reason, detail: null, at, requestsSent: sent, responsesComplete: answered, afterLastResponse: afterLastResponse(at) };
    await client.letGo();
  }
  client.finish();
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
