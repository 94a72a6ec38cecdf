// The human form of an inspect report: a ledger table per message, the terminator
// line, and each anomaly with its offset and sentence.

import { isErrorAnomaly, type Direction } from '../../shared/anomalies';
import type { AnomalyRecord, DirectionReport, MessageRecord } from '../../shared/ledger';
import { printable } from '../../shared/printable';
import { groupDigits } from '../http1/bytes';

/** Append without spreading: push(...lines) overflows the stack for a ledger of 200,000 chunks. */
export function append(target: string[], lines: readonly string[], prefix = ''): void {
  for (const line of lines) target.push(prefix + line);
}

export interface HumanOptions {
  /** Chunks shown per message before the table is cut short (0: all). */
  maxChunks: number;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}


export function anomalyLine(a: AnomalyRecord, direction: Direction): string {
  const mark = isErrorAnomaly(a.cls, direction) ? '✗' : 'ℹ';
  return `${mark} ${a.code} at byte ${groupDigits(a.offset)}: ${a.message}`;
}

function chunkTable(m: MessageRecord, options: HumanOptions): string[] {
  const chunks = m.chunks ?? [];
  const lines: string[] = [];
  const shown = options.maxChunks > 0 ? chunks.slice(0, options.maxChunks) : chunks;
  let sizeWidth = 12; // a loop, not Math.max(...): --all-chunks may list millions
  for (const c of shown) sizeWidth = Math.max(sizeWidth, c.sizeToken.length + 2);
  lines.push(`     ${pad('#', 6, true)}  ${pad('offset', 12, true)}  ${pad('size as sent', sizeWidth)}  ${pad('decimal', 12, true)}  ${pad('data', 12, true)}  CRLF  extensions`);
  for (const c of shown) {
    const data = c.dataLength === c.size ? groupDigits(c.dataLength) : `${groupDigits(c.dataLength)} of ${groupDigits(c.size)}`;
    lines.push(
      `     ${pad(String(c.index + 1), 6, true)}  ${pad(groupDigits(c.offset), 12, true)}  ${pad(c.sizeToken, sizeWidth)}  ${pad(groupDigits(c.size), 12, true)}  ${pad(data, 12, true)}  ${pad(c.crlf ? 'ok' : '—', 4)}  ${printable(c.extensions)}`,
    );
  }
  if (shown.length < m.chunkCount) lines.push(`     … ${groupDigits(m.chunkCount - shown.length)} more chunks (--all-chunks shows them, --json --chunks all lists them)`);
  return lines;
}

function terminatorLine(m: MessageRecord, stillOpen: boolean): string {
  if (m.lastChunk) {
    const trailers = m.trailers && m.trailers.length > 0 ? `, trailers: ${m.trailers.map(([n, v]) => `${n}: ${printable(v)}`).join('; ')}` : '';
    return `   last chunk  "${m.lastChunk.sizeToken}${printable(m.lastChunk.extensions)}" at byte ${groupDigits(m.lastChunk.offset)}${trailers}`;
  }
  if (stillOpen) return '   last chunk  not yet (the connection is still open)';
  return '   last chunk  missing';
}

/** One message: its start-line, framing, chunk ledger, terminator and anomalies. */
export function formatMessage(m: MessageRecord, direction: Direction, options: HumanOptions, stillOpen: boolean, label = `#${m.index + 1}`): string[] {
  const lines: string[] = [];
  lines.push(`${label} ${m.startLine === null ? '(no complete start-line)' : printable(m.startLine)}   ${m.complete ? 'complete' : 'INCOMPLETE'}`);
  lines.push(`   framing     ${m.framing}${m.framingReason ? ` — ${m.framingReason}` : ''}`);
  if (m.chunks) {
    lines.push(`   chunks      ${groupDigits(m.chunkCount)}, ${groupDigits(m.bodyLength)} bytes of data`);
    if (m.chunks.length > 0) append(lines, chunkTable(m, options));
    lines.push(terminatorLine(m, stillOpen));
  } else if (m.framing !== 'none') {
    lines.push(`   body        ${groupDigits(m.bodyLength)} bytes`);
  }
  for (const a of m.anomalies) lines.push(`   ${anomalyLine(a, direction)}`);
  return lines;
}

export function formatHuman(report: DirectionReport, options: HumanOptions): string {
  const lines: string[] = [];
  const count = report.messages.length;
  lines.push(`${report.direction} · ${groupDigits(report.bytes)} bytes · ${count} message${count === 1 ? '' : 's'} · ended: ${report.eof}`);
  for (const m of report.messages) {
    lines.push('');
    append(lines, formatMessage(m, report.direction, options, report.eof === 'open' && m === report.messages.at(-1)));
  }
  if (report.anomalies.length > 0) lines.push('');
  for (const a of report.anomalies) lines.push(anomalyLine(a, report.direction));
  const errors = report.messages.reduce((n, m) => n + m.anomalies.filter((a) => isErrorAnomaly(a.cls, report.direction)).length, 0) + report.anomalies.filter((a) => isErrorAnomaly(a.cls, report.direction)).length;
  lines.push('');
  lines.push(`verdict: ${report.verdict}${errors > 0 ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`);
  return lines.join('\n');
}
