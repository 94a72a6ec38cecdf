// What a message looks like once its events are folded together: the shape of
// `chunkscope inspect --json` (spec/INSPECT.md), reused by the capture and the UI.
// Fields may be added; none may be renamed.

import type { AnomalyClass, AnomalyCode, Direction } from './anomalies';
import type { EndKind, Framing, RequestLine, StatusLine } from './http1';

export interface AnomalyRecord {
  code: AnomalyCode;
  cls: AnomalyClass;
  offset: number;
  message: string;
}

export interface ChunkRecord {
  index: number;
  /** Offset of the chunk-size line's first byte. */
  offset: number;
  /** The hex digits exactly as sent. */
  sizeToken: string;
  size: number;
  /** Everything after the digits up to the line end, exactly as sent. */
  extensions: string;
  dataOffset: number;
  /** How much data arrived (less than size when cut short). */
  dataLength: number;
  /** Whether a correct CRLF followed the data. */
  crlf: boolean;
}

export interface LastChunkRecord {
  offset: number;
  sizeToken: string;
  extensions: string;
}

export interface ChunkTiming {
  /** Seconds since the connection opened: the size line's first byte, the data's last byte. */
  first: number;
  last: number;
}

export interface MessageTiming {
  first: number;
  last: number;
  chunks: ChunkTiming[];
}

export interface MessageRecord {
  startLine: string | null;
  framing: Framing;
  headers: [string, string][];
  chunks: ChunkRecord[] | null;
  lastChunk: LastChunkRecord | null;
  terminator: boolean | null;
  trailers: [string, string][] | null;
  bodyLength: number;
  /** Decoded body, base64; only when asked for. */
  body?: string;
  complete: boolean;
  anomalies: AnomalyRecord[];
  timing?: MessageTiming;
  // Additions to the INSPECT shape.
  /** Index of the message in its direction. */
  index: number;
  /** First byte of the message, and one past the last byte read as part of it. */
  offset: number;
  end: number;
  request: RequestLine | null;
  response: StatusLine | null;
  /** For a response: which request it answers. */
  requestIndex: number | null;
  /** Why the framing is what it is, in words. */
  framingReason: string | null;
  /** Content-Length, when that framed the body. */
  contentLength: number | null;
  /** Chunks whose size line parsed (also when the list itself is not kept). */
  chunkCount: number;
  /** Written by the proxy itself (a 502, a CONNECT's 200), not relayed from the origin. */
  generated?: boolean;
}

export interface DirectionReport {
  direction: Direction;
  verdict: 'ok' | 'error';
  messages: MessageRecord[];
  /** Anomalies that belong to no message (trailing bytes). */
  anomalies: AnomalyRecord[];
  /** Total bytes of this direction, and how it ended. */
  bytes: number;
  eof: EndKind;
}
