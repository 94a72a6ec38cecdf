// Folds parser events into message records (the chunk ledger). Pure: the same events
// give the same records, whatever process or time they come from.

import { verdictOf, type Direction } from '../../shared/anomalies';
import type { EndKind, Http1Event } from '../../shared/http1';
import type { AnomalyRecord, ChunkRecord, DirectionReport, MessageRecord } from '../../shared/ledger';
import { MessageLog } from './message-log';

/** Maps an absolute offset to the time its byte arrived (seconds since the connection opened). */
export type TimeAt = (offset: number) => number;

/**
 * A message with its timing: when its first and last bytes arrived, and per chunk its
 * size line's first byte and its data's last byte. Derived from offsets when asked for,
 * so reading a stream costs no clock lookups.
 */
export function withTiming(m: MessageRecord, timeAt: TimeAt): MessageRecord {
  return {
    ...m,
    timing: {
      first: timeAt(m.offset),
      last: timeAt(Math.max(m.offset, m.end - 1)),
      chunks: (m.chunks ?? []).map((c) => ({ first: timeAt(c.offset), last: timeAt(Math.max(c.offset, c.dataOffset + c.dataLength - 1)) })),
    },
  };
}

export interface LedgerOptions {
  /**
   * Keep every chunk record (default). Without, only counts and the current chunk are
   * kept, so memory stays flat however many chunks a long stream carries.
   */
  keepChunks?: boolean | number;
}

export class LedgerBuilder {
  /** Every message by index; one forgotten (forget) leaves nothing behind. */
  readonly messages = new MessageLog();
  readonly anomalies: AnomalyRecord[] = [];
  private bytes = 0;
  private eof: EndKind = 'open';
  /** Chunk records kept per message (0: counts only). */
  private readonly keepChunks: number;
  /** The chunk being read when the list is not kept. */
  private current: ChunkRecord | null = null;

  constructor(
    readonly direction: Direction,
    options: LedgerOptions = {},
  ) {
    const keep = options.keepChunks ?? true;
    this.keepChunks = keep === true ? Infinity : keep === false ? 0 : Math.max(0, keep);
  }

  /**
   * Drop a finished message's record, keeping its place: a live connection that carries a
   * million messages keeps only those still of use (main/analysis/connection.ts release).
   */
  forget(index: number): void {
    this.messages.forget(index);
  }

  push(events: readonly Http1Event[]): void {
    for (const event of events) this.apply(event);
  }

  apply(event: Http1Event): void {
    if ('length' in event) this.bytes = Math.max(this.bytes, event.offset + event.length);
    if (event.type === 'message-start') {
      this.messages.add(emptyRecord(event.message, event.offset, event.requestIndex));
      return;
    }
    if (event.type === 'end') {
      this.eof = event.kind;
      this.bytes = Math.max(this.bytes, event.offset);
      return;
    }
    if (event.type === 'anomaly') {
      const record: AnomalyRecord = { code: event.code, cls: event.cls, offset: event.offset, message: event.text };
      if (event.message === null) this.anomalies.push(record);
      else this.messages.at(event.message)?.anomalies.push(record);
      return;
    }
    if (event.message === null) return; // raw bytes outside any message, leading CRLFs
    const m = this.messages.at(event.message);
    if (!m) return; // forgotten: finished, and of no more use
    if ('length' in event && event.length > 0) m.end = Math.max(m.end, event.offset + event.length);
    switch (event.type) {
      case 'start-line':
        m.startLine = event.line;
        m.request = event.request;
        m.response = event.response;
        break;
      case 'header':
        m.headers.push([event.name, event.value]);
        break;
      case 'framing':
        m.framing = event.framing;
        m.framingReason = event.reason;
        m.contentLength = event.contentLength;
        if (event.framing === 'chunked') {
          m.chunks = [];
          m.terminator = false;
        }
        break;
      case 'chunk-size': {
        const chunk: ChunkRecord = {
          index: event.chunk,
          offset: event.offset,
          sizeToken: event.sizeToken,
          size: event.size,
          extensions: event.extensions,
          dataOffset: event.offset + event.length,
          dataLength: 0,
          crlf: false,
        };
        m.chunkCount++;
        // The first `keepChunks` are listed; the chunk being read is always at hand.
        if (m.chunks!.length < this.keepChunks) m.chunks!.push(chunk);
        this.current = chunk;
        break;
      }
      case 'chunk-data': {
        this.chunk(m, event.chunk).dataLength += event.length;
        m.bodyLength += event.length;
        break;
      }
      case 'chunk-crlf':
        this.chunk(m, event.chunk).crlf = event.ok;
        break;
      case 'last-chunk':
        m.lastChunk = { offset: event.offset, sizeToken: event.sizeToken, extensions: event.extensions };
        m.terminator = true;
        m.trailers = [];
        break;
      case 'trailer':
        m.trailers!.push([event.name, event.value]);
        break;
      case 'body-data':
        m.bodyLength += event.length;
        break;
      case 'message-complete':
        m.complete = true;
        m.end = Math.max(m.end, event.offset);
        break;
      default:
        break;
    }
  }

  private chunk(m: MessageRecord, index: number): ChunkRecord {
    return m.chunks![index] ?? this.current!;
  }

  report(): DirectionReport {
    const messages = [...this.messages];
    const error = verdictOf(this.anomalies, this.direction) === 'error' || messages.some((m) => verdictOf(m.anomalies, this.direction) === 'error');
    return {
      direction: this.direction,
      verdict: error ? 'error' : 'ok',
      messages,
      anomalies: this.anomalies,
      bytes: this.bytes,
      eof: this.eof,
    };
  }
}

function emptyRecord(index: number, offset: number, requestIndex: number | null): MessageRecord {
  return {
    startLine: null,
    framing: 'none',
    headers: [],
    chunks: null,
    lastChunk: null,
    terminator: null,
    trailers: null,
    bodyLength: 0,
    complete: false,
    anomalies: [],
    index,
    offset,
    end: offset,
    request: null,
    response: null,
    requestIndex,
    framingReason: null,
    contentLength: null,
    chunkCount: 0,
  };
}
