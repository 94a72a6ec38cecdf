// What went wrong between messages, found once what the client received has ended:
// a request never answered because the server (or Chunkscope) ended the connection
// first (`closed-early`), a stall the client gave up on (`client-gave-up`), a client
// that closed before its response ended (`client-aborted`). Each is an anomaly of the
// message it concerns (class E, spec/ANOMALIES.md), so the badge, the `error` filter,
// `inspect`'s verdict, `check` and the exports see it as they see a missing last chunk.

import type { AccountEnd, AccountStall } from '../../shared/account';
import { ANOMALIES, type AnomalyCode } from '../../shared/anomalies';
import type { AnomalyEvent } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';
import { byteCount, duration, endVerb, howItEnded, party, plural } from '../../shared/words';
import { whereStopped } from '../http1/sentences';
import type { ConnectionAnalyzer } from './connection';
import { accountEnds, firstEnd } from './ends';

export interface Found {
  stream: 0 | 1;
  direction: 'request' | 'response';
  event: AnomalyEvent;
}

/** "chunked, 31 bytes", "Content-Length, 12 bytes", "no body". */
export function requestBody(request: MessageRecord): string {
  if (request.framing === 'chunked') return `chunked, ${byteCount(request.bodyLength)}`;
  if (request.framing === 'content-length' && request.bodyLength > 0) return `Content-Length, ${byteCount(request.bodyLength)}`;
  return 'no body';
}

/** The final response to each request, by request index, in one pass. */
export function finalResponses(a: ConnectionAnalyzer): (MessageRecord | undefined)[] {
  const finals: (MessageRecord | undefined)[] = [];
  for (const m of a.messages('response')) {
    if (!m) continue; // released: answered, and shown already
    const status = m.response?.status ?? 0;
    if (m.requestIndex !== null && (status >= 200 || status === 101 || !m.response)) finals[m.requestIndex] = m;
  }
  return finals;
}

/** "the server reset the keep-alive connection (RST) after answering 4,000 requests on it; request #4001 was sent (chunked, 31 bytes) and never answered" */
function closedEarly(first: AccountEnd, answered: number, index: number, request: MessageRecord, last: MessageRecord | undefined): string {
  const announced = last && announcesClose(last) ? `, as response #${answered} announced ("Connection: close")` : '';
  const how = endVerb(first, answered > 0 && !announced ? 'the keep-alive connection' : 'the connection');
  const after =
    answered === 0 ? 'before answering any request' : first.who === 'server' ? `after answering ${plural(answered, 'request')} on it` : `after ${plural(answered, 'response')} on it`;
  return `${party(first.who)} ${how} ${after}${announced}; request #${index + 1} was sent (${requestBody(request)}) and never answered`;
}

/** A response after which no request may follow: "Connection: close", or HTTP/1.0 without keep-alive (RFC 9112 §9.3). */
export function announcesClose(m: MessageRecord): boolean {
  const connection = m.headers
    .filter(([name]) => name.toLowerCase() === 'connection')
    .flatMap(([, value]) => value.toLowerCase().split(','))
    .map((token) => token.trim());
  if (connection.includes('close')) return true;
  return m.response?.version === 'HTTP/1.0' && !connection.includes('keep-alive');
}

/** Where the response stopped and how long before the client's end: "120 ms after chunk #3". */
function stoppedBefore(where: string, gap: number): string {
  return where.startsWith('after ') ? `${duration(gap)} ${where}` : `${where}, ${duration(gap)} after its last byte`;
}

/** Rules that keep a message back: a breakpoint, a stall. */
const HOLDING = /^(break-response|break-request|stall-after-chunks)\b/;

/**
 * Who kept the client waiting through a stall of exchange #index: the server, or
 * Chunkscope, when a rule held the message (a breakpoint, stall-after-chunks) before the
 * silence ended: "Chunkscope held the response (break-response path:/feed)".
 */
