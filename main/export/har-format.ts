// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as @types/har-format has it,
// with Chunkscope's own extension fields (names start with "_", as the spec asks): what a
// HAR cannot otherwise say about chunked framing and connections.

import type { Content, Entry, Header, Log, PostData, Request, Response } from 'har-format';
import type { AnomalyClass } from '../../shared/anomalies';

export type HarNameValue = Header;

/** One chunk as it was sent: the ledger entry of `chunkscope inspect --json`, with times. */
export interface HarChunk {
  /** The hex digits exactly as sent. */
  sizeToken: string;
  size: number;
  /** Everything after the digits up to the line end, exactly as sent. */
  extensions: string;
  /** Offset of the size line in its direction of the connection. */
  offset: number;
  /** How much data arrived (less than size when cut short). */
  dataLength: number;
  crlf: boolean;
  /** Milliseconds since the entry's startedDateTime: the size line's first byte, the data's last byte. */
  firstTime: number;
  time: number;
}

export interface HarAnomaly {
  code: string;
  /** Its class as spec/ANOMALIES.md gives it (shared/anomalies.ts AnomalyClass). */
  class: AnomalyClass;
  offset: number;
  message: string;
}

/** Framing as Chunkscope saw it, on the request and on the response. */
export interface HarFraming {
  /** chunked, content-length, close-delimited or none. */
  _framing?: string;
  _framingReason?: string | null;
  _chunks?: HarChunk[];
  /** Chunks not listed in _chunks (export --chunks first:N). */
  _chunksOmitted?: number;
  /** The zero-length last chunk arrived (chunked only; null otherwise). */
  _terminator?: boolean | null;
  _lastChunk?: { sizeToken: string; extensions: string; offset: number } | null;
  _trailers?: HarNameValue[] | null;
  _anomalies?: HarAnomaly[];
  /** The message arrived whole. */
  _complete?: boolean;
}

/** A request's body, as sent or decoded (base64 when it is not text), and how much was kept. */
export type HarPostData = PostData & { _encoding?: 'base64'; _truncated?: HarTruncation };

export interface HarRequest extends Omit<Request, 'postData'>, HarFraming {
  postData?: HarPostData;
  /** The request target exactly as sent (the url is rebuilt from it and Host). */
  _target?: string;
}

export interface HarTruncation {
  /** Bytes of the body kept in the HAR, and how long it was. */
  kept: number;
  size: number;
}

export interface HarContent extends Content {
  _truncated?: HarTruncation;
  /** The Content-Encoding that was removed to give `text` (gzip, deflate, br), if any. */
  _decoded?: string;
  /** With _decoded: the body as sent (chunked framing removed, Content-Encoding kept), base64. */
  _wire?: string;
}

export interface HarResponse extends Omit<Response, 'content'>, HarFraming {
  content: HarContent;
}

export interface HarConnection {
  /** c1, c2 …: the capture's connection id. */
  id: string;
  /** Request number on the connection, from 1: above 1 the connection was kept alive. */
  request: number;
  client: string;
  server: string | null;
  /** How each side ended (spec/INSPECT.md `closes`), `at` in seconds since the connection opened. */
  closes: { side: string; kind: string; at: number; by: string }[];
  /** Milliseconds since the entry's startedDateTime when the connection opened (negative: before it). */
  openedAt: number;
  /** What happened to this exchange, in one sentence (Chunkscope's account), and a workaround when one is known. */
  headline?: string;
  hint?: string | null;
  /** Silences while a message was incomplete: seconds since the connection opened, how long, waiting for what, ended how. */
  stalls?: { direction: string; since: number; seconds: number; waitingFor: string; endedBy: unknown }[];
  /** How the connection went, in one sentence. */
  ended?: string;
}

export interface HarEntry extends Omit<Entry, 'request' | 'response'> {
  request: HarRequest;
  response: HarResponse;
  _connection?: HarConnection;
  /** Pinned in Chunkscope (a person's mark, saved in the capture); the mark's comment is the entry's `comment`. */
  _pinned?: boolean;
}

export interface Har {
  log: Omit<Log, 'entries'> & { entries: HarEntry[] };
}
