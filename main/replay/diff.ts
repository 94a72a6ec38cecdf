// The framing of captured vs replayed responses: status, chunk sizes as sent, the last
// chunk, and how and when the server ended the connection.

import type { ConnectionReport, ExchangeRecord } from '../../shared/capture';
import type { ExchangeDiff, FramingSummary, ReplayEnd } from '../../shared/compose';
import type { MessageRecord } from '../../shared/ledger';
import { groupDigits } from '../http1/bytes';

export type { ExchangeDiff, FramingSummary } from '../../shared/compose';
/** How the server ended the connection (shared/compose.ts ReplayEnd). */
export type ServerEnd = ReplayEnd;

export interface ConnectionDiff {
  id: string;
  exchanges: ExchangeDiff[];
  captured: ServerEnd;
  now: ServerEnd;
  /** Differences in the connection's end, in words. */
  differences: string[];
  /** Could not connect, in words. */
  failure: string | null;
}

function summary(m: MessageRecord | null): FramingSummary | null {
  if (!m) return null;
  return {
    status: m.response?.status ?? null,
    framing: m.framing,
    sizes: m.chunks?.map((c) => c.sizeToken) ?? [],
    terminator: m.framing === 'chunked' ? (m.terminator ? 'present' : 'missing') : null,
    bodyLength: m.bodyLength,
  };
}

/** "200 chunked 5DC 57D, last chunk MISSING" */
export function describe(s: FramingSummary | null): string {
  if (!s) return 'no response';
  const parts = [`${s.status ?? '?'} ${s.framing ?? ''}`.trim()];
  if (s.framing === 'chunked') {
    const shown = s.sizes.length <= 6 ? s.sizes.join(' ') : `${s.sizes.slice(0, 3).join(' ')} … ${s.sizes.slice(-2).join(' ')} (${groupDigits(s.sizes.length)} chunks)`;
    parts[0] += shown ? ` ${shown}` : ' (no chunk)';
    parts.push(s.terminator === 'present' ? 'last chunk present' : 'last chunk MISSING');
  } else if (s.framing === 'content-length' || s.framing === 'close-delimited') {
    parts[0] += ` ${groupDigits(s.bodyLength)} bytes`;
  }
  return parts.join(', ');
}

export function compareExchange(index: number, captured: ExchangeRecord | undefined, now: ExchangeRecord | undefined): ExchangeDiff {
  const a = summary(captured?.response ?? null);
  const b = summary(now?.response ?? null);
  const differences: string[] = [];
  if (!a && b) differences.push('answered now, not in the capture');
  else if (a && !b) differences.push('no response now');
  else if (a && b) {
    if (a.status !== b.status) differences.push(`status ${a.status} → ${b.status}`);
    if (a.framing !== b.framing) differences.push(`framing ${a.framing} → ${b.framing}`);
    else if (a.sizes.join(' ') !== b.sizes.join(' ')) {
      const at = a.sizes.findIndex((t, i) => t !== b.sizes[i]);
      const i = at < 0 ? Math.min(a.sizes.length, b.sizes.length) : at;
      differences.push(`chunk sizes differ from chunk #${i + 1} (${a.sizes[i] ?? 'none'} → ${b.sizes[i] ?? 'none'}; ${groupDigits(a.sizes.length)} → ${groupDigits(b.sizes.length)} chunks)`);
    }
    if (a.terminator !== b.terminator) differences.push(`last chunk ${a.terminator} → ${b.terminator}`);
    if (a.framing !== 'chunked' && a.bodyLength !== b.bodyLength) differences.push(`body ${groupDigits(a.bodyLength)} → ${groupDigits(b.bodyLength)} bytes`);
  }
  const request = captured?.request ?? now?.request ?? null;
  return { index, method: request?.request?.method ?? null, target: request?.request?.target ?? null, captured: a, now: b, differences };
}

/** How the server ended the connection, from the client's side of a report. */
export function serverEnd(report: ConnectionReport): ServerEnd {
  const responses = report.exchanges.filter((e) => e.response?.complete).length;
  const byServer = report.closes.find((c) => c.side === 'client' && c.by === 'proxy' && c.kind !== 'open');
  const byClient = report.closes.find((c) => c.side === 'client' && c.by === 'peer' && c.kind !== 'open');
  // A replay over TLS cannot tell close_notify from a bare FIN: both are the end here.
  const kind = (k: string) => (k === 'close-notify' ? 'fin' : k);
  if (byServer && (!byClient || byServer.at <= byClient.at)) return { kind: kind(byServer.kind), by: 'server', responses };
  if (byClient) return { kind: kind(byClient.kind), by: 'client', responses };
  return { kind: null, by: null, responses };
}

export function describeEnd(end: ServerEnd): string {
  const after = `after ${groupDigits(end.responses)} response${end.responses === 1 ? '' : 's'}`;
  if (!end.kind) return `still open ${after}`;
  const how = end.kind === 'rst' ? 'RST' : end.kind === 'fin' ? 'FIN' : end.kind;
  return `${end.by} ${how} ${after}`;
}

export function compareConnection(captured: ConnectionReport, now: ConnectionReport, failure: string | null): ConnectionDiff {
  const count = Math.max(captured.exchanges.filter((e) => e.request?.request?.method !== 'CONNECT').length, now.exchanges.length);
  const exchanges = Array.from({ length: count }, (_, i) => compareExchange(i, captured.exchanges[i], now.exchanges[i]));
  const a = serverEnd(captured);
  const b = serverEnd(now);
  const differences: string[] = [];
  if (failure) differences.push(`could not connect: ${failure}`);
  else if (a.kind !== b.kind || a.by !== b.by || a.responses !== b.responses) differences.push(`${describeEnd(a)} → ${describeEnd(b)}`);
  return { id: captured.id, exchanges, captured: a, now: b, differences, failure };
}
