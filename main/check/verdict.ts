// Whether a server passed `chunkscope check`: the framing anomalies of ANOMALIES.md by
// its own verdict rule, plus what only a whole connection shows (a stall, a keep-alive
// connection dropped unannounced, a reset, a close that never came). CHECK.md lists them.

import { isErrorAnomaly } from '../../shared/anomalies';
import { groupDigits } from '../http1/bytes';
import { howItEnded } from '../http1/sentences';
import type { CheckRun, ConnectionEnd } from './check';

export type Severity = 'error' | 'warning' | 'info';

/** What the connection as a whole showed. Codes are check codes, apart from the anomaly codes. */
export type FindingCode = 'stall' | 'closed-early' | 'reset-after-response' | 'not-closed' | 'close-delimited' | 'not-chunked' | 'no-close-notify' | 'max-time';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** The request it is about (1-based), when there is one. */
  request: number | null;
  message: string;
}

export interface Verdict {
  compliant: boolean;
  findings: Finding[];
  /** Error-class anomalies (ANOMALIES.md's verdict rule) on the requests and responses. */
  anomalyErrors: number;
  errors: number;
  warnings: number;
}

function plural(n: number, word: string): string {
  return `${groupDigits(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "0.4 ms", "12.0 ms", "1.25 s" */
export function duration(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
}

/** "the server closed the connection (FIN)", "the server reset the connection (RST)", "Chunkscope closed the TLS session (close_notify)" */
export function endedHow(end: Pick<ConnectionEnd, 'by' | 'how' | 'detail'>, tls: boolean): string {
  const who = end.by === 'server' ? 'server' : 'proxy';
  if (end.how === 'error') return `the connection failed${end.detail ? ` (${end.detail})` : ''}`;
  if (end.how === 'rst') return howItEnded({ who, kind: 'rst' });
  // Inside TLS a bare FIN is a truncation: no close_notify came first.
  return howItEnded({ who, kind: 'fin', tls: end.how === 'close-notify' ? 'close-notify' : tls ? 'truncation' : null });
}

/** Where in the exchanges the connection ended: "after request #2: 2 of 3 requests answered (request #3 was sent and never answered)". */
export function whenEnded(run: CheckRun): string {
  const { end } = run;
  const answered = end.responsesComplete;
  const tally = `${groupDigits(answered)} of ${plural(run.planned, 'request')} answered`;
  const pending = end.requestsSent > answered ? end.requestsSent : null;
  const partial = pending !== null && run.report.exchanges[pending - 1]?.response !== null && run.report.exchanges[pending - 1]?.response !== undefined;
  if (partial) return `during response #${pending}: ${tally}`;
  const after = answered === 0 ? 'before answering request #1' : `after request #${answered}`;
  if (pending !== null) return `${after}: ${tally} (request #${pending} was sent and never answered)`;
  if (answered < run.planned) return `${after}: ${tally} (request #${answered + 1} was not sent)`;
  return `${after}: ${tally}`;
}

/** The connection line: how it ended, when, after how many requests. */
export function connectionSentence(run: CheckRun): string {
  const { end } = run;
  const after = end.afterLastResponse === null ? '' : `, ${duration(end.afterLastResponse)} after the last response`;
  if (end.by === 'server') return `${endedHow(end, run.tls !== null)} ${whenEnded(run)}${after}`;
  const closed = `closed the connection (${end.how === 'close-notify' ? 'close_notify, then FIN' : 'FIN'})`;
  const tally = `${groupDigits(end.responsesComplete)} of ${plural(run.planned, 'request')} answered`;
  if (end.reason === 'max-time') {
    return `Chunkscope stopped reading after --max-time ${run.maxTimeSeconds} s, with response #${end.requestsSent} still arriving, and ${closed}: ${tally}`;
  }
  if (end.reason === 'framing-lost') {
    return `the framing of response #${end.requestsSent} was lost (see the anomaly), so nothing after it could be read; Chunkscope ${closed.replace('the connection', 'it')}: ${tally}`;
  }
  if (end.reason === 'stall') {
    const what = run.stall?.direction === 'request' ? `request #${run.stall.request}, which the server stopped reading,` : `the stalled response #${run.stall?.request ?? end.requestsSent}`;
    return `Chunkscope gave up on ${what} and ${closed}: ${tally}`;
  }
  return `still open after ${plural(end.requestsSent, 'request')} (${tally}); Chunkscope ${closed.replace('the connection', 'it')} after waiting ${run.keepaliveWaitSeconds} s`;
}

/** Did the last complete response say it closes? (`Connection: close`, or HTTP/1.0 without keep-alive, or a close-delimited body.) */
function announced(run: CheckRun): boolean {
  const last = run.end.responsesComplete;
  return last > 0 && run.persistent[last - 1] === false;
}

