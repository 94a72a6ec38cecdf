// The one account of an exchange and of a connection (shared/account.ts), derived from
// a connection's analysis: its close records, its stalls, its messages and their
// anomalies (the findings of findings.ts among them). Every view and command reads
// these; none writes its own sentence about how a connection or an exchange went.

import type { AccountEnd, AccountStall, ConnectionAccount, ExchangeAccount } from '../../shared/account';
import { isEndFinding, isErrorAnomaly } from '../../shared/anomalies';
import type { AnomalyRecord, MessageRecord } from '../../shared/ledger';
import { byteCount, duration, endVerb, groupDigits, howItEnded, party, plural } from '../../shared/words';
import { whereStopped } from '../http1/sentences';
import type { ConnectionAnalyzer } from './connection';
import { accountEnds, answerTo, firstEnd } from './ends';
import { webSocketHeadline } from './websocket-account';

/** The workaround for servers that drop kept-alive connections after chunked requests (IIS 6). */
export const DECHUNK_HINT =
  'the requests were chunked: a server that drops kept-alive connections after chunked requests (IIS 6 did, after about 4,000) gets Content-Length instead with the rule dechunk-requests';

/** "the server closed after it", "the server reset it after that". */
function afterIt(answer: AccountEnd): string {
  if (answer.how === 'rst') return `${party(answer.who)} reset it after that`;
  if (answer.how === 'error' || answer.how === 'timeout') return `${party(answer.who)}'s side then failed`;
  return `${party(answer.who)} closed after it`;
}

/** What a message's framing promised and did not get: the headline's first words. */
function shortfall(response: MessageRecord): string {
  if (response.framing === 'chunked') return response.terminator ? 'trailer section cut short' : 'no last chunk';
  if (response.framing === 'content-length') return 'body cut short';
  if (response.framing === 'close-delimited') return 'body may be incomplete';
  return 'response cut short';
}

function firstError(m: MessageRecord | null | undefined, direction: 'request' | 'response'): AnomalyRecord | undefined {
  return m?.anomalies.find((x) => isErrorAnomaly(x.cls, direction));
}

/** "3 chunks and the last chunk, 2,905 bytes", "2,905 bytes (Content-Length)", "no body". */
function delivered(response: MessageRecord): string {
  switch (response.framing) {
    case 'chunked':
      return `${plural(response.chunkCount, 'chunk')} and the last chunk, ${byteCount(response.bodyLength)}`;
    case 'content-length':
      return `${byteCount(response.bodyLength)} (Content-Length)`;
    case 'close-delimited':
      return `${byteCount(response.bodyLength)}, ended by the connection's close`;
    case 'unknown':
      return `${byteCount(response.bodyLength)} (framing not recorded)`;
    default:
      return 'no body';
  }
}

function stallNote(stalls: AccountStall[]): string {
  if (stalls.length === 0) return '';
  let longest = stalls[0]!;
  for (const s of stalls) if (s.seconds > longest.seconds) longest = s;
  return stalls.length === 1 ? `, after a stall of ${duration(longest.seconds)} waiting for ${longest.waitingFor}` : `, after ${stalls.length} stalls (the longest ${duration(longest.seconds)})`;
}

/**
 * The account of exchange #index. `now` (seconds since the capture started) makes a live
 * stall show as it runs; null reads the connection as it stands.
 */
