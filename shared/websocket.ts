// WebSocket (RFC 6455) after a `101 Switching Protocols`: the events of its frame parser
// (main/websocket), the messages it finds, and the close codes in words. Offsets are
// absolute, counted from the first byte of that direction of the connection (the same
// offsets as the HTTP messages before the upgrade and the raw view).

import type { AnomalyClass, AnomalyCode } from './anomalies';
import type { EndKind } from './http1';

/** Who sent a frame: the client (masked frames, RFC 6455 §5.3) or the server. */
export type WsSender = 'client' | 'server';

/** What a message is, by the opcode of its first frame (RFC 6455 §5.2, §11.8). */
export type WsKind = 'text' | 'binary' | 'close' | 'ping' | 'pong' | 'continuation' | 'reserved';

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export function kindOfOpcode(opcode: number): WsKind {
  switch (opcode) {
    case OPCODE.continuation:
      return 'continuation';
    case OPCODE.text:
      return 'text';
    case OPCODE.binary:
      return 'binary';
    case OPCODE.close:
      return 'close';
    case OPCODE.ping:
      return 'ping';
    case OPCODE.pong:
      return 'pong';
    default:
      return 'reserved';
  }
}

/** Close, ping and pong: opcodes 0x8 to 0xF (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return opcode >= 0x8;
}

/** The close codes of RFC 6455 §7.4.1 and the IANA registry (§11.7), in words. */
const CLOSE_CODES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1004: 'reserved',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid frame payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/** What a close code means: "normal closure", "private use (4000-4999)". */
export function closeCodeMeaning(code: number): string {
  const known = CLOSE_CODES[code];
  if (known) return known;
  if (code < 1000) return 'not a close code (below 1000)';
  if (code < 3000) return 'reserved for future versions of the protocol';
  if (code < 4000) return 'registered for libraries and frameworks (3000-3999)';
  if (code < 5000) return 'private use (4000-4999)';
  return 'not a close code (above 4999)';
}

/**
 * Whether a close code may be sent in a Close frame (RFC 6455 §7.4.1, §7.4.2): 1004, 1005,
 * 1006 and 1015 are only for reporting, never sent; codes below 1000, from 1016 to 2999
 * (unassigned) and from 5000 are not close codes.
 */
