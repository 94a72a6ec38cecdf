// One captured request with its body (framing removed), found in a capture's records:
// what "copy as curl" needs.

import type { CaptureRecord } from '../capture/format';
import { ConnectionAnalyzer } from '../session/connection';
import { BodyCollector } from './bodies';
import type { CurlRequest } from './curl';

/** A request body larger than this is not sent again from the command line. */
const MAX_BODY = 512 * 1024 * 1024;

/** Request #index (0-based) on connection `connection`, or null when there is none. */
export function requestForCurl(records: Iterable<CaptureRecord>, connection: number, index: number): CurlRequest | null {
  let analyzer: ConnectionAnalyzer | null = null;
  const bodies = new BodyCollector(MAX_BODY);
  for (const record of records) {
    if (record.type === 'session' || record.type === 'end' || record.connection !== connection) continue;
    if (record.type === 'open') analyzer = new ConnectionAnalyzer(record.connection, record.client, record.mode, record.time, { keepChunks: false });
    else if (!analyzer) continue;
    else if (record.type === 'data') {
      if (record.stream !== 0) {
        analyzer.data(record.stream, record.bytes, record.time, record.generated);
        continue;
      }
      const base = analyzer.streamBytes(0);
      bodies.add(analyzer.data(0, record.bytes, record.time, record.generated), record.bytes, base);
    } else analyzer.event(record);
  }
  const request = analyzer?.messages('request')[index];
  if (!analyzer || !request?.request) return null;
  return { request, body: Buffer.concat(bodies.of(index).pieces), tls: analyzer.tls?.client != null };
}