export function judge(run: CheckRun): Verdict {
  const findings: Finding[] = [];
  const { end, report } = run;
  const add = (code: FindingCode, severity: Severity, request: number | null, message: string) => findings.push({ code, severity, request, message });

  if (run.stall) {
    const s = run.stall;
    if (s.direction === 'request') {
      add('stall', 'error', s.request, `${s.text}, with ${groupDigits(s.unsent)} of its bytes still unsent; Chunkscope gave up after --timeout ${run.timeoutSeconds} s`);
    } else {
      add('stall', 'error', s.request, `${s.text}, at byte ${groupDigits(s.offset)}; Chunkscope gave up after --timeout ${run.timeoutSeconds} s`);
    }
  }

  const pending = end.requestsSent > end.responsesComplete ? end.requestsSent : null;
  const partial = pending !== null && !!report.exchanges[pending - 1]?.response;
  // A request sent and never answered is in the analysis already (closed-early on the request,
  // the account's words, counted with the anomalies): said once. Only a request the server
  // closed on before it was sent is this check's own finding.
  const lostFinding = pending === null ? undefined : report.exchanges[pending - 1]?.request?.anomalies.find((a) => a.code === 'closed-early');
  const sentAndLost = lostFinding !== undefined;
  if (lostFinding) add('closed-early', 'error', pending, lostFinding.message);
  if (end.by === 'server') {
    const early = end.responsesComplete < run.planned;
    if (early && !announced(run) && !partial && !sentAndLost) {
      // A cut response has its own anomaly (missing-terminator, truncated-body…); this is the request lost between responses.
      const n = end.responsesComplete;
      const how = n > 0 ? endedHow(end, run.tls !== null).replace('the connection', 'the keep-alive connection') : endedHow(end, run.tls !== null);
      const when = n > 0 ? `after ${groupDigits(n)} of ${plural(run.planned, 'request')} without announcing it (no "Connection: close" in response #${n})` : 'before answering request #1';
      const lost = pending !== null ? `request #${pending} was sent and never answered, and a client cannot tell whether the server acted on it` : 'a client that sends its next request then loses it';
      add('closed-early', 'error', pending ?? n + 1, `${how} ${when}: ${lost} (RFC 9112 §9.6)`);
    } else if ((end.how === 'rst' || end.how === 'error') && !partial && pending === null) {
      add('reset-after-response', 'warning', end.responsesComplete || null, `${endedHow(end, run.tls !== null)} after its last response instead of closing it with a FIN: a client that has not read the whole response yet can lose its end (RFC 9112 §9.6: close in stages)`);
    }
    if (end.how === 'fin' && run.tls && !partial && pending === null) {
      add('no-close-notify', 'info', null, 'the server ended TLS with a FIN but no close_notify; harmless after complete responses, a truncation during a close-delimited body (RFC 9112 §9.8)');
    }
  } else if (end.reason === 'max-time') {
    add('max-time', 'warning', end.requestsSent, `response #${end.requestsSent} was still arriving after --max-time ${run.maxTimeSeconds} s; Chunkscope stopped reading it (a stream meant to run on, such as server-sent events, is fine; its framing so far is checked)`);
  } else if (end.reason === 'kept-open') {
    if (run.askedToClose && end.responsesComplete > 0) {
      add('not-closed', 'warning', end.responsesComplete, `the server kept the connection open for ${run.keepaliveWaitSeconds} s after its response to a request with "Connection: close"; it must close it (RFC 9112 §9.6)`);
    } else if (announced(run)) {
      add('not-closed', 'warning', end.responsesComplete, `response #${end.responsesComplete} said "Connection: close" but the server kept the connection open for ${run.keepaliveWaitSeconds} s; it must close it after that response (RFC 9112 §9.6)`);
    }
  }

  const lengthFramed: number[] = [];
  for (const e of report.exchanges) {
    const m = e.response;
    if (!m?.complete) continue;
    if (m.framing === 'close-delimited') {
      add('close-delimited', 'warning', e.index + 1, `response #${e.index + 1} has no Content-Length and is not chunked: its body ends only when the connection closes, so a client cannot tell a complete body from a cut one (RFC 9112 §6.3 rule 8)`);
    } else if (m.framing === 'content-length' && m.bodyLength > 0) {
      lengthFramed.push(e.index + 1);
    }
  }
  if (lengthFramed.length === 1) {
    add('not-chunked', 'info', lengthFramed[0]!, `response #${lengthFramed[0]} is framed by Content-Length, not chunked: the chunk checks did not apply to it`);
  } else if (lengthFramed.length > 1) {
    const which = lengthFramed.length <= 5 ? `responses ${lengthFramed.map((n) => `#${n}`).join(', ')}` : `${groupDigits(lengthFramed.length)} responses, from #${lengthFramed[0]}`;
    add('not-chunked', 'info', lengthFramed[0]!, `${which} are framed by Content-Length, not chunked: the chunk checks did not apply to them`);
  }

  let anomalyErrors = 0;
  for (const e of report.exchanges) {
    for (const [m, direction] of [[e.request, 'request'], [e.response, 'response'], ...e.informational.map((i) => [i, 'response'] as const)] as const) {
      for (const a of m?.anomalies ?? []) if (isErrorAnomaly(a.cls, direction)) anomalyErrors++;
    }
  }
  for (const a of report.anomalies) if (isErrorAnomaly(a.cls, a.direction)) anomalyErrors++;

  // closed-early on a sent request is an anomaly too: counted once.
  const errors = anomalyErrors + findings.filter((f) => f.severity === 'error' && !(f.code === 'closed-early' && sentAndLost)).length;
  // ANOMALIES.md's rule, as `inspect` applies it, must agree with ours.
  const compliant = errors === 0 && report.verdict === 'ok';
  return { compliant, findings, anomalyErrors, errors, warnings: findings.filter((f) => f.severity === 'warning').length };
}