function keptWaiting(a: ConnectionAnalyzer, index: number, stall: AccountStall): { who: string; did: string } {
  const held = a.rules.find((r) => r.exchange === index && r.at <= stall.since + stall.seconds && HOLDING.test(r.rule));
  return held ? { who: 'Chunkscope', did: `held the ${held.direction} (${held.rule})` } : { who: 'the server', did: 'sent nothing' };
}

function clientEnded(a: ConnectionAnalyzer, first: AccountEnd, index: number, request: MessageRecord, response: MessageRecord | undefined, stall: AccountStall | undefined): { code: AnomalyCode; text: string } {
  const waited = stall ? keptWaiting(a, index, stall) : null;
  if (!response) {
    if (stall) return { code: 'client-gave-up', text: `${waited!.who} ${waited!.did} for ${duration(stall.seconds)} after request #${index + 1}; the client gave up and ${endVerb(first)}` };
    const sent = a.timeAt(0)(Math.max(request.offset, request.end - 1));
    return { code: 'client-aborted', text: `${howItEnded(first)} ${duration(first.at - sent)} after sending request #${index + 1}, before any response` };
  }
  if (stall) return { code: 'client-gave-up', text: `${whereStopped(stall.waiting)} ${waited!.who} ${waited!.did} for ${duration(stall.seconds)}; the client gave up and ${endVerb(first)}` };
  const stopped = a.stoppedAt(1);
  const where = stopped ? whereStopped(stopped) : 'during the response';
  const gap = first.at - (a.lastByte(1) - a.openedAt);
  return { code: 'client-aborted', text: `${howItEnded(first)} ${stoppedBefore(where, gap)}, before the response ended` };
}

/** The findings of an ended connection, as anomaly events of the messages they concern. */
export function findings(a: ConnectionAnalyzer): Found[] {
  if (a.tunnel) return [];
  const ends = accountEnds(a.closes, a.tls?.client != null);
  const first = firstEnd(ends);
  if (!first) return [];
  // The client ended first and the server sent nothing after it: the client gave up or aborted.
  const clientFirst = first.who === 'client' && a.clientEndedFirst();
  if (clientFirst && a.clientIsChunkscope) return [];
  // Otherwise the end that cut the exchanges short is the server's (or Chunkscope's).
  const ender = clientFirst ? first : (ends.find((e) => !e.mirrored && e.who !== 'client') ?? first);
  const requests = a.messages('request');
  const finals = finalResponses(a);
  const stalls = a.stalls();
  const out: Found[] = [];
  let answered = 0;
  let lastAnswer: MessageRecord | undefined;
  for (let i = 0; i < requests.length; i++) {
    const request = requests.at(i);
    const response = finals[i];
    // A released exchange was answered whole and shown before it was let go.
    if (!request) {
      answered++;
      continue;
    }
    if (response?.complete) {
      answered++;
      lastAnswer = response;
      continue;
    }
    // An incomplete request, or one that never parsed, has its own anomaly already.
    if (!request.complete || !request.request) continue;
    const emit = (stream: 0 | 1, code: AnomalyCode, offset: number, text: string) =>
      out.push({
        stream,
        direction: stream === 0 ? 'request' : 'response',
        event: { type: 'anomaly', message: stream === 0 ? request.index : response!.index, offset, code, cls: ANOMALIES[code].cls, text },
      });
    if (!clientFirst && !response) {
      emit(0, 'closed-early', request.offset, closedEarly(ender, answered, i, request, lastAnswer));
    } else if (clientFirst) {
      const stall = stalls.find((s) => s.exchange === i && s.direction === 'response' && typeof s.endedBy === 'object' && s.endedBy?.who === 'client');
      const { code, text } = clientEnded(a, first, i, request, response, stall);
      if (response) emit(1, code, response.end, text);
      else emit(0, code, request.offset, text);
    }
    // A response the server cut short has its parser anomaly (missing-terminator, truncated-body, …).
  }
  return out;
}
