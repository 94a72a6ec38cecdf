// A plan carried out on one of our own client connections (main/client): each write as
// planned, the pauses, a wait for each answer where the plan waits, and the end it asks
// for (a FIN or an RST, after the answers, at once, or after byte N). What the server
// sends and how it ends go to the connection's analysis (and the session's capture when
// the connection is recorded), so the ledger and the account are those of any exchange.

import type { TlsSide } from '../../shared/capture';
import { ClientConnection } from '../client/connection';
import { openLeg, targetOf } from '../client/open';
import type { Wire, WireWrite } from './wire';

export interface SendOptions {
  /** Where: `http://host:port` or `https://host:port`. */
  url: URL;
  /** Through this HTTP proxy (CONNECT for https). */
  proxy?: URL | null;
  insecure?: boolean;
  ca?: string[];
  /** Give up connecting, or waiting for the server, after this many seconds without a byte from it. */
  timeoutSeconds: number;
  /** Stop (and close the connection) after this many seconds, however the server is doing: an answer that never ends. */
  maxSeconds?: number;
  /** Told once every write of the plan went out (or the plan stopped writing). */
  written?: () => void;
}

/** Why the plan stopped before its end: the server ended the connection, went quiet, lost its framing, or --max-time came. */
export type Stopped = { why: 'server-ended' | 'quiet' | 'framing-lost' | 'max-time'; request: number } | null;

export interface SendOutcome {
  /** Bytes written, and requests started (wholly or in part). */
  sent: number;
  requests: number;
  stopped: Stopped;
  /** The server's address as connected (the proxy's, through one), and our own end. */
  address: string;
  local: string | null;
  tls: TlsSide | null;
}

/** The largest single write: the unit of progress a quiet-server watch sees while sending. */
const WRITE_SLICE = 64 * 1024;

/**
 * Connect with `client` (its handlers receive the server's bytes), carry out `wire`, end
 * as it says, and let go of the socket. Rejects with a CouldNotConnect sentence when no
 * connection could be made.
 */