export function exchangeAccount(a: ConnectionAnalyzer, index: number, now: number | null, messages = a.exchangeMessages(index)): ExchangeAccount {
  const { request, response } = messages;
  const ends = accountEnds(a.closes, a.tls?.client != null);
  const first = firstEnd(ends);
  const stalls = a.stalls(now).filter((s) => s.exchange === index);
  const from = request ? a.timeAt(0)(request.offset) : 0;
  const complete = response?.complete === true;
  const isLast = index >= a.exchangeCount() - 1;
  const mine = isLast || !complete ? ends : [];
  const received = a.streamEnd(1);
  const over = received !== null && received.kind !== 'open';
  const lastByte = response ? a.timeAt(1)(Math.max(response.offset, response.end - 1)) : null;
  const to = complete ? lastByte : over ? Math.max(lastByte ?? from, first?.at ?? from) : received?.kind === 'open' ? (lastByte ?? from) : null;
  const base = { stalls, ends: mine, span: { from, to }, hint: null, unanswered: false };
  const say = (tone: ExchangeAccount['tone'], headline: string, extra: Partial<ExchangeAccount> = {}): ExchangeAccount => ({ ...base, tone, headline, ...extra });

  if (a.tunnel && request?.request?.method === 'CONNECT') {
    const tunnel = tunnelAccount(a.tunnel, a.tls);
    return say(tunnel.tone, tunnel.headline);
  }
  if (a.upstreamFailure && response?.generated) return say('problem', `Chunkscope could not connect to ${a.upstreamFailure.target}: ${a.upstreamFailure.reason}; it answered the client itself`);

  const finding = [...(request?.anomalies ?? []), ...(response?.anomalies ?? [])].find((x) => isEndFinding(x.code));
  if (finding) {
    const onRequest = request?.anomalies.includes(finding) === true;
    const answer = first?.who === 'client' ? answerTo(ends, first) : null;
    const hint = finding.code === 'closed-early' && request?.framing === 'chunked' ? DECHUNK_HINT : null;
    const prefix = onRequest || !response ? 'no response' : shortfall(response);
    const then = answer ? `; ${afterIt(answer)}` : first?.who === 'client' && received?.kind === 'open' ? '; the server had not closed its side when the capture ended' : '';
    return say('problem', `${prefix}: ${finding.message}${then}`, { hint, unanswered: onRequest });
  }
  if (!request?.request) {
    const error = firstError(request, 'request');
    return say(error ? 'problem' : 'live', error ? `the request cannot be read: ${error.message}` : 'the request line has not arrived whole');
  }
  if (a.webSocket?.exchange === index) {
    const ws = webSocketHeadline(a, a.webSocket);
    return say(ws.tone, ws.headline, { webSocket: ws.webSocket });
  }
  const requestError = firstError(request, 'request');
  if (requestError?.cls === 'F') return say('problem', `request framing lost at byte ${groupDigits(requestError.offset)}: ${requestError.message}`);
  const responseError = firstError(response, 'response');
  if (responseError?.cls === 'F') return say('problem', `response framing lost at byte ${groupDigits(responseError.offset)}: ${responseError.message}`);

  if (response && !complete) {
    const at = `at byte ${groupDigits(response.end)}`;
    if (over) {
      const ender = ends.find((e) => !e.mirrored && e.who !== 'client') ?? first;
      const stall = stalls.find((s) => s.direction === 'response' && s.endedBy !== 'bytes' && s.endedBy !== null);
      if (!ender) return say('problem', `${shortfall(response)}: ${responseError?.message ?? 'the connection ended'}`);
      if (stall) return say('problem', `${shortfall(response)}: ${whereStopped(stall.waiting)} ${party(ender.who)} sent nothing for ${duration(stall.seconds)}, then ${endVerb(ender)}, ${at}`);
      const stopped = a.stoppedAt(1);
      const where = stopped ? whereStopped(stopped) : 'during the response';
      const gap = where.startsWith('after ') && lastByte !== null ? `${duration(Math.max(0, ender.at - lastByte))} ` : '';
      return say('problem', `${shortfall(response)}: ${howItEnded(ender)} ${gap}${where}, ${at}`);
    }
    if (received?.kind === 'open') return say('problem', `${shortfall(response)}: the capture ended while the response was still arriving, ${at}`);
    const stall = stalls.find((s) => s.ongoing && s.direction === 'response');
    const still = response.framing === 'chunked' ? 'no last chunk yet' : 'response still arriving';
    return stall ? say('live', `${still}: waiting ${duration(stall.seconds)} for ${stall.waitingFor}, ${at}`) : say('live', `${still}: the body is still streaming`);
  }
  if (!response) {
    if (over) return say('problem', 'no response: the connection ended before one arrived');
    if (received?.kind === 'open') return say('problem', 'no response: the capture ended while the request waited for one');
    if (!request.complete) {
      const stall = stalls.find((s) => s.ongoing && s.direction === 'request');
      return say('live', stall ? `request still being sent: the client sent nothing for ${duration(stall.seconds)}, waiting for ${stall.waitingFor}` : 'request still being sent');
    }
    const stall = stalls.find((s) => s.ongoing && s.direction === 'response');
    return say('live', stall ? `no response yet: waiting ${duration(stall.seconds)} for the response to start` : 'waiting for the response');
  }
  const took = lastByte !== null ? ` in ${duration(Math.max(0, lastByte - from))}` : '';
  const problem = requestError ?? responseError;
  if (problem) return say('problem', `complete, but: ${problem.message}`);
  const reset = isLast && first && first.how === 'rst' ? `; then ${howItEnded(first)}` : '';
  return say('ok', `complete: ${delivered(response)}${took}${stallNote(stalls)}${reset}`);
}

