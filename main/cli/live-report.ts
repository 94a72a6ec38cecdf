// The lines `chunkscope proxy` prints while it runs: one per exchange when it ends,
// each anomaly with its sentence, and stalls as they happen.

import { isErrorAnomaly } from '../../shared/anomalies';
import type { AnomalyEvent, Direction } from '../../shared/http1';
import type { RuleRecord } from '../../shared/capture';
import { groupDigits } from '../http1/bytes';
import { printable } from '../../shared/printable';
import { duration, howItEnded } from '../../shared/words';
import { exchangeAccount } from '../analysis/account';
import type { Stall } from '../proxy/stalls';
import type { ConnectionAnalyzer } from '../analysis/connection';

/**
 * "c1 #1 GET http://… → 200 OK · chunked · no last chunk: the server closed the connection (FIN) 200 ms after chunk #2, at byte 2,966":
 * the exchange, then the account's headline (the same words as the app's detail), and its hint on a line of its own.
 */
export function exchangeLine(connection: ConnectionAnalyzer, index: number): string {
  const { request, response } = connection.exchangeMessages(index);
  const method = request?.request?.method ?? '?';
  const target = request?.request ? printable(request.request.target) : '(no complete request line)';
  const scheme = connection.tls ? 'https' : 'http';
  const url = target.startsWith('/') && connection.upstreams[0] ? `${scheme}://${connection.upstreams[0].target}${target}` : target;
  const account = exchangeAccount(connection, index, null);
  const parts: string[] = [];
  if (response?.response) parts.push(printable(`${response.response.status}${response.response.reason ? ` ${response.response.reason}` : ''}`), response.framing);
  parts.push(printable(account.headline));
  // Escaped as `inspect` does: an origin's bytes never reach the terminal as control characters.
  const line = `${connection.id} #${index + 1} ${printable(method)} ${url} → ${parts.join(' · ')}`;
  return account.hint ? `${line}\n  ↳ ${account.hint}` : line;
}

export function anomalyLine(connection: ConnectionAnalyzer, direction: Direction, anomaly: AnomalyEvent): string {
  const mark = isErrorAnomaly(anomaly.cls, direction) ? '✗' : 'ℹ';
  const where = anomaly.message === null ? direction : `${direction} #${anomaly.message + 1}`;
  return `  ${mark} ${connection.id} ${where}: ${anomaly.code} at byte ${groupDigits(anomaly.offset)}: ${printable(anomaly.text)}`;
}

export function stallLine({ connection, stall }: Stall): string {
  return `  … ${connection.id} #${stall.exchange + 1} ${stall.direction}: stalled, no byte for ${duration(stall.seconds)} while waiting for ${stall.waitingFor}`;
}

export function resumedLine({ connection, stall }: Stall): string {
  const how = stall.endedBy === 'bytes' || stall.endedBy === null ? 'bytes again' : `ended: ${howItEnded(stall.endedBy)}`;
  return `  … ${connection.id} #${stall.exchange + 1} ${stall.direction}: ${how} after ${duration(stall.seconds)}`;
}

/** "  ⚙ c3 #2 drop-last-chunk path:/feed*: withheld the last chunk after 5 chunks and closed the connection (FIN)" */
export function ruleLine(connection: ConnectionAnalyzer, record: RuleRecord): string {
  return `  ⚙ ${connection.id} #${record.exchange + 1} ${record.rule}: ${record.effect}`;
}
