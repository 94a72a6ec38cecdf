// `chunkscope inspect CAPTURE`: a capture re-analysed, as the capture form of
// spec/INSPECT.md (JSON) or for people.

import type { ConnectionReport } from '../../shared/capture';
import { readRecords } from '../capture/reader';
import { groupDigits } from '../http1/bytes';
import type { CaptureRecord } from '../capture/format';
import { CaptureAnalysis, analyseCapture, type CaptureReport } from '../session/capture-analysis';
import { anomalyLine, append, formatMessage, type HumanOptions } from './human';
import { messageJson } from './raw';

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
export function inspectRecords(records: Iterable<CaptureRecord>): CaptureReport & { truncatedBytes: number } {
  return { ...analyseCapture(records), truncatedBytes: 0 };
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
    })),
    session: report.session,
    closedCleanly: report.closedCleanly,
    truncatedBytes: report.truncatedBytes,
    verdict: report.connections.some((c) => c.verdict === 'error') ? 'error' : 'ok',
  };
}

function closesLine(c: ConnectionReport): string {
  if (c.closes.length === 0) return 'still open';
  return c.closes
    .map((close) => `${close.side} ${close.kind}${close.by === 'proxy' ? ' (by Chunkscope)' : ''} at ${close.at.toFixed(3)} s`)
    .join(', then ');
}

export function formatCapture(report: CaptureReport & { truncatedBytes: number }, options: HumanOptions): string {
  const lines: string[] = [];
  const started = report.session?.startedAt ? ` · started ${report.session.startedAt}` : '';
  lines.push(`capture · ${report.connections.length} connection${report.connections.length === 1 ? '' : 's'}${started}${report.closedCleanly ? '' : ' · cut short (the proxy did not close it)'}`);
  for (const c of report.connections) {
    lines.push('');
    lines.push(`${c.id}  ${c.client} → ${c.upstream ?? c.upstreamFailure?.target ?? '(no upstream)'}  ${c.exchanges.length} exchange${c.exchanges.length === 1 ? '' : 's'}, ${groupDigits(c.sent.bytes)} bytes sent, ${groupDigits(c.received.bytes)} received`);
    lines.push(`    ended: ${closesLine(c)}`);
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
    }
    for (const a of c.anomalies) lines.push(`    ${anomalyLine(a, a.direction)}`);
  }
  const verdict = report.connections.some((c) => c.verdict === 'error') ? 'error' : 'ok';
  lines.push('');
  lines.push(`verdict: ${verdict}`);
  return lines.join('\n');
}
