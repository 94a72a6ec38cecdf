// `chunkscope inspect CAPTURE`: a capture re-analysed, as the capture form of
// spec/INSPECT.md (JSON) or for people.

import type { ConnectionReport } from '../../shared/capture';
import { launchedLine } from '../../shared/clients';
import type { AnomalyRecord } from '../../shared/ledger';
import { readRecords } from '../capture/reader';
import { ANOMALIES, isErrorAnomaly, type AnomalyCode } from '../../shared/anomalies';
import { printable } from '../../shared/printable';
import type { ExchangeMark } from '../../shared/kept';
import { exchangeId } from '../../shared/exchange-id';
import { byteCount, duration, endStep, groupDigits, markWords, plural } from '../../shared/words';
import type { CaptureRecord } from '../capture/format';
import { CaptureAnalysis, analyseCapture, type CaptureReport } from '../analysis/capture-analysis';
import { anomalyLine, append, formatMessage, type HumanOptions } from './human';
import { messageJson } from './raw';
import { webSocketLines } from './websocket';

export function inspectCapture(pieces: Iterable<Uint8Array>): CaptureReport & { truncatedBytes: number } {
  const analysis = new CaptureAnalysis();
  const records = readRecords(pieces);
  let step = records.next();
  while (!step.done) {
    analysis.add(step.value);
    step = records.next();
  }
  return { ...analysis.report(), truncatedBytes: step.value.truncatedBytes };
}

/** A HAR or a packet capture, already turned into capture records. */
/** `keepChunks`: chunk records listed per message (every one, or the first N). */
export function inspectRecords(records: Iterable<CaptureRecord>, keepChunks: boolean | number = true): CaptureReport & { truncatedBytes: number } {
  return { ...analyseCapture(records, { keepChunks }), truncatedBytes: 0 };
}

/** The user's mark on exchange #index of `c`, as `inspect --json` adds it: `{ mark }`, or nothing. */
function markOf(marks: ReadonlyMap<string, ExchangeMark> | undefined, c: ConnectionReport, index: number): { mark?: ExchangeMark } {
  const mark = marks?.get(exchangeId(c.number, index));
  return mark ? { mark } : {};
}

export function captureJson(report: CaptureReport & { truncatedBytes: number }): object {
  return {
    connections: report.connections.map((c) => ({
      id: c.id,
      client: c.client,
      upstream: c.upstream,
      tls: c.tls,
      closes: c.closes,
      exchanges: c.exchanges.map((e) => ({
        index: e.index,
        request: e.request && messageJson(e.request),
        response: e.response && messageJson(e.response),
        informational: e.informational.map((m) => messageJson(m)),
        account: e.account,
        ...(e.webSocket ? { webSocket: e.webSocket } : {}),
        ...markOf(report.marks, c, e.index),
      })),
      anomalies: c.anomalies.map((a) => ({ code: a.code, offset: a.offset, message: a.message, class: a.cls, direction: a.direction })),
      mode: c.mode,
      openedAt: c.openedAt,
      upstreams: c.upstreams,
      upstreamFailure: c.upstreamFailure,
      tunnel: c.tunnel,
      rewrites: c.rewrites,
      sent: c.sent,
      received: c.received,
      verdict: c.verdict,
      account: c.account,
      ...(c.clientTag ? { clientTag: c.clientTag } : {}),
    })),
    summary: captureSummary(report),
    session: report.session,
    closedCleanly: report.closedCleanly,
    truncatedBytes: report.truncatedBytes,
    verdict: report.connections.some((c) => c.verdict === 'error') ? 'error' : 'ok',
  };
}

/** What a whole capture holds, worst first: counts, then findings by code. */
export interface CaptureSummary {
  connections: number;
  exchanges: number;
  answered: number;
  unanswered: number;
  stalls: number;
  /** Each anomaly code with how many messages have it: errors first, then by count. */
  findings: { code: AnomalyCode; class: string; error: boolean; count: number; title: string }[];
}

