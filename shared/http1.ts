// Events of the HTTP/1.1 framing parser (main/http1). Every offset is absolute: bytes
// counted from the first byte of that direction of the connection.
//
// Span events (those with `length`) tile the input: together they cover every byte
// exactly once, so a view can colour each byte by what it is.

import type { AnomalyClass, AnomalyCode } from './anomalies';

export type { Direction } from './anomalies';

/** How a direction of a connection ended after its last byte. */
export type EndKind = 'fin' | 'rst' | 'open';

/** How a peer ended its side in order: a FIN, or inside TLS close_notify (then a FIN). */
export type PeerEnd = 'fin' | 'close-notify';

/**
 * How a body is delimited. The parser decides the first four; 'unknown' is for imports
 * that did not record it (a HAR without chunk data): shown as unknown, never invented.
 */
export type Framing = 'chunked' | 'content-length' | 'close-delimited' | 'none' | 'unknown';

/** Why bytes were not interpreted as HTTP. */
export type RawReason =
  | 'unparsed' // after a fatal anomaly
  | 'trailing' // after trailing-bytes-after-message
  | 'tunnel' // after a 2xx to CONNECT or a 101
  | 'incomplete'; // an element (line, CRLF) that had not arrived whole when the input ended

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

export interface StatusLine {
  version: string;
  status: number;
  reason: string;
}

interface Base {
  /** Index of the message in this direction, or null for bytes outside any message. */
  message: number | null;
  offset: number;
}

interface SpanBase extends Base {
  length: number;
}

export interface MessageStartEvent extends Base {
  type: 'message-start';
  message: number;
  /** For a response: which request (0-based, in order) it answers. */
  requestIndex: number | null;
}

export interface StartLineEvent extends SpanBase {
  type: 'start-line';
  message: number;
  /** The line as sent, without its line ending (latin1, byte for byte). */
  line: string;
  request: RequestLine | null;
  response: StatusLine | null;
}

export interface HeaderEvent extends SpanBase {
  type: 'header';
  message: number;
  /** Name as sent (case kept). */
  name: string;
  /** Value with surrounding whitespace trimmed (latin1, byte for byte). */
  value: string;
}

/** The empty line that ends the header section. */
export interface HeadEndEvent extends SpanBase {
  type: 'head-end';
  message: number;
}

export interface FramingEvent extends Base {
  type: 'framing';
  message: number;
  framing: Framing;
  /** Body length for content-length framing. */
  contentLength: number | null;
  /** Why, in words: which header or rule decided. */
  reason: string;
  /** Whether another message may follow on this connection. */
  persistent: boolean;
  /** A 2xx to CONNECT or a 101: bytes after this message are a tunnel. */
  tunnel: boolean;
}

export interface ChunkSizeEvent extends SpanBase {
  type: 'chunk-size';
  message: number;
  chunk: number;
  /** The hex digits exactly as sent (`05DC` stays `05DC`). */
  sizeToken: string;
  size: number;
  /** Everything after the digits up to the line end, exactly as sent. */
  extensions: string;
}

export interface ChunkDataEvent extends SpanBase {
  type: 'chunk-data';
  message: number;
  chunk: number;
}

export interface ChunkCrlfEvent extends SpanBase {
  type: 'chunk-crlf';
  message: number;
  chunk: number;
  /** False when the octets after the data were not CRLF (then length is 0). */
  ok: boolean;
}

export interface LastChunkEvent extends SpanBase {
  type: 'last-chunk';
  message: number;
  sizeToken: string;
  extensions: string;
}

export interface TrailerEvent extends SpanBase {
  type: 'trailer';
  message: number;
  name: string;
  value: string;
}

/** The empty line that ends the trailer section, and so the chunked body. */
export interface TrailersEndEvent extends SpanBase {
  type: 'trailers-end';
  message: number;
}

/** Body bytes of a content-length or close-delimited body. */
export interface BodyDataEvent extends SpanBase {
  type: 'body-data';
  message: number;
}

export interface MessageCompleteEvent extends Base {
  type: 'message-complete';
  message: number;
}

export interface AnomalyEvent extends Base {
  type: 'anomaly';
  code: AnomalyCode;
  cls: AnomalyClass;
  text: string;
}

export interface LeadingCrlfEvent extends SpanBase {
  type: 'leading-crlf';
  message: null;
}

export interface RawEvent extends SpanBase {
  type: 'raw';
  reason: RawReason;
}

export interface EndEvent extends Base {
  type: 'end';
  message: null;
  kind: EndKind;
}

export type Http1Event =
  | MessageStartEvent
  | StartLineEvent
  | HeaderEvent
  | HeadEndEvent
  | FramingEvent
  | ChunkSizeEvent
  | ChunkDataEvent
  | ChunkCrlfEvent
  | LastChunkEvent
  | TrailerEvent
  | TrailersEndEvent
  | BodyDataEvent
  | MessageCompleteEvent
  | AnomalyEvent
  | LeadingCrlfEvent
  | RawEvent
  | EndEvent;

export type SpanEvent = Extract<Http1Event, { length: number }>;

export function isSpanEvent(event: Http1Event): event is SpanEvent {
  return 'length' in event;
}
