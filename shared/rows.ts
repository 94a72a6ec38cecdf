// The API's lists (shared/api.ts): a row per exchange and per connection, the sessions
// shown as tabs, and the update batches that carry them as things change.

import type { AccountEnd, AccountStall, ConnectionAccount, ExchangeAccount } from './account';
import type { AnomalyCode } from './anomalies';
import type { HeldMessage, HeldTimedOut } from './breakpoints';
import type { CloseRecord, TlsReport } from './capture';
import type { LaunchedClient } from './clients';
import type { ReplayOrigin } from './compose';
import type { Framing } from './http1';
import type { WebSocketRow } from './websocket';
import type { SearchUpdate } from './search';
import type { ProbeUpdate } from './probe';
import type { ExchangeMark } from './kept';
import type { EndHow, Party } from './words';

/** Who ended a connection first, and how: the account's first end, timed on the session's clock. */
export interface ConnectionEnd {
  who: Party;
  how: EndHow;
  /** Inside TLS: a FIN without close_notify (a truncation). */
  truncation: boolean;
  /** Seconds since the session started. */
  at: number;
}

export type TerminatorState = 'present' | 'missing' | 'streaming' | 'none';

/** One exchange (request and its response) as the sessions list shows it. */
export interface ExchangeRow {
  /** `${connectionNumber}:${index}` */
  id: string;
  /** Position in the session, in the order requests started (1-based). */
  seq: number;
  connection: number;
  /** Request #index on its connection (0-based). */
  index: number;
  method: string | null;
  host: string | null;
  path: string | null;
  status: number | null;
  reason: string | null;
  framing: Framing | null;
  /** How the request's body was framed (chunked requests are the IIS 6 story). */
  requestFraming: Framing | null;
  chunks: number;
  terminator: TerminatorState;
  /** Decoded body bytes of the response so far. */
  bodyBytes: number;
  /** Wire bytes of the request and of the response. */
  requestBytes: number;
  responseBytes: number;
  /** Seconds since the session started when the request's first byte arrived. */
  startedAt: number;
  /** From the request's first byte to the response's last byte (so far). */
  duration: number | null;
  state: 'waiting' | 'streaming' | 'complete' | 'incomplete';
  /** How the connection ended, when it ended during or right after this exchange. */
  ended: ConnectionEnd | null;
  /** The connection went on to further requests after this one. */
  keptAlive: boolean;
  anomalies: { count: number; errors: number; codes: AnomalyCode[] };
  /** The longest stall of this exchange: still running, or over (it stays on the row). */
  stalled: { seconds: number; ongoing: boolean } | null;
  /** The account's headline and tone (shared/account.ts). */
  headline: string;
  tone: ExchangeAccount['tone'];
  /** Records of the connection this row was derived from: a later row of the same exchange has more. */
  version: number;
  /** Bytes per second of the response while it streams. */
  rate: number | null;
  generated: boolean;
  tunnel: boolean;
  /** Decrypted HTTPS (an intercepted CONNECT). */
  tls: boolean;
  /** A CONNECT Chunkscope intercepted: its TLS session became connection `via`'s decrypted one, or failed. */
  interception: 'decrypted' | 'failed' | null;
  /** Changes fault and rewrite rules made to this exchange (0: it went through unchanged). */
  rules: number;
  /** The exchange's 101 began a WebSocket: its messages so far (webSocketMessages lists them); null or absent otherwise. */
  webSocket?: WebSocketRow | null;
  /** The client Chunkscope launched that made it (`run`, a browser, a probe); null or absent otherwise. */
  clientTag?: LaunchedClient | null;
  /** Pinned or commented by the user (saved in the capture); absent when neither. */
  mark?: ExchangeMark | null;
}