export function captureSummary(report: CaptureReport): CaptureSummary {
  const counts = new Map<AnomalyCode, { count: number; error: boolean; cls: string }>();
  let exchanges = 0;
  let answered = 0;
  let unanswered = 0;
  let stalls = 0;
  for (const c of report.connections) {
    exchanges += c.exchanges.length;
    answered += c.account?.answered ?? 0;
    unanswered += c.account?.unanswered.length ?? 0;
    stalls += c.account?.stalls.length ?? 0;
    const count = (a: AnomalyRecord, direction: 'request' | 'response') => {
      const seen = counts.get(a.code) ?? { count: 0, error: false, cls: a.cls };
      seen.count++;
      seen.error ||= isErrorAnomaly(a.cls, direction);
      counts.set(a.code, seen);
    };
    for (const a of c.anomalies) count(a, a.direction);
    for (const e of c.exchanges) {
      for (const a of e.request?.anomalies ?? []) count(a, 'request');
      for (const m of [...e.informational, e.response]) for (const a of m?.anomalies ?? []) count(a, 'response');
    }
  }
  const findings = [...counts].map(([code, v]) => ({ code, class: v.cls, error: v.error, count: v.count, title: ANOMALIES[code].title }));
  findings.sort((a, b) => Number(b.error) - Number(a.error) || b.count - a.count || a.code.localeCompare(b.code));
  return { connections: report.connections.length, exchanges, answered, unanswered, stalls, findings };
}

/** The ends of a connection in order, with when: "the server reset the connection (RST) at 1.2 s; Chunkscope passed it on to the client (RST) at 1.2 s". */
function endsLine(c: ConnectionReport): string {
  const ends = c.account?.ends ?? [];
  if (ends.length === 0) return 'both sides still open';
  return ends.map((e) => `${endStep(e)} at ${duration(e.at)}`).join('; ');
}

function summaryLines(report: CaptureReport & { truncatedBytes: number }): string[] {
  const s = captureSummary(report);
  const started = report.session?.startedAt ? ` · started ${report.session.startedAt}` : '';
  const lines = [
    `capture · ${plural(s.connections, 'connection')}, ${plural(s.exchanges, 'exchange')} (${groupDigits(s.answered)} answered${s.unanswered > 0 ? `, ${groupDigits(s.unanswered)} never answered` : ''})${s.stalls > 0 ? ` · ${plural(s.stalls, 'stall')}` : ''}${started}`,
  ];
  if (!report.closedCleanly) lines.push('the capture has no end record: the proxy was stopped abruptly (kill -9, a crash), so connections open then show as open');
  if (report.truncatedBytes > 0) lines.push(`the last ${byteCount(report.truncatedBytes)} are a record cut short, left out`);
  if (s.findings.length > 0) {
    lines.push('findings, the worst first:');
    for (const f of s.findings) lines.push(`   ${f.error ? '✗' : 'ℹ'} ${f.code} ×${groupDigits(f.count)}: ${f.title}`);
  } else {
    lines.push('findings: none');
  }
  return lines;
}

