// One captured request with its body (framing removed), found in a capture's records:
// what "copy as curl" needs. Reading stops once that request is complete.

import type { CaptureRecord } from '../capture/format';
import { ConnectionAnalyzer } from '../analysis/connection';
import { BodyCollector } from './bodies';
import type { CurlRequest } from './curl';

/** A request body larger than this is not sent again from the command line. */
const MAX_BODY = 512 * 1024 * 1024;

/** Request #index (0-based) on connection `connection`, or null when there is none. */
export function requestForCurl(records: Iterable<CaptureRecord>, connection: number, index: number): CurlRequest | null {
  let analyzer: ConnectionAnalyzer | null = null;
  const bodies = new BodyCollector(MAX_BODY, index);
  for (const record of records) {
    if (record.type === 'session' || record.type === 'end' || record.connection !== connection) continue;
    if (record.type === 'open') analyzer = new ConnectionAnalyzer(record.connection, record.client, record.mode, record.time, { keepChunks: false });
    else if (!analyzer) continue;
    else if (record.type === 'data') {
      // Once the request is whole, only where it went is still needed: the upstream
      // event, which comes before any byte of the response.
      if (analyzer.messages('request')[index]?.complete) {
        if (record.stream === 0) continue;
        break;
      }
      if (record.stream !== 0) continue;
      const base = analyzer.streamBytes(0);
      bodies.add(analyzer.data(0, record.bytes, record.time, record.generated), record.bytes, base);
    } else {
      analyzer.event(record);
      if (record.type === 'upstream' && analyzer.messages('request')[index]?.complete) break;
    }
  }
  const request = analyzer?.messages('request')[index];
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
