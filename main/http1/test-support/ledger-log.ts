// A compact, readable rendering of a direction's report, used as the expected result
// in fixtures: one line per message, chunk, trailer and anomaly.

import type { DirectionReport } from '../../../shared/ledger';

/** A quoted string with every byte outside printable ASCII written as \xHH. */
export function quote(text: string): string {
  if (text.length > 64) return `${quote(text.slice(0, 24))}…(${text.length} bytes)…${quote(text.slice(-8))}`;
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function ledgerLog(report: DirectionReport): string {
  const lines = [`verdict ${report.verdict}`];
  for (const m of report.messages) {
    lines.push(`message ${m.index} ${(m.startLine === null ? 'null' : quote(m.startLine))} framing=${m.framing} complete=${m.complete ? 'yes' : 'no'} body=${m.bodyLength}`);
    for (const c of m.chunks ?? []) {
      lines.push(`  chunk ${c.index} @${c.offset} ${c.sizeToken}=${c.size} ext=${quote(c.extensions)} data=${c.dataLength} crlf=${c.crlf ? 'yes' : 'no'}`);
    }
    if (m.lastChunk) lines.push(`  last-chunk @${m.lastChunk.offset} ${m.lastChunk.sizeToken} ext=${quote(m.lastChunk.extensions)}`);
    for (const [name, value] of m.trailers ?? []) lines.push(`  trailer ${name}: ${quote(value)}`);
    if (m.terminator !== null) lines.push(`  terminator ${m.terminator ? 'yes' : 'no'}`);
    for (const a of m.anomalies) lines.push(`  ! ${a.code} ${a.cls} @${a.offset}`);
  }
  for (const a of report.anomalies) lines.push(`! ${a.code} ${a.cls} @${a.offset}`);
  return lines.join('\n');
}
