// From a connection's analysis to the rows the UI shows. Pure: the same analysis gives
// the same rows, live or from a capture.

import { exchangeId } from '../../shared/exchange-id';
import { isErrorAnomaly, type AnomalyCode } from '../../shared/anomalies';
import type { AccountEnd, AccountStall } from '../../shared/account';
import type { ConnectionEnd, ConnectionRow, ExchangeRow, TerminatorState } from '../../shared/api';
import type { MessageRecord } from '../../shared/ledger';
import { connectionAccount, exchangeAccount } from '../analysis/account';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { accountEnds, firstEnd } from '../analysis/ends';
import { isInterim, type ExchangeSpans } from '../analysis/pairing';
import { interned } from './interned';
import { webSocketRow } from './websocket';

export interface RowContext {
  /** Seconds since the session started, now (for live durations, rates and stalls); null: as it stands. */
  now: number | null;
}

/** An end of the account on the session's clock, as rows carry it. */
export function sessionEnd(a: ConnectionAnalyzer, end: AccountEnd | null): ConnectionEnd | null {
  return end ? { who: end.who, how: end.how, truncation: end.truncation, at: a.openedAt + end.at } : null;
}

/** How the connection first ended: who started it, and how (the account's first end). */
export function connectionEnd(a: ConnectionAnalyzer): ConnectionEnd | null {
  return sessionEnd(a, firstEnd(accountEnds(a.closes, a.tls?.client != null)));
}

function longest(stalls: AccountStall[]): ExchangeRow['stalled'] {
  let pick: AccountStall | null = null;
  for (const s of stalls) if (!pick || s.ongoing || (!pick.ongoing && s.seconds > pick.seconds)) pick = s;
  return pick ? { seconds: pick.seconds, ongoing: pick.ongoing } : null;
}

/** Host and path of a request: from an absolute-form target, else Host and the target. */
export function hostAndPath(request: MessageRecord | null, upstream: string | null): { host: string | null; path: string | null } {
  const target = request?.request?.target ?? null;
  if (target === null) return { host: upstream, path: null };
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(target);
  if (absolute) return { host: absolute[1]!.replace(/^[^@]*@/, ''), path: absolute[2] || '/' };
  if (request?.request?.method === 'CONNECT') return { host: target, path: null };
  const hostHeader = request?.headers.find(([name]) => name.toLowerCase() === 'host')?.[1] ?? null;
  return { host: hostHeader ?? upstream, path: target };
}

/** The summary of every row without anomalies: one, frozen, for most of 100,000 rows (nothing changes a row's summary). */
const NO_ANOMALIES: ExchangeRow['anomalies'] = Object.freeze({ count: 0, errors: 0, codes: Object.freeze<AnomalyCode[]>([]) as AnomalyCode[] });

function anomalySummary(messages: (MessageRecord | null)[]): ExchangeRow['anomalies'] {
  if (!messages.some((m) => m && m.anomalies.length > 0)) return NO_ANOMALIES;
  const codes = new Set<AnomalyCode>();
  let count = 0;
  let errors = 0;
  messages.forEach((m, i) => {
    for (const a of m?.anomalies ?? []) {
      count++;
      if (isErrorAnomaly(a.cls, i === 0 ? 'request' : 'response')) errors++;
      codes.add(a.code);
    }
  });
  return { count, errors, codes: [...codes] };
}

/** The messages of an exchange, as a row needs them: interim responses only counted. */
export interface RowMessages {
  request: MessageRecord | null;
  response: MessageRecord | null;
  informational: MessageRecord[];
  /** Bytes of the interim responses, when they were counted instead of listed. */
  interimBytes?: number;
}

/**
 * Rows for exchanges `from` to the last: responses are grouped in one backward pass,
 * so a connection with 100,000 exchanges costs one pass, not one per row, and an
 * exchange with 200,000 interim responses one pass too: a row needs only their bytes,
 * so they are counted, not gathered (putting each in front of the others took 41 s).
 */
export function exchangeRows(a: ConnectionAnalyzer, from: number, seqOf: (index: number) => number, context: RowContext): ExchangeRow[] {
  const count = a.exchangeCount();
  const groups: RowMessages[] = [];
  for (let i = from; i < count; i++) groups.push({ request: null, response: null, informational: [], interimBytes: 0 });
  for (const m of a.responsesNewestFirst(from)) {
    const group = groups[(m.requestIndex ?? -1) - from];
    if (!group) continue;
    if (isInterim(m)) group.interimBytes! += m.end - m.offset;
    else if (!group.response) group.response = m;
  }
  const requests = a.messages('request');
  return groups.map((g, k) => exchangeRow(a, from + k, seqOf(from + k), context, { ...g, request: requests.at(from + k) ?? null }));
}

