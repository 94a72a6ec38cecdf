// One captured request with its body (framing removed), found in a capture's records:
// what "copy as curl" needs. Reading stops once that request is complete.

import type { CaptureRecord } from '../capture/format';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import { BodyCollector } from './bodies';
import type { CurlRequest } from './curl';

/** A request body larger than this is not sent again from the command line. */
const MAX_BODY = 512 * 1024 * 1024;

/** Request #index (0-based) on connection `connection`, or null when there is none. */
export function requestForCurl(records: Iterable<CaptureRecord>, connection: number, index: number): CurlRequest | null {
  const bodies = new BodyCollector(MAX_BODY, index);
  const analysis = new CaptureAnalysis({ keepChunks: false }, {
    data: (_a, record, events, base) => record.stream === 0 && bodies.add(events, record.bytes, base),
  }, connection);
  for (const record of records) {
    const analyzer = analysis.connections.get(connection);
    // Once the request is whole, only where it went is still needed: the upstream event,
    // which comes before any byte of the response.
    const whole = analyzer?.messages('request').at(index)?.complete === true;
    if (whole && record.type === 'data' && record.connection === connection && record.stream !== 0) break;
    if (whole && record.type === 'data') continue;
    analysis.add(record);
    if (whole && record.type === 'upstream' && record.connection === connection) break;
  }
  const analyzer = analysis.connections.get(connection);
  const request = analyzer?.messages('request').at(index);
  if (!analyzer || !request?.request) return null;
  const imported = analyzer.imported;
  return {
    request,
    body: Buffer.concat(bodies.of(index).pieces),
    tls: analyzer.tls?.client != null,
    upstream: analyzer.upstreams[0]?.target ?? null,
    reverse: analyzer.mode === 'reverse' && !imported,
  };
}