export function closeCodeAllowed(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** A Close frame's body: its status code and reason (RFC 6455 §5.5.1). */
export interface WsClose {
  /** null: the Close frame had no body (read as 1005, no status received). */
  code: number | null;
  /** The reason as UTF-8 text (invalid bytes replaced). */
  reason: string;
  /** The code in words (closeCodeMeaning). */
  meaning: string;
}

/**
 * One message: a data message (its frames joined) or one control frame. The parser emits
 * it once its last frame arrived, or when the stream ended first (`complete: false`).
 */
export interface WsMessageRecord {
  sender: WsSender;
  /** Message number of its sender (0-based, control frames included). */
  index: number;
  kind: WsKind;
  /** The first frame's opcode as sent (a reserved one is shown by number). */
  opcode: number;
  /** First byte of its first frame's header; one past its last byte read. */
  offset: number;
  end: number;
  frames: number;
  /** Payload bytes as sent (the frames' payload lengths added up). */
  wireLength: number;
  /** Payload bytes after per-message-deflate was removed; null when it could not be. */
  size: number | null;
  /** RSV1 set under a negotiated permessage-deflate (RFC 7692 §6). */
  compressed: boolean;
  /** The preview (and size) are of the decompressed payload. */
  decompressed: boolean;
  /** Why a compressed message was not decompressed, in words. */
  note: string | null;
  /** The first bytes of the payload, unmasked (and decompressed when it could be). */
  preview: Uint8Array;
  /** The preview is shorter than the payload. */
  previewCut: boolean;
  close: WsClose | null;
  /** Its last frame (FIN) arrived whole. */
  complete: boolean;
  /** Codes of the problems found in its frames (the first of each is also a finding). */
  problems: AnomalyCode[];
}

interface Base {
  offset: number;
}

/** A frame's header: 2 to 14 bytes (RFC 6455 §5.2). */
export interface WsFrameHeaderEvent extends Base {
  type: 'frame-header';
  length: number;
  /** Frame number of this direction (0-based). */
  frame: number;
  fin: boolean;
  /** RSV1 = 4, RSV2 = 2, RSV3 = 1. */
  rsv: number;
  opcode: number;
  masked: boolean;
  payloadLength: number;
}

export interface WsPayloadEvent extends Base {
  type: 'frame-payload';
  length: number;
  frame: number;
}

export interface WsMessageEvent extends Base {
  type: 'message';
  message: WsMessageRecord;
}

export interface WsAnomalyEvent extends Base {
  type: 'anomaly';
  code: AnomalyCode;
  cls: AnomalyClass;
  text: string;
}

/** Bytes not read as frames: after a fatal error, or a frame cut short by the end. */
export interface WsRawEvent extends Base {
  type: 'raw';
  length: number;
  reason: 'unparsed' | 'incomplete';
}

export interface WsEndEvent extends Base {
  type: 'end';
  kind: EndKind;
}

export type WsEvent = WsFrameHeaderEvent | WsPayloadEvent | WsMessageEvent | WsAnomalyEvent | WsRawEvent | WsEndEvent;

/** A message as a connection's analysis keeps it, with when its first and last bytes came. */
export interface WsMessageEntry extends WsMessageRecord {
  /** Its place among the messages of both senders, in the order they completed (0-based). */
  seq: number;
  /** Seconds since the connection opened: its first byte, and its last. */
  first: number;
  last: number;
}

/** The first Close frame a sender sent, and when. */
export interface WsCloseSeen extends WsClose {
  /** Stream offset of the Close frame, and the sender's message number. */
  offset: number;
  message: number;
  /** Seconds since the connection opened. */
  at: number;
}

/** The WebSocket part of the account (shared/account.ts): messages, the close handshake, the headline. */
export interface WebSocketAccount {
  messages: Record<WsSender, number>;
  /** The first Close each side sent (null: none). */
  closes: Record<WsSender, WsCloseSeen | null>;
  /** Who sent Close first; whether the other side answered with its own. */
  closedBy: WsSender | null;
  answered: boolean;
  /** Both sides sent Close, or the connection ended without: the socket is over. */
  over: boolean;
}

/** One WebSocket message (a data message, its fragments joined, or a control frame), as the UI lists it. */
export interface WebSocketMessage {
  /** Its place among both sides' messages, in the order they completed (0-based): the list's order. */
  seq: number;
  from: WsSender;
  /** The sender's message number (0-based). */
  index: number;
  kind: WsKind;
  /** The first frame's opcode as sent (a reserved one is shown by number). */
  opcode: number;
  /** Seconds since the connection opened: its first byte, and its last. */
  first: number;
  last: number;
  /** Where its frames lie: in stream 0 (what the client sent) or 1 (what it received), for the raw view. */
  stream: 0 | 1;
  offset: number;
  end: number;
  frames: number;
  /** Payload bytes as sent; and after per-message-deflate was removed (null when it could not be). */
  wireLength: number;
  size: number | null;
  /** Compressed with per-message-deflate; shown decompressed; why not, in words. */
  compressed: boolean;
  decompressed: boolean;
  note: string | null;
  /** A text message's first bytes as text (invalid UTF-8 replaced); other kinds' first bytes in base64. */
  text: string | null;
  data: string | null;
  /** The message is longer than what text or data hold. */
  cut: boolean;
  close: WsClose | null;
  /** Its last frame arrived whole. */
  complete: boolean;
  /** Codes of the problems of its frames (each code's first is also a finding of the exchange, with its sentence). */
  problems: AnomalyCode[];
}

/** A WebSocket on its exchange's row (shared/api.ts ExchangeRow). */
export interface WebSocketRow {
  /** Messages of both sides, control frames included. */
  messages: number;
  client: number;
  server: number;
  /** Both sides sent Close, or the connection ended. */
  closed: boolean;
}

/** One sender's side of permessage-deflate, as the handshake agreed it (RFC 7692 §7.1). */
export interface DeflateParams {
  /** The sender keeps its window from message to message (no `*_no_context_takeover`). */
  contextTakeover: boolean;
  /** `*_max_window_bits`: the sender's window is at most 2^bits bytes (15 unless said). */
  maxWindowBits: number;
}

/** The WebSocket an exchange's 101 began, in a connection's report (`inspect --json`: `webSocket` on the exchange). */
export interface WebSocketRecord {
  /** The handshake's choices, as the 101 gave them. */
  protocol: string | null;
  extensions: string | null;
  deflate: Record<WsSender, DeflateParams> | null;
  account: WebSocketAccount;
  headline: string;
  /** The first messages, in the order they completed; `omitted` more were counted only. */
  messages: WebSocketMessage[];
  omitted: number;
}