export function exchangeRow(
  a: ConnectionAnalyzer,
  index: number,
  seq: number,
  context: RowContext,
  messages: RowMessages = a.exchangeMessages(index),
): ExchangeRow {
  const { request, response, informational } = messages;
  let interimBytes = messages.interimBytes ?? 0;
  for (const m of informational) interimBytes += m.end - m.offset;
  const account = exchangeAccount(a, index, context.now, messages);
  const responseEnd = a.streamEnd(1);
  const endedStream = responseEnd !== null && responseEnd.kind !== 'open';
  const keptAlive = index < a.exchangeCount() - 1;
  const startedAt = a.openedAt + account.span.from;
  const { host, path } = hostAndPath(request, a.upstreams[0]?.target ?? a.upstreamFailure?.target ?? null);

  let state: ExchangeRow['state'];
  if (response?.complete) state = 'complete';
  else if (endedStream || responseEnd?.kind === 'open') state = 'incomplete';
  else state = response ? 'streaming' : 'waiting';

  let terminator: TerminatorState = 'none';
  if (response?.framing === 'chunked') terminator = response.terminator ? 'present' : endedStream ? 'missing' : 'streaming';

  // The end belongs on this row when the connection ended during this exchange or right after it.
  const end = account.ends.length > 0 ? sessionEnd(a, firstEnd(account.ends)) : null;
  const running = state === 'streaming' || state === 'waiting';
  const now = context.now ?? a.openedAt + (account.span.to ?? account.span.from);
  const duration = account.span.to !== null ? account.span.to - account.span.from : running ? now - startedAt : null;
  const firstResponseByte = response ? a.openedAt + a.timeAt(1)(response.offset) : null;
  const rate = state === 'streaming' && firstResponseByte !== null && now > firstResponseByte ? response!.bodyLength / (now - firstResponseByte) : null;

  return {
    id: exchangeId(a.number, index),
    seq,
    connection: a.number,
    index,
    method: interned(request?.request?.method ?? null),
    host: interned(host),
    path: interned(path),
    status: response?.response?.status ?? null,
    reason: interned(response?.response?.reason ?? null),
    framing: response ? response.framing : null,
    requestFraming: request && request.startLine !== null ? request.framing : null,
    chunks: response?.chunkCount ?? 0,
    terminator,
    bodyBytes: response?.bodyLength ?? 0,
    requestBytes: request ? request.end - request.offset : 0,
    responseBytes: interimBytes + a.forgottenInterim(index).bytes + (response ? response.end - response.offset : 0),
    startedAt,
    duration,
    state,
    ended: end,
    keptAlive,
    anomalies: anomalySummary([request, response]),
    stalled: longest(account.stalls),
    headline: interned(account.headline),
    tone: account.tone,
    version: a.records,
    rate,
    generated: response?.generated === true,
    tunnel: a.tunnel !== null && request?.request?.method === 'CONNECT',
    tls: a.tls?.client != null,
    interception: a.tls?.failure ? 'failed' : a.tunnel?.intercepted && a.tunnel.inside !== 'http' ? 'decrypted' : null,
    rules: a.rules.reduce((n, r) => n + (r.exchange === index ? 1 : 0), 0),
    webSocket: a.webSocket?.exchange === index ? webSocketRow(a.webSocket) : null,
    clientTag: a.clientTag,
    // The session sets it: there from the start, the row needs no room added for it later.
    mark: null,
  };
}

/** Start and end of exchanges [from, to), which ended (the analysis noted them then), on the session's clock, flat. */
export function notedSpans(noted: ExchangeSpans, openedAt: number, from: number, to: number): number[] {
  const spans: number[] = [];
  for (let i = from; i < to; i++) {
    const [start, end] = noted.span(i)!;
    spans.push(openedAt + start, openedAt + end);
  }
  return spans;
}

/**
 * The connection's row, its spans from exchange #spansFrom on (0: whole). The spans of
 * exchanges that ended are final: a caller that sent them before passes how many, and the
 * row costs the exchanges since, however many the connection had.
 */
export function connectionRow(a: ConnectionAnalyzer, lastActivity: number, now: number | null, spansFrom = 0): ConnectionRow {
  const account = connectionAccount(a, now);
  const requests = a.messages('request');
  const requestTime = a.timeAt(0);
  const responseTime = a.timeAt(1);
  // Exchanges that ended were noted as they ended; the rest, still open, from their messages.
  const count = a.exchangeCount();
  const ended = a.exchangeSpans.size;
  const open: (MessageRecord | undefined)[] = [];
  for (const m of a.responsesNewestFirst(ended)) if (m.requestIndex !== null && open[m.requestIndex - ended] === undefined) open[m.requestIndex - ended] = m;
  const spans = notedSpans(a.exchangeSpans, a.openedAt, spansFrom, ended);
  for (let i = Math.max(ended, spansFrom); i < count; i++) {
    const request = requests.at(i);
    const response = open[i - ended];
    const start = request ? a.openedAt + requestTime(request.offset) : a.openedAt;
    const end = response ? a.openedAt + responseTime(Math.max(response.offset, response.end - 1)) : start;
    spans.push(start, end);
  }
  return {
    number: a.number,
    id: a.id,
    client: a.client,
    upstream: a.upstreams[0]?.address ?? null,
    openedAt: a.openedAt,
    lastActivity,
    requests: requests.length,
    // Final responses that came: the whole ones, and one cut short or still arriving.
    responses: a.answered + (a.exchangeMessages(a.answered).response ? 1 : 0),
    bytesSent: a.streamBytes(0),
    bytesReceived: a.streamBytes(1),
    closes: a.closes,
    ended: sessionEnd(a, account.first),
    tunnel: a.tunnel !== null,
    upstreamFailure: a.upstreamFailure ? `${a.upstreamFailure.target}: ${a.upstreamFailure.reason}` : null,
    tls: a.tls,
    spans,
    spansFrom,
    headline: account.headline,
    tone: account.tone,
    unanswered: account.unanswered,
    ends: account.ends,
    stalls: account.stalls,
    clientTag: a.clientTag,
  };
}
