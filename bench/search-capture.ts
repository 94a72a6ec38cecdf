// The capture the search benchmark reads: 10,000 exchanges, each answered with a chunked
// body of about 100 KiB of JSON lines (1 GiB in all); every tenth body is gzip. One
// exchange in a hundred holds the needle: in its body, or inside one of the gzip bodies,
// where only a search that decodes finds it. Made as it is written: never held whole.
import { gzipSync } from 'node:zlib';
import type { CaptureRecord } from '../main/capture/format';
import { writeCaptureFile } from '../main/capture/write-file';

export const NEEDLE = 'Chunkscope-Needle-42';
const BODY = 116 * 1024;
const CHUNK = 16 * 1024;

export interface SearchCapture {
  exchanges: number;
  gzipBodies: number;
  /** Exchanges holding the needle: as sent (grep sees them) and inside gzip (it cannot). */
  withNeedle: number;
  insideGzip: number;
}

/** About 1 MiB of JSON lines to cut bodies from. */
function pool(): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.length < 12_000; i++) lines.push(JSON.stringify({ id: i, name: `item ${(i * 7919) % 100_003}`, price: ((i * 31) % 9973) / 100, tags: ['feed', 'chunked', `t${i % 97}`] }));
  return Buffer.from(`${lines.join('\n')}\n`);
}

function chunked(body: Uint8Array): Buffer {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += CHUNK) {
    const piece = body.subarray(at, at + CHUNK);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

export function writeSearchCapture(path: string, exchanges = 10_000): SearchCapture {
  const text = pool();
  const bodyAt = (i: number) => Buffer.from(text.subarray((i * 7919) % (text.length - BODY), ((i * 7919) % (text.length - BODY)) + BODY));
  const withNeedle = (body: Buffer) => Buffer.concat([body.subarray(0, BODY / 2), Buffer.from(NEEDLE), body.subarray(BODY / 2 + NEEDLE.length)]);
  const gzipped = Array.from({ length: 10 }, (_, i) => gzipSync(bodyAt(i * 13)));
  const gzippedNeedle = gzipSync(withNeedle(bodyAt(7)));
  const summary: SearchCapture = { exchanges, gzipBodies: 0, withNeedle: 0, insideGzip: 0 };
  function* records(): Generator<CaptureRecord> {
    yield { type: 'session', version: 1, startedAt: new Date().toISOString(), tool: 'chunkscope bench', mode: 'reverse', listen: '127.0.0.1:0', reverse: '127.0.0.1:1' };
    let time = 0;
    for (let c = 1; c <= exchanges; c++) {
      const gzip = c % 10 === 0;
      const needle = c % 100 === 1 || c % 1000 === 0;
      let body = gzip ? (c % 1000 === 0 ? gzippedNeedle : gzipped[c % 10]!) : bodyAt(c);
      if (needle && !gzip) body = withNeedle(body);
      summary.gzipBodies += gzip ? 1 : 0;
      summary.withNeedle += needle ? 1 : 0;
      summary.insideGzip += needle && gzip ? 1 : 0;
      const head = `HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n${gzip ? 'Content-Encoding: gzip\r\n' : ''}Transfer-Encoding: chunked\r\n\r\n`;
      const wire = Buffer.concat([Buffer.from(head), chunked(body)]);
      yield { type: 'open', connection: c, time: (time += 0.001), client: `127.0.0.1:${40000 + (c % 20000)}`, mode: 'reverse' };
      yield { type: 'data', connection: c, stream: 0, generated: false, time, bytes: Buffer.from(`GET /items/${c} HTTP/1.1\r\nHost: bench.test\r\nAccept-Encoding: gzip\r\n\r\n`) };
      for (let at = 0; at < wire.length; at += 64 * 1024) yield { type: 'data', connection: c, stream: 1, generated: false, time: (time += 0.0001), bytes: wire.subarray(at, at + 64 * 1024) };
      yield { type: 'close', connection: c, time, side: 'upstream', kind: 'fin', by: 'peer', detail: null };
      yield { type: 'close', connection: c, time, side: 'client', kind: 'fin', by: 'proxy', detail: null };
    }
    yield { type: 'end', time };
  }
  writeCaptureFile(path, records());
  return summary;
}
