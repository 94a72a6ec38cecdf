// The API's answers about one exchange (shared/api.ts): its detail with the chunk ledger
// in columns, its Stream view, its WebSocket messages, and its bytes as raw slices.

import type { ExchangeRow } from './rows';
import type { ExchangeAccount } from './account';
import type { CloseRecord, RuleRecord, TlsReport } from './capture';
import type { RawReason } from './http1';
import type { MessageRecord } from './ledger';
import type { StreamReport } from './stream';
import type { DeflateParams, WebSocketAccount, WebSocketMessage, WsSender } from './websocket';

/** The chunk ledger of a message in columns: compact for thousands of chunks. */
export interface ChunkColumns {
  offsets: number[];
  sizeTokens: string[];
  sizes: number[];
  extensions: string[];
  dataLengths: number[];
  crlf: boolean[];
  /** Seconds since the connection opened: size line's first byte, data's last byte. */
  firstTimes: number[];
  lastTimes: number[];
}

export interface MessageDetail extends Omit<MessageRecord, 'chunks' | 'timing'> {
  /** Chunks #chunkColumnsFrom on (0-based): a refresh asks only for those it has not got. */
  chunkColumns: ChunkColumns | null;
  chunkColumnsFrom: number;
  /** More chunks follow this answer: ask again from where it ends. */
  chunksMore: boolean;
  /** Only the first chunks are sent when there are very many. */
  chunksTruncated: boolean;
  first: number | null;
  last: number | null;
}

export interface ExchangeDetail {
  id: string;
  connection: number;
  index: number;
  request: MessageDetail | null;
  response: MessageDetail | null;
  /** Interim responses (1xx) before the final one: the first ones, and how many more there were. */
  informational: MessageDetail[];
  informationalOmitted?: number;
  /** Seconds since the session started when the connection opened. */
  connectionOpenedAt: number;
  closes: CloseRecord[];
  /** What happened, in order, and the headline: the one account every view reads. */
  account: ExchangeAccount;
  /** The row of this exchange derived from the same records, so the list and the detail agree. */
  row: ExchangeRow;
  upstreamFailure: string | null;
  tunnel: boolean;
  tls: TlsReport | null;
  /** Changes rules made to this exchange, in order. */
  rules: RuleRecord[];
  /**
   * When rules were on for the connection: the exchange as the origin saw it (its
   * original framing), beside what the client received (`request`, `response`).
   */
  original: { request: MessageDetail | null; response: MessageDetail | null } | null;
  /** The response is of a type the Stream view reads (feed, event stream, JSON lines, text). */
  stream?: boolean;
}

/** The Stream view of a response: its items, each with the chunks that carried it. */
export interface StreamViewResult extends StreamReport {
  /** The body is still arriving: items appear as their last byte does. */
  streaming: boolean;
  /** Where the view stopped on a very large body, in words. */
  limited: string | null;
  /** `items` are items #from on (the caller has the ones before); `total` items so far. */
  from: number;
  total: number;
}

/** The messages of an exchange's WebSocket, paged like streamView. */
export interface WebSocketMessagesResult {
  id: string;
  /** The handshake's choices, as the 101 gave them. */
  protocol: string | null;
  extensions: string | null;
  /** per-message-deflate in effect for each sender (RFC 7692), or null. */
  deflate: Record<WsSender, DeflateParams> | null;
  /** Messages #from on (the caller has the ones before), at most a page. */
  messages: WebSocketMessage[];
  from: number;
  /** Messages kept so far: the list pages through these. */
  kept: number;
  /** Messages counted beyond those kept (a long-lived socket): not listed. */
  omitted: number;
  /** The WebSocket's account: messages per side, the close handshake; and its headline. */
  account: WebSocketAccount;
  headline: string;
  tone: ExchangeAccount['tone'];
  /** The connection is still open: more may come. */
  open: boolean;
}

export type SpanKind = 'head' | 'size-line' | 'extension' | 'data' | 'crlf' | 'last-chunk' | 'trailer' | 'body' | 'raw' | 'leading';

export interface RawSpan {
  offset: number;
  length: number;
  kind: SpanKind;
  /** For raw spans: why they are not HTTP. */
  reason?: RawReason;
}

/** 0: the client sent, 1: the client received; with rules, 2: the origin received, 3: the origin sent. */
export type RawStream = 0 | 1 | 2 | 3;

export interface RawSlice {
  connection: number;
  stream: RawStream;
  /** Offset of the first byte returned, and the bytes (base64). */
  offset: number;
  bytes: string;
  /** Total bytes of the stream. */
  total: number;
  spans: RawSpan[];
}
