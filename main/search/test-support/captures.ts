// Captures made in tests: connections of exchanges written as the proxy writes them, so
// the search and the body viewer read real framing (chunked, gzip, br) from a real file.

import { gzipSync, brotliCompressSync, deflateRawSync, deflateSync } from 'node:zlib';
import type { CaptureRecord } from '../../capture/format';
import { writeCaptureFile } from '../../capture/write-file';

export type Bytes = string | Uint8Array;

export interface TestConnection {
  /** Reads of the client, in order, each a record. */
  sent: Bytes[];
  /** Reads the client received, in order. */
  received: Bytes[];
  /** How the server ended (a FIN by default). */
  end?: 'fin' | 'rst' | 'open';
}

export function bytesOf(b: Bytes): Uint8Array {
  return typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
}

/** A body chunked in pieces of `size` bytes (the last smaller), with the last chunk unless `terminator` is false. */
export function chunked(body: Bytes, size: number, terminator = true): Buffer {
  const data = bytesOf(body);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += size) {
    const piece = data.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  if (terminator) parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

export const encode = {
  gzip: (text: Bytes) => gzipSync(bytesOf(text)),
  br: (text: Bytes) => brotliCompressSync(bytesOf(text)),
  deflate: (text: Bytes) => deflateSync(bytesOf(text)),
  rawDeflate: (text: Bytes) => deflateRawSync(bytesOf(text)),
};

/** A response whose head says `headers` and whose body follows as given (framed by the caller). */
export function response(headers: string[], body: Bytes = '', status = '200 OK'): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'), bytesOf(body)]);
}

export function get(path: string, headers: string[] = []): string {
  return `GET ${path} HTTP/1.1\r\nHost: origin.test\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
}

/** Split bytes into reads of `size` (a network read each). */
export function reads(bytes: Bytes, size: number): Uint8Array[] {
  const data = bytesOf(bytes);
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size));
  return out;
}

export function* connectionRecords(connections: Iterable<TestConnection>): Generator<CaptureRecord> {
  yield { type: 'session', version: 1, startedAt: new Date(0).toISOString(), tool: 'chunkscope test', mode: 'reverse', listen: '127.0.0.1:0', reverse: null };
  let number = 0;
  let time = 0;
  for (const c of connections) {
    const connection = ++number;
    yield { type: 'open', connection, time: (time += 0.001), client: '127.0.0.1:50000', mode: 'reverse' };
    yield { type: 'upstream', connection, time, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' };
    for (const bytes of c.sent) yield { type: 'data', connection, stream: 0, generated: false, time: (time += 0.001), bytes: bytesOf(bytes) };
    for (const bytes of c.received) yield { type: 'data', connection, stream: 1, generated: false, time: (time += 0.001), bytes: bytesOf(bytes) };
    if (c.end !== 'open') {
      yield { type: 'close', connection, time, side: 'upstream', kind: c.end ?? 'fin', by: 'peer', detail: null };
      yield { type: 'close', connection, time, side: 'client', kind: c.end ?? 'fin', by: 'proxy', detail: null };
    }
  }
  yield { type: 'end', time };
}

export function writeConnections(path: string, connections: Iterable<TestConnection>): void {
  writeCaptureFile(path, connectionRecords(connections));
}
