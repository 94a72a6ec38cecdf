// The one account of what happened on a connection and in each exchange (DESIGN.md
// principle 8): who ended which side and how, in order; what the other side did in
// answer; stalls; requests never answered; and the headline sentence. Derived once, by
// main/analysis/account.ts; the list, the detail, the Timeline, the lanes, the CLI's
// live lines, `inspect`, `check` and the exports all read it and write no sentence of
// their own.

import type { WebSocketAccount } from './websocket';
import type { EndHow, Party } from './words';

export type { EndHow, Party } from './words';

/** One end of one side of the connection, in the order they happened. */
export interface AccountEnd {
  /** Which TCP connection ended: the client's (to the proxy) or the origin's (from the proxy). */
  side: 'client' | 'upstream';
  /** Who ended it: the peer on that side, or Chunkscope. */
  who: Party;
  how: EndHow;
  /** Seconds since the connection opened. */
  at: number;
  /** Chunkscope passed on the other side's end (a mirror), rather than deciding to end. */
  mirrored: boolean;
  /** Inside TLS: a FIN without close_notify. */
  truncation: boolean;
  /** The peer ended after the other side had ended first (in answer to it, as far as the bytes tell). */
  answered: boolean;
  detail: string | null;
}

/** What the parser of a stream waited for during a silence, in words and as numbers. */
export interface AccountWaiting {
  /** response: a request was sent and its response had not started. */
  what: 'response' | 'head' | 'chunk-size-line' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'body' | 'close';
  /** The chunk it waited in or for (1-based), when chunked. */
  chunk: number | null;
  received: number | null;
  expected: number | null;
}

/** A silence while a message was incomplete (or a response was due). */
export interface AccountStall {
  direction: 'request' | 'response';
  /** The exchange it concerns (0-based request index on the connection). */
  exchange: number;
  /** Seconds since the connection opened: when the last byte before the silence arrived. */
  since: number;
  /** How long: until the next byte, or the end, or (while ongoing) now. */
  seconds: number;
  /** Still silent. */
  ongoing: boolean;
  /** Offset in its stream where the bytes stopped. */
  offset: number;
  waiting: AccountWaiting;
  /** "the next chunk-size line (chunk #3)" */
  waitingFor: string;
  /** What ended it: more bytes came, or one side ended the connection. */
  endedBy: 'bytes' | { who: Party; how: EndHow } | null;
}

export type AccountTone = 'ok' | 'live' | 'problem';

export interface ExchangeAccount {
  tone: AccountTone;
  /** One sentence: what happened to this exchange. */
  headline: string;
  /** A way around the problem, when one is known (a rule). */
  hint: string | null;
  /** Stalls of this exchange, in order. */
  stalls: AccountStall[];
  /** Ends of the connection that belong to this exchange (it was the one in progress, or the last). */
  ends: AccountEnd[];
  /** Seconds since the connection opened: this exchange's first and last event (null while it runs). */
  span: { from: number; to: number | null };
  /** The request was sent and never answered: the connection ended first. */
  unanswered: boolean;
  /** The exchange's 101 began a WebSocket: its messages and close handshake. */
  webSocket?: WebSocketAccount;
}

export interface ConnectionAccount {
  tone: AccountTone;
  headline: string;
  hint: string | null;
  /** Every end, in order. */
  ends: AccountEnd[];
  /** The end that came first and was not a mirror: who ended the connection. */
  first: AccountEnd | null;
  requests: number;
  /** Final responses that arrived whole. */
  answered: number;
  /** Requests sent and never answered (0-based indexes). */
  unanswered: number[];
  stalls: AccountStall[];
  /** Seconds of the longest silence between exchanges on a kept-alive connection. */
  longestIdle: number | null;
  /** The connection became a WebSocket: its messages and close handshake. */
  webSocket?: WebSocketAccount;
}