/** "3 requests, all answered", "1 request, its response cut short", "4,001 requests, 4,000 answered". */
function requestTally(requests: number, answered: number, cutShort: number[]): string {
  const count = plural(requests, 'request');
  if (requests > 0 && answered === requests) return `${count}, ${requests === 1 ? 'answered' : 'all answered'}`;
  const cut = cutShort.length === 0 ? '' : cutShort.length === 1 ? `response #${cutShort[0]! + 1} cut short` : `${groupDigits(cutShort.length)} responses cut short`;
  if (requests === 1 && cutShort.length === 1) return `${count}, its response cut short`;
  return [`${count}, ${groupDigits(answered)} answered`, cut].filter(Boolean).join('; ');
}

/** The account of a whole connection: how it ended and after what, in one sentence. */
export function connectionAccount(a: ConnectionAnalyzer, now: number | null): ConnectionAccount {
  const ends = accountEnds(a.closes, a.tls?.client != null);
  const first = firstEnd(ends);
  const stalls = a.stalls(now);
  const requests = a.messages('request');
  const received = a.streamEnd(1);
  const over = received !== null && received.kind !== 'open';
  const unanswered: number[] = [];
  const cutShort: number[] = [];
  const settled = over || a.clientEndedFirst();
  // Responses come in order: the exchanges before the first not answered whole need no look.
  for (let i = settled ? a.answered : requests.length; i < requests.length; i++) {
    const request = requests.at(i);
    const r = a.exchangeMessages(i).response;
    if (!request) continue;
    if (request.complete && !r) unanswered.push(i);
    else if (r && !r.complete) cutShort.push(i);
  }
  const longestIdle = a.exchangeSpans.longestIdle;
  const answered = a.answered;
  const tally = requestTally(requests.length, answered, cutShort);
  const hint = unanswered.some((i) => requests.at(i)?.framing === 'chunked') && first?.who !== 'client' ? DECHUNK_HINT : null;
  const base = { ends, first, requests: requests.length, answered, unanswered, stalls, longestIdle, hint };

  if (a.tunnel) return { ...base, ...tunnelAccount(a.tunnel, a.tls) };
  if (a.webSocket) {
    const ws = webSocketHeadline(a, a.webSocket);
    return { ...base, tone: ws.tone, headline: ws.headline, webSocket: ws.webSocket };
  }
  if (!first) {
    const stall = stalls.find((s) => s.ongoing);
    if (received?.kind === 'open') return { ...base, tone: 'ok', headline: `still open when the capture ended: ${tally}` };
    return { ...base, tone: 'live', headline: `open: ${tally}${stall ? `; waiting ${duration(stall.seconds)} for ${stall.waitingFor}` : ''}` };
  }
  const answer = answerTo(ends, first);
  const lost = unanswered.length === 0 ? '' : unanswered.length === 1 ? `; request #${unanswered[0]! + 1} was never answered` : `; ${groupDigits(unanswered.length)} requests were never answered, from #${unanswered[0]! + 1}`;
  const then = answer ? `; ${afterIt(answer)}` : received?.kind === 'open' && first.who === 'client' ? '; the server had not closed its side when the capture ended' : '';
  const bad = unanswered.length > 0 || cutShort.length > 0 || first.how === 'rst' || first.how === 'error' || stalls.some((s) => s.endedBy !== 'bytes');
  return { ...base, tone: bad ? 'problem' : 'ok', headline: `${howItEnded(first)} after ${tally}${lost}${then}` };
}

/** What became of a CONNECT's tunnel: the same words for its exchange and its connection. */
function tunnelAccount(tunnel: NonNullable<ConnectionAnalyzer['tunnel']>, tls: ConnectionAnalyzer['tls']): { tone: 'ok' | 'problem'; headline: string } {
  if (tls?.failure) return { tone: 'problem', headline: `TLS with the ${tls.failure.side === 'client' ? 'client' : 'origin'} failed: ${tls.failure.reason}` };
  if (!tunnel.intercepted) return { tone: 'ok', headline: `tunnel to ${tunnel.target}: bytes relayed, not parsed` };
  if (tunnel.inside === 'http') return { tone: 'ok', headline: `tunnel to ${tunnel.target}: plain HTTP inside, relayed as sent and parsed` };
  return { tone: 'ok', headline: `tunnel to ${tunnel.target}, decrypted by Chunkscope` };
}
