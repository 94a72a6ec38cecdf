// The report of `chunkscope check`: for people (the ledger tables and sentences of
// `inspect`, then how the connection ended and the verdict), or as JSON (CHECK.md; its
// messages are those of spec/INSPECT.md).

import { isEndFinding } from '../../shared/anomalies';
import type { MessageRecord } from '../../shared/ledger';
import { printable } from '../../shared/printable';
import { groupDigits } from '../http1/bytes';
import { anomalyLine, append, formatMessage, type HumanOptions } from '../inspect/human';
import { messageJson } from '../inspect/raw';
import type { CheckRun } from './check';
import { connectionSentence, duration, type Severity, type Verdict } from './verdict';

const MARK: Record<Severity, string> = { error: '✗', warning: '⚠', info: 'ℹ' };

function plural(n: number, word: string): string {
  return `${groupDigits(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "GET /feed · no body · Connection: close", from the request as Chunkscope sent it. */
function requestLine(m: MessageRecord): string {
  const parts = [m.request ? `${m.request.method} ${printable(m.request.target)}` : printable(m.startLine ?? '(no request line)')];
  if (m.framing === 'chunked') parts.push(`chunked: ${plural(m.chunkCount, 'chunk')}, ${plural(m.bodyLength, 'byte')} of data`);
  else if (m.framing === 'content-length' && (m.contentLength ?? 0) > 0) parts.push(`${plural(m.bodyLength, 'byte')} (Content-Length)`);
  else parts.push('no body');
  const connection = m.headers.find(([n]) => n.toLowerCase() === 'connection');
  if (connection) parts.push(`Connection: ${printable(connection[1])}`);
  return parts.join(' · ');
}

function tlsLines(run: CheckRun): string[] {
  const t = run.tls;
  if (!t) return [];
  const session = [t.version, t.cipher, t.alpn ? `ALPN ${t.alpn}` : 'no ALPN'].filter(Boolean).join(' · ');
  const peer = t.peer ? `: ${t.peer}` : '';
  const certificate = t.authorized
    ? `certificate verified${peer}`
    : `certificate NOT verified (--insecure)${t.authorizationError ? `: ${t.authorizationError}` : ''}${peer}`;
  return [`       TLS ${session}`, `       ${certificate}`];
}

export function formatCheck(run: CheckRun, verdict: Verdict, options: HumanOptions): string {
  const lines: string[] = [];
  lines.push(`check ${run.method} ${run.url}`);
  lines.push(`server ${run.address} · connected in ${duration(run.connectSeconds)}`);
  append(lines, tlsLines(run));
  lines.push(run.askedToClose ? `${plural(run.planned, 'request')}, asking the server to close ("Connection: close")` : `${plural(run.planned, 'request')} on one keep-alive connection, one after the other`);

  for (const e of run.report.exchanges) {
    lines.push('');
    if (e.request) {
      lines.push(`request #${e.index + 1}  ${requestLine(e.request)}`);
      // A request never answered is said once, among the findings.
      for (const a of e.request.anomalies) if (!isEndFinding(a.code)) lines.push(`   ${anomalyLine(a, 'request')}`);
    }
    for (const m of e.informational) append(lines, formatMessage(m, 'response', options, false, `interim response to #${e.index + 1}`));
    if (e.response) append(lines, formatMessage(e.response, 'response', options, false, `response #${e.index + 1}`));
    else lines.push(`response #${e.index + 1}  none`);
  }
  for (const a of run.report.anomalies) lines.push(anomalyLine(a, a.direction));

  lines.push('');
  lines.push(`connection  ${connectionSentence(run)}`);

  if (verdict.findings.length > 0) {
    lines.push('');
    lines.push('findings');
    for (const f of verdict.findings) lines.push(`   ${MARK[f.severity]} ${f.code}: ${f.message}`);
  }

  lines.push('');
  const counts: string[] = [];
  if (verdict.errors > 0) {
    const findings = verdict.errors - verdict.anomalyErrors;
    const anomalies = `${groupDigits(verdict.anomalyErrors)} ${verdict.anomalyErrors === 1 ? 'anomaly' : 'anomalies'}`;
    const split = verdict.anomalyErrors > 0 && findings > 0 ? `: ${anomalies}, ${plural(findings, 'finding')}` : '';
    counts.push(`${plural(verdict.errors, 'error')}${split}`);
  }
  if (verdict.warnings > 0) counts.push(plural(verdict.warnings, 'warning'));
  lines.push(`verdict: ${verdict.compliant ? 'compliant' : 'NOT COMPLIANT'}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`);
  return lines.join('\n');
}

/** The JSON document of CHECK.md. */
export function checkJson(run: CheckRun, verdict: Verdict): object {
  const { report, end } = run;
  return {
    url: run.url,
    verdict: verdict.compliant ? 'compliant' : 'not-compliant',
    errors: verdict.errors,
    warnings: verdict.warnings,
    server: {
      host: run.host,
      port: run.port,
      address: run.address,
      connectSeconds: run.connectSeconds,
      tls: run.tls ? { ...run.tls, insecure: run.insecure } : null,
    },
    requests: { planned: run.planned, sent: end.requestsSent, answered: end.responsesComplete, askedToClose: run.askedToClose },
    exchanges: report.exchanges.map((e) => ({
      index: e.index,
      request: e.request && messageJson(e.request),
      response: e.response && messageJson(e.response),
      informational: e.informational.map((m) => messageJson(m)),
    })),
    connection: {
      endedBy: end.by,
      how: end.how,
      reason: end.reason,
      detail: end.detail,
      at: end.at,
      afterRequests: end.requestsSent,
      answered: end.responsesComplete,
      afterLastResponse: end.afterLastResponse,
      sentence: connectionSentence(run),
    },
    stall: run.stall,
    findings: verdict.findings,
    anomalies: report.anomalies.map((a) => ({ code: a.code, offset: a.offset, message: a.message, class: a.cls, direction: a.direction })),
    sent: { bytes: report.sent.bytes, writes: report.sent.reads },
    received: { bytes: report.received.bytes, reads: report.received.reads },
    elapsed: run.elapsed,
  };
}