/** One connection for people: its account, its ends, each exchange's ledgers and headline (also `send`'s output). */
export function connectionLines(c: ConnectionReport, options: HumanOptions, marks?: ReadonlyMap<string, ExchangeMark>): string[] {
  const lines: string[] = [];
  lines.push(`${c.id}  ${c.client} → ${c.upstream ?? c.upstreamFailure?.target ?? '(no upstream)'}  ${plural(c.exchanges.length, 'exchange')}, ${groupDigits(c.sent.bytes)} bytes sent, ${groupDigits(c.received.bytes)} received`);
  if (c.clientTag) lines.push(`    ${launchedLine(c.clientTag)}`);
  if (c.account) lines.push(`    ${c.account.headline}`);
  lines.push(`    ends: ${endsLine(c)}`);
  if (c.account?.hint) lines.push(`    ↳ workaround: ${c.account.hint}`);
  if (c.upstreamFailure) lines.push(`    could not connect to ${c.upstreamFailure.target}: ${c.upstreamFailure.reason}`);
  if (c.tunnel) lines.push(`    CONNECT tunnel to ${c.tunnel.target} (bytes relayed, not parsed)`);
  for (const e of c.exchanges) {
    for (const [label, m, direction] of [
      [`  request #${e.index + 1}`, e.request, 'request'],
      ...e.informational.map((m) => [`  interim response to #${e.index + 1}`, m, 'response'] as const),
      [`  response #${e.index + 1}`, e.response, 'response'],
    ] as const) {
      if (!m) continue;
      const stillOpen = (direction === 'request' ? c.sent.eof : c.received.eof) === 'open';
      append(lines, formatMessage(m, direction, options, stillOpen, label), '  ');
    }
    if (e.webSocket) append(lines, webSocketLines(e.webSocket, options), '  ');
    if (e.account) lines.push(`    → #${e.index + 1} ${printable(e.account.headline)}`);
    const { mark } = markOf(marks, c, e.index);
    if (mark) lines.push(`    ★ #${e.index + 1} ${markWords({ ...mark, comment: printable(mark.comment) })}`);
  }
  for (const a of c.anomalies) lines.push(`    ${anomalyLine(a, a.direction)}`);
  return lines;
}

/** Many exchanges, for people: those that went wrong, one line each, the first 50. */
export function problemLines(connections: readonly ConnectionReport[]): string[] {
  const problems: string[] = [];
  for (const c of connections) {
    for (const e of c.exchanges) {
      if (e.account?.tone !== 'problem') continue;
      const target = e.request?.request ? `${printable(e.request.request.method)} ${printable(e.request.request.target)}` : '(no request line)';
      problems.push(`   ${c.id} #${e.index + 1} ${target} → ${printable(e.account.headline)}`);
    }
  }
  const head = problems.length === 0 ? 'no exchange went wrong' : `exchanges that went wrong (${groupDigits(problems.length)}${problems.length > 50 ? ', the first 50' : ''}):`;
  return [head, ...problems.slice(0, 50)];
}

/** The exchanges the user marked, one line each, the first 50. */
function markedLines(report: CaptureReport): string[] {
  const marked: string[] = [];
  for (const c of report.connections) {
    for (const e of c.exchanges) {
      const { mark } = markOf(report.marks, c, e.index);
      if (!mark) continue;
      const target = e.request?.request ? `${printable(e.request.request.method)} ${printable(e.request.request.target)}` : '(no request line)';
      marked.push(`   ${c.id} #${e.index + 1} ${target} ★ ${markWords({ ...mark, comment: printable(mark.comment) })}`);
    }
  }
  if (marked.length === 0) return [];
  return [`exchanges marked (${groupDigits(marked.length)}${marked.length > 50 ? ', the first 50' : ''}):`, ...marked.slice(0, 50)];
}

/** How many exchanges a capture may hold before `inspect` lists only what went wrong (--all lists every one). */
export const WHOLE_LISTING = 100;

export function formatCapture(report: CaptureReport & { truncatedBytes: number }, options: HumanOptions & { all?: boolean }): string {
  const lines = summaryLines(report);
  const total = report.connections.reduce((n, c) => n + c.exchanges.length, 0);
  if (options.all || total <= WHOLE_LISTING) {
    for (const c of report.connections) {
      lines.push('');
      append(lines, connectionLines(c, options, report.marks));
    }
  } else {
    lines.push('');
    append(lines, problemLines(report.connections));
    const marked = markedLines(report);
    if (marked.length > 0) {
      lines.push('');
      append(lines, marked);
    }
    lines.push('');
    lines.push(`--all lists every connection and exchange with its chunk ledger (${plural(total, 'exchange')})`);
  }
  const verdict = report.connections.some((c) => c.verdict === 'error') ? 'error' : 'ok';
  lines.push('');
  lines.push(`verdict: ${verdict}`);
  return lines.join('\n');
}
