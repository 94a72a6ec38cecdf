// What `proxy` (and `run`, `browser` with a proxy of their own) print while they relay:
// each exchange's line when it ends with its anomalies after it, rules, TLS failures and
// stalls as they happen (live-report.ts makes the lines).

import type { AnomalyEvent, Direction } from '../../shared/http1';
import type { ProxyOptions } from '../proxy/server';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { anomalyLine, exchangeLine, resumedLine, ruleLine, stallLine } from './live-report';

export function liveListener(say: (line: string) => void, quiet: boolean): NonNullable<ProxyOptions['listener']> {
  const pendingAnomalies = new Map<string, string[]>();
  return {
    ruleApplied: (connection, record) => say(ruleLine(connection, record)),
    tlsFailed: (connection, side, reason) => say(`  ✗ ${connection.id} TLS (${side}): ${reason}`),
    anomaly(connection: ConnectionAnalyzer, direction: Direction, anomaly: AnomalyEvent) {
      if (quiet) return;
      const line = anomalyLine(connection, direction, anomaly);
      const exchange = exchangeOf(connection, direction, anomaly);
      if (exchange === null) return say(line);
      const key = `${connection.number}:${exchange}`;
      pendingAnomalies.set(key, [...(pendingAnomalies.get(key) ?? []), line]);
    },
    exchangeEnded(connection, index) {
      if (!quiet) {
        say(exchangeLine(connection, index));
        const key = `${connection.number}:${index}`;
        for (const line of pendingAnomalies.get(key) ?? []) say(line);
        pendingAnomalies.delete(key);
      }
      // Its line is out: the analysis keeps no more than it needs (a million pipelined requests stay bounded).
      connection.release(index + 1);
    },
    stalled: (stall) => say(stallLine(stall)),
    resumed: (stall) => say(resumedLine(stall)),
    connectionClosed(connection) {
      // Anomalies of messages that never became an exchange line.
      for (const [key, lines] of pendingAnomalies) {
        if (key.startsWith(`${connection.number}:`)) {
          for (const line of lines) say(line);
          pendingAnomalies.delete(key);
        }
      }
    },
  };
}

function exchangeOf(connection: ConnectionAnalyzer, direction: Direction, anomaly: AnomalyEvent): number | null {
  if (anomaly.message === null) return null;
  if (direction === 'request') return anomaly.message;
  return connection.messages('response').at(anomaly.message)?.requestIndex ?? null;
}
