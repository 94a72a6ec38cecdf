// A connection's analysis as the records the capture's readers share (shared/capture.ts):
// each exchange with its messages timed, and the connection's report with its account.

import type { ConnectionReport, ExchangeRecord, StreamSummary } from '../../shared/capture';
import type { MessageRecord } from '../../shared/ledger';
import type { ClientStream } from '../capture/format';
import { withTiming } from '../http1/ledger';
import { connectionAccount, exchangeAccount } from './account';
import type { ConnectionAnalyzer } from './connection';
import { isInterim } from './pairing';
import { webSocketRecord } from './websocket-account';

/** Exchange #index: its request, its final response and the interim ones, timed. */
export function exchangeRecord(a: ConnectionAnalyzer, index: number, responses = a.responsesTo(index)): ExchangeRecord {
  const request = a.messages('request').at(index);
  const response = responses.filter((m) => !isInterim(m)).at(-1);
  return {
    index,
    request: request ? withTiming(request, a.timeAt(0)) : null,
    response: response ? withTiming(response, a.timeAt(1)) : null,
    informational: responses.filter(isInterim).map((m) => withTiming(m, a.timeAt(1))),
    ...(a.webSocket?.exchange === index ? { webSocket: webSocketRecord(a, a.webSocket) } : {}),
  };
}

/** Every exchange, the responses grouped in one pass over them. */
export function exchangeRecords(a: ConnectionAnalyzer): ExchangeRecord[] {
  const byRequest: MessageRecord[][] = Array.from({ length: a.exchangeCount() }, () => []);
  for (const m of a.messages('response')) if (m && m.requestIndex !== null) byRequest[m.requestIndex]?.push(m);
  return byRequest.map((responses, index) => exchangeRecord(a, index, responses));
}

export function connectionReport(a: ConnectionAnalyzer): ConnectionReport {
  const requests = a.ledgerReport('request');
  const responses = a.ledgerReport('response');
  const exchanges = exchangeRecords(a);
  // The messages at hand: looking each exchange's up again would cost a pass per exchange.
  for (const e of exchanges) e.account = exchangeAccount(a, e.index, null, e);
  return {
    id: a.id,
    client: a.client,
    upstream: a.upstreams[0]?.address ?? null,
    tls: a.tls,
    closes: a.closes,
    exchanges,
    anomalies: [
      ...requests.anomalies.map((x) => ({ ...x, direction: 'request' as const })),
      ...responses.anomalies.map((x) => ({ ...x, direction: 'response' as const })),
    ],
    number: a.number,
    mode: a.mode,
    openedAt: a.openedAt,
    upstreams: a.upstreams,
    upstreamFailure: a.upstreamFailure,
    tunnel: a.tunnel,
    rewrites: a.rewrites,
    rules: a.rules,
    sent: summary(a, 0),
    received: summary(a, 1),
    verdict: requests.verdict === 'error' || responses.verdict === 'error' ? 'error' : 'ok',
    account: connectionAccount(a, null),
    clientTag: a.clientTag,
  };
}

function summary(a: ConnectionAnalyzer, stream: ClientStream): StreamSummary {
  const end = a.streamEnd(stream);
  return { bytes: a.streamBytes(stream), reads: a.readCount(stream), eof: end?.kind ?? 'open', endedBy: end && end.kind !== 'open' ? end.by : null };
}