/** One connection, as its lane shows it. */
export interface ConnectionRow {
  number: number;
  id: string;
  client: string;
  upstream: string | null;
  /** Seconds since the session started. */
  openedAt: number;
  lastActivity: number;
  requests: number;
  responses: number;
  bytesSent: number;
  bytesReceived: number;
  closes: CloseRecord[];
  /** The first end of the connection: the one that matters for "who closed". */
  ended: ConnectionEnd | null;
  tunnel: boolean;
  upstreamFailure: string | null;
  tls: TlsReport | null;
  /**
   * Start and end of each exchange from exchange #spansFrom on, flat: [start, end, start,
   * end, ...] (seconds since the session started). Whole (from #0) when a page gets the
   * session; in an update, only what changed (shared/lane-spans.ts puts them together).
   */
  spans: number[];
  /** The first exchange `spans` starts at: those before it are as the last row said. Absent or 0: whole. */
  spansFrom?: number;
  /** How the connection went, in one sentence (shared/account.ts). */
  headline: string;
  tone: ConnectionAccount['tone'];
  /** Requests sent and never answered (0-based). */
  unanswered: number[];
  /** Every end of either side, in order, with who made it and whether Chunkscope only passed it on. */
  ends: AccountEnd[];
  /** Stalls, with `since` in seconds since the connection opened. */
  stalls: AccountStall[];
  /** The client Chunkscope launched that opened it (`client` is its address); null or absent otherwise. */
  clientTag?: LaunchedClient | null;
}

/** A session the app holds, shown as a tab: the live capture, or a file opened. */
export interface SessionTab {
  id: string;
  kind: 'live' | 'file';
  /** "Live", or the file's name. */
  title: string;
  /** The file opened (its full path, or an upload's name); null for the live session. */
  source: string | null;
  exchanges: number;
  /** Exchanges of the live session not in any saved copy: closing or clearing loses them. */
  unsaved: number;
  /** Exchanges whose pin or comment changed since the session was last saved: closing or clearing loses those changes. */
  unsavedMarks: number;
  /** Where the live session's capture is being written (a temporary file until saved). */
  capturePath: string | null;
  /** Where it was saved last, if it was. */
  savedTo: string | null;
  loading: { done: number; total: number } | null;
}

export interface SessionInfo {
  /** The proxy's address clients should use, when one runs. */
  proxy: string | null;
  mode: 'forward' | 'reverse';
  /** Whether the live session records new connections (it goes on while a file is viewed). */
  capturing: boolean;
  /** Every session, the live one first; the rows sent are the current one's. */
  sessions: SessionTab[];
  current: string;
  /** The current session's file when it is one (null for the live session). */
  viewing: string | null;
  /** Wall-clock time the session started (ISO 8601). */
  startedAt: string;
  /** The file opened was a HAR or a packet capture, imported: what it could not carry over. */
  imported?: { kind: 'har' | 'pcap'; notes: string[] } | null;
  /** Set when a loaded capture is still being read. */
  loading: { done: number; total: number } | null;
  /** HTTPS interception: where the CA is and its SPKI hash (null when off). */
  ca: { path: string; spki: string } | null;
  /** Origin certificates are not verified (--insecure-upstream): shown while on. */
  insecureUpstream: boolean;
  /** The fault and rewrite rules of the live proxy (shared/rules.ts syntax), in order; breakpoints are rules too. */
  rules: RuleEntry[];
  /** Seconds after which a message held at a breakpoint that nobody steps is released (setReleaseAfter). */
  releaseAfter: number;
  /** The built-in lab server, once "Try it" started it. */
  lab: string | null;
  /** Captures of earlier runs that ended abruptly (a crash, kill -9), kept in the data folder. */
  recovered?: string[];
  /** Where the live session is captured to until it is saved (a temporary file). */
  capturePath?: string | null;
  /**
   * Set when writing the live session's capture failed (a full disk, an I/O error): the
   * capture stopped there, traffic is still relayed and shown. In words, for the user.
   */
  captureError?: string | null;
  /** The replay origin serving captured responses (serveReplay), while it runs. */
  replay?: ReplayOrigin | null;
}

export interface RuleEntry {
  text: string;
  enabled: boolean;
}

export interface UpdateBatch {
  /** The session was replaced (clear, open): drop everything shown before. */
  reset?: boolean;
  session?: SessionInfo;
  rows?: ExchangeRow[];
  connections?: ConnectionRow[];
  /** What is held at breakpoints now, in the order it was held: the whole list, replacing the one before (sent when it changes). */
  held?: HeldMessage[];
  /** Held messages the timeout released since the last update (they are off `held`): for a notice. */
  heldTimedOut?: HeldTimedOut[];
  /** A search's new matches and state (shared/search.ts), for the search `search` answered with its id. */
  search?: SearchUpdate;
  /** The probe's state, whole, after each of its steps (shared/probe.ts). */
  probe?: ProbeUpdate;
}