export async function sendWire(wire: Wire, client: ClientConnection, options: SendOptions): Promise<SendOutcome> {
  const opened = await openLeg({ url: options.url, proxy: options.proxy, insecure: options.insecure, ca: options.ca, timeoutSeconds: options.timeoutSeconds }, client.handlers);
  const { host, port } = targetOf(options.url);
  client.attached(opened.leg, `${host}:${port}`, opened.local);
  const analyzer = client.analyzer;
  if (opened.tls) client.recordTls(opened.tls);
  const idleMs = options.timeoutSeconds * 1000;
  const deadline = options.maxSeconds === undefined ? undefined : performance.now() + options.maxSeconds * 1000;
  let sent = 0;
  let requests = 0;
  let stopped: Stopped = null;
  // A fatal (F-class) anomaly in a response: nothing after it can be read as an answer.
  const framingLost = () => analyzer.messages('response').some((m) => m?.anomalies.some((a) => a.cls === 'F'));
  const answered = async (n: number): Promise<boolean> => {
    client.lastActivity = performance.now();
    const outcome = await client.until(() => client.answered >= n || framingLost(), { idleMs, deadline });
    if (outcome === 'ready' && client.answered >= n) return true;
    const why = outcome === 'idle' ? 'quiet' : outcome === 'ended' ? 'server-ended' : outcome === 'deadline' ? 'max-time' : 'framing-lost';
    stopped = { why, request: Math.min(n, requests) };
    return false;
  };
  const write = async (step: WireWrite): Promise<boolean> => {
    requests = Math.max(requests, step.request + 1);
    for (let at = 0; at < step.bytes.length; at += WRITE_SLICE) {
      if (client.serverEnd) return false;
      const piece = step.bytes.subarray(at, Math.min(step.bytes.length, at + WRITE_SLICE));
      sent += piece.length;
      if (client.send(piece)) continue;
      let drained = false;
      void client.drained().then(() => {
        drained = true;
        client.lastActivity = performance.now();
      });
      client.lastActivity = performance.now();
      const outcome = await client.until(() => drained, { idleMs, deadline });
      if (outcome !== 'ready') {
        stopped = { why: client.serverEnd ? 'server-ended' : outcome === 'deadline' ? 'max-time' : 'quiet', request: step.request + 1 };
        return false;
      }
    }
    return true;
  };

  let ended = false;
  const lastWrite = wire.steps.findLastIndex((s) => s.kind === 'write');
  let told = false;
  const tell = () => {
    if (!told) options.written?.();
    told = true;
  };
  for (const [i, step] of wire.steps.entries()) {
    if (client.serverEnd && step.kind !== 'end') {
      stopped ??= { why: 'server-ended', request: requests + 1 };
      break;
    }
    if (step.kind === 'write' && !(await write(step))) break;
    if (i >= lastWrite) tell();
    if (step.kind === 'pause') {
      const until = performance.now() + step.ms;
      if ((await client.until(() => false, { deadline: deadline === undefined ? until : Math.min(until, deadline) })) === 'deadline' && deadline !== undefined && performance.now() >= deadline) {
        stopped = { why: 'max-time', request: requests };
        break;
      }
    }
    if (step.kind === 'await' && !(await answered(step.answers))) break;
    if (step.kind === 'end') {
      if (step.afterAnswers && !(await answered(requests))) break;
      if (step.afterAnswers && !client.serverEnd && !lastAnswerKeepsOpen(client)) {
        // The answer said it closes: see the server do so, rather than close first.
        client.lastActivity = performance.now();
        await client.until(() => false, { idleMs, deadline });
      }
      // The bytes written reach the kernel before an RST could drop them.
      await client.drained();
      // On TLS a FIN is the clean end: close_notify, then the FIN.
      client.end(step.how === 'fin' && opened.tls ? 'close-notify' : step.how);
      ended = true;
    }
  }
  tell();
  if (!ended) client.end(opened.tls ? 'close-notify' : 'fin');
  // After a FIN the server may still answer, or end: its part is recorded too.
  if (!client.serverEnd && client.leg && !client.closed) {
    client.lastActivity = performance.now();
    await client.until(() => client.closed, { idleMs, deadline });
  }
  await client.letGo();
  client.finish();
  return { sent, requests, stopped, address: opened.address, local: opened.local, tls: opened.tls };
}

/** Whether the last answer allows another request (no `Connection: close`, not HTTP/1.0 without keep-alive). */
function lastAnswerKeepsOpen(client: ClientConnection): boolean {
  const responses = client.analyzer.messages('response');
  for (let i = responses.length - 1; i >= 0; i--) {
    const m = responses.at(i);
    if (!m || (m.response?.status ?? 0) < 200) continue;
    const connection = m.headers.filter(([n]) => n.toLowerCase() === 'connection').map(([, v]) => v.toLowerCase());
    if (connection.some((v) => v.split(',').some((t) => t.trim() === 'close'))) return false;
    return m.response?.version !== 'HTTP/1.0' || connection.some((v) => v.includes('keep-alive'));
  }
  return true;
}

/** What of the plan was not carried out, and why, in words (the account says what the server did); null when all of it was. */
export function stoppedSentence(outcome: SendOutcome, wire: Wire, timeoutSeconds: number, maxSeconds?: number): string | null {
  const stopped = outcome.stopped;
  if (!stopped) return null;
  const unsent = outcome.requests < wire.requests ? `; ${outcome.requests + 1 === wire.requests ? `request #${wire.requests} was` : `requests #${outcome.requests + 1} to #${wire.requests} were`} not sent` : '';
  if (stopped.why === 'quiet') return `no byte from the server for ${timeoutSeconds} s while request #${stopped.request} waited for its answer, so Chunkscope closed the connection${unsent}`;
  if (stopped.why === 'max-time') return `Chunkscope stopped reading after --max-time ${maxSeconds} s, the answer to request #${stopped.request} still arriving, and closed the connection${unsent}`;
  if (stopped.why === 'framing-lost') return `the framing of the answer to request #${stopped.request} was lost (see its anomaly), so nothing after it could be read${unsent}`;
  return `the connection ended before the plan did${unsent}`;
}
