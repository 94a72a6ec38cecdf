// The lines `chunkscope proxy` prints while it runs: one per exchange when it ends,
// each anomaly with its sentence, and stalls as they happen.

import { isErrorAnomaly } from '../../shared/anomalies';
import type { AnomalyEvent, Direction } from '../../shared/http1';
import type { ExchangeRecord, RuleRecord } from '../../shared/capture';
import type { Waiting } from '../http1';
import { groupDigits } from '../http1/bytes';
import type { Stall } from '../proxy/stalls';
import type { ConnectionAnalyzer } from '../session/connection';

export function exchangeLine(connection: ConnectionAnalyzer, exchange: ExchangeRecord): string {
  const request = exchange.request;
  const response = exchange.response;
  const method = request?.request?.method ?? '?';
  const target = request?.request?.target ?? '(no complete request line)';
  const scheme = connection.tls ? 'https' : 'http';
  const url = target.startsWith('/') && connection.upstreams[0] ? `${scheme}://${connection.upstreams[0].target}${target}` : target;
  const parts: string[] = [];
  if (response?.response) {
    parts.push(`${response.response.status}${response.response.reason ? ` ${response.response.reason}` : ''}`);
    parts.push(response.framing);
    if (response.framing === 'chunked') {
      parts.push(`${groupDigits(response.chunkCount)} chunk${response.chunkCount === 1 ? '' : 's'}`);
      parts.push(response.terminator ? 'last chunk received' : response.complete ? 'last chunk received' : 'last chunk MISSING');
    } else if (response.framing !== 'none') {
      parts.push(`${groupDigits(response.bodyLength)} bytes${response.complete ? '' : ' (incomplete)'}`);
    }
  } else if (response) {
    parts.push('unreadable response');
  } else {
    parts.push('no response');
  }
  parts.push(connectionState(connection));
  return `${connection.id} #${exchange.index + 1} ${method} ${url} → ${parts.join(' · ')}`;
}

export function connectionState(connection: ConnectionAnalyzer): string {
  const end = connection.streamEnd(1);
  if (connection.upstreamFailure) return `Chunkscope answered: could not connect to ${connection.upstreamFailure.target}`;
  if (!end) return connection.tunnel ? 'tunnel open' : 'connection open';
  if (end.kind === 'open') return 'connection open';
  const who = end.by === 'proxy' ? 'Chunkscope' : end.by;
  if (end.kind === 'rst') return `${who} reset the connection (RST)`;
  if (end.tls === 'close-notify') return `${who} closed the TLS session (close_notify)`;
  return `${who} closed the connection (FIN)${end.tls === 'truncation' ? ' without close_notify' : ''}`;
}

export function anomalyLine(connection: ConnectionAnalyzer, direction: Direction, anomaly: AnomalyEvent): string {
  const mark = isErrorAnomaly(anomaly.cls, direction) ? '✗' : 'ℹ';
  const where = anomaly.message === null ? direction : `${direction} #${anomaly.message + 1}`;
  return `  ${mark} ${connection.id} ${where}: ${anomaly.code} at byte ${groupDigits(anomaly.offset)}: ${anomaly.text}`;
}

export function waitingFor(waiting: Stall['waiting']): string {
  switch (waiting.what) {
    case 'response':
      return 'the response to start';
    case 'head':
      return 'the rest of the header section';
    case 'chunk-size-line':
      return `the next chunk-size line (chunk #${waiting.chunk})`;
    case 'chunk-data':
      return `the data of chunk #${waiting.chunk} (${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} bytes)`;
    case 'chunk-crlf':
      return `the CRLF after chunk #${waiting.chunk}`;
    case 'trailers':
      return 'the end of the trailer section';
    case 'body':
      return `the body (${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} bytes)`;
    case 'close':
      return 'more of a body that ends only when the connection closes';
    default:
      return (waiting as Waiting).what;
  }
}

export function stallLine(stall: Stall): string {
  return `  … ${stall.connection.id} ${stall.direction}: stalled, no byte for ${stall.waited.toFixed(1)} s while waiting for ${waitingFor(stall.waiting)}`;
}

export function resumedLine(stall: Stall): string {
  return `  … ${stall.connection.id} ${stall.direction}: bytes again after ${stall.waited.toFixed(1)} s`;
}

/** "  ⚙ c3 #2 drop-last-chunk path:/feed*: withheld the last chunk after 5 chunks and closed the connection (FIN)" */
export function ruleLine(connection: ConnectionAnalyzer, record: RuleRecord): string {
  return `  ⚙ ${connection.id} #${record.exchange + 1} ${record.rule}: ${record.effect}`;
}
