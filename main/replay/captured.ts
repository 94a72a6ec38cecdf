// A capture, read for replaying: per connection, every read of each direction (where its
// bytes lie in the file, when it came, which stream offset it starts at), the exchanges
// with the byte ranges of their request and response, and how the client's side ended.
// The bytes stay in the file; a replay reads them as it writes them.

import { closeSync, openSync, readSync } from 'node:fs';
import type { CloseRecord, ConnectionReport, ExchangeRecord } from '../../shared/capture';
import { fdPieces } from '../capture/file-pieces';
import { CaptureFormatError, readRecords } from '../capture/reader';
import type { CloseKind } from '../capture/format';
import { CaptureAnalysis } from '../analysis/capture-analysis';

export interface CapturedRead {
  stream: 0 | 1;
  /** Seconds since the capture started. */
  time: number;
  position: number;
  length: number;
  /** Stream offset of its first byte. */
  offset: number;
  generated: boolean;
}

export interface CapturedExchange {
  /** Request #index on its connection (0-based). */
  index: number;
  method: string | null;
  target: string | null;
  /** The request's bytes in stream 0. */
  request: { offset: number; end: number } | null;
  /** When the request's last byte arrived (seconds since the capture started). */
  requestDoneAt: number | null;
  /** The response bytes in stream 1 (interim responses included, up to the next exchange's). */
  response: { start: number; end: number } | null;
  record: ExchangeRecord;
}

export interface CapturedConnection {
  number: number;
  id: string;
  openedAt: number;
  reads: CapturedRead[];
  /** Bytes of each client-side stream. */
  bytes: [number, number];
  exchanges: CapturedExchange[];
  closes: CloseRecord[];
  /** How the client's connection ended from the server's side (the proxy's close toward the client), and when. */
  serverEnd: { kind: CloseKind; at: number } | null;
  /** How the client ended its side, and when. */
  clientEnd: { kind: CloseKind; at: number } | null;
  /** A CONNECT tunnel (its bytes are not HTTP to replay). */
  tunnel: boolean;
  report: ConnectionReport;
}

export class CapturedSession {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly connections: CapturedConnection[],
  ) {}

  /** Read a capture file (recognised by content); its bytes are read again as they are replayed. */
  static open(path: string): CapturedSession {
    const fd = openSync(path, 'r');
    try {
      // Where each read lies in the file, to be read again as it is replayed.
      const reads = new Map<number, CapturedRead[]>();
      const opened = new Map<number, number>();
      const offsets = new Map<number, [number, number]>();
      const analysis = new CaptureAnalysis({}, {
        opened: (_a, record) => {
          opened.set(record.connection, record.time);
          reads.set(record.connection, []);
          offsets.set(record.connection, [0, 0]);
        },
        data: (_a, record) => {
          const at = offsets.get(record.connection);
          if (!at || (record.stream !== 0 && record.stream !== 1)) return;
          reads.get(record.connection)!.push({ stream: record.stream, time: record.time, position: record.position!, length: record.bytes.length, offset: at[record.stream], generated: record.generated });
          at[record.stream] += record.bytes.length;
        },
      });
      for (const record of readRecords(fdPieces(fd, 0, undefined, false))) analysis.add(record);
      const report = analysis.report();
      const connections = report.connections.map((c) => capturedConnection(c, reads.get(c.number) ?? [], opened.get(c.number) ?? 0, offsets.get(c.number) ?? [0, 0]));
      return new CapturedSession(path, fd, connections);
    } catch (error) {
      closeSync(fd);
      if (error instanceof CaptureFormatError) throw error;
      throw error;
    }
  }

  /** Connections already analysed (the app's session), whose bytes are read from `path` as they are replayed. */
  static over(path: string, connections: CapturedConnection[]): CapturedSession {
    return new CapturedSession(path, openSync(path, 'r'), connections);
  }

  /** The bytes of one read, or of part of it ([from, to) in stream offsets). */
  bytes(read: CapturedRead, from = read.offset, to = read.offset + read.length): Buffer {
    const start = Math.max(from, read.offset);
    const end = Math.min(to, read.offset + read.length);
    const buffer = Buffer.alloc(Math.max(0, end - start));
    if (buffer.length > 0) readSync(this.fd, buffer, 0, buffer.length, read.position + (start - read.offset));
    return buffer;
  }

  /** The connection `id` names: "c3", "3". */
  connection(id: string): CapturedConnection | null {
    const n = Number(id.replace(/^c/i, ''));
    return this.connections.find((c) => c.number === n) ?? null;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The read holding stream offset `offset`, among one stream's reads (in order). */
export function readAt(reads: CapturedRead[], offset: number): CapturedRead | null {
  let lo = 0;
  let hi = reads.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = reads[mid]!;
    if (offset < r.offset) hi = mid - 1;
    else if (offset >= r.offset + r.length) lo = mid + 1;
    else return r;
  }
  return null;
}

/** A connection for replaying, from its analysis and its reads (stream offsets and file positions). */
export function capturedConnection(report: ConnectionReport, reads: CapturedRead[], openedAt: number, bytes: [number, number]): CapturedConnection {
  const requestReads = reads.filter((r) => r.stream === 0);
  const starts = report.exchanges.map((e) => e.informational[0]?.offset ?? e.response?.offset ?? null);
  const exchanges: CapturedExchange[] = report.exchanges.map((e, i) => {
    const start = starts[i] ?? null;
    let end = bytes[1];
    for (let j = i + 1; j < starts.length; j++) {
      if (starts[j] !== null && starts[j] !== undefined) {
        end = starts[j]!;
        break;
      }
    }
    const request = e.request ? { offset: e.request.offset, end: e.request.end } : null;
    const last = request && request.end > request.offset ? readAt(requestReads, request.end - 1) : null;
    return {
      index: e.index,
      method: e.request?.request?.method ?? null,
      target: e.request?.request?.target ?? null,
      request,
      requestDoneAt: last?.time ?? null,
      response: start === null ? null : { start, end },
      record: e,
    };
  });
  const serverClose = report.closes.find((c) => c.side === 'client' && c.by === 'proxy' && c.kind !== 'open');
  const clientClose = report.closes.find((c) => c.side === 'client' && c.by === 'peer');
  return {
    number: report.number,
    id: report.id,
    openedAt,
    reads,
    bytes,
    exchanges,
    closes: report.closes,
    serverEnd: serverClose ? { kind: serverClose.kind, at: openedAt + serverClose.at } : null,
    clientEnd: clientClose ? { kind: clientClose.kind, at: openedAt + clientClose.at } : null,
    tunnel: report.tunnel !== null,
    report,
  };
}
