// A connection as analysed from a capture or live: the capture form of spec/INSPECT.md.

import type { ConnectionAccount, ExchangeAccount } from './account';
import type { LaunchedClient } from './clients';
import type { AnomalyRecord, MessageRecord } from './ledger';
import type { EndKind } from './http1';
import type { WebSocketRecord } from './websocket';

/** fin: a TCP FIN (on TLS: without close_notify, a truncation); close-notify: TLS close_notify, then the FIN. */
export type CloseKind = 'fin' | 'close-notify' | 'rst' | 'error' | 'timeout' | 'open';
export type CloseSide = 'client' | 'upstream';

export interface CloseRecord {
  /** Which TCP connection: the client's to the proxy, or the proxy's to the origin. */
  side: CloseSide;
  kind: CloseKind;
  /** Seconds since the connection opened. */
  at: number;
  /** Who ended it: the peer on that side, or the proxy (mirroring the other side, or on its own). */
  by: 'peer' | 'proxy';
  detail: string | null;
}

export interface ExchangeRecord {
  /** Request #index on this connection (0-based). */
  index: number;
  request: MessageRecord | null;
  response: MessageRecord | null;
  /** 1xx responses that came before the final one. */
  informational: MessageRecord[];
  /** What happened to this exchange, told once (shared/account.ts). */
  account?: ExchangeAccount;
  /** Its 101 began a WebSocket: the messages and the close handshake. */
  webSocket?: WebSocketRecord;
}

export interface StreamSummary {
  bytes: number;
  reads: number;
  /** How the stream ended, and who ended it. */
  eof: EndKind;
  endedBy: 'client' | 'server' | 'proxy' | null;
}

export interface TlsSide {
  /** The name the client asked for (SNI). */
  sni: string | null;
  version: string | null;
  cipher: string | null;
  alpn: string | null;
  /** Upstream side: whether the origin's certificate verified, and why not. */
  authorized?: boolean;
  authorizationError?: string | null;
  peer?: string | null;
}

export interface TlsReport {
  /** The connection of the CONNECT this TLS session came through. */
  via: number | null;
  client: TlsSide | null;
  upstream: TlsSide | null;
  /** A handshake that failed, in words. */
  failure: { side: 'client' | 'upstream'; reason: string } | null;
}

export interface ConnectionReport {
  id: string;
  client: string;
  upstream: string | null;
  /** Decrypted HTTPS: the TLS of each side. A CONNECT whose interception failed has only `failure`. */
  tls: TlsReport | null;
  closes: CloseRecord[];
  exchanges: ExchangeRecord[];
  anomalies: (AnomalyRecord & { direction: 'request' | 'response' })[];
  // Additions to the INSPECT shape.
  number: number;
  mode: 'forward' | 'reverse';
  /** Seconds since the capture started. */
  openedAt: number;
  upstreams: { address: string; target: string; at: number }[];
  upstreamFailure: { target: string; reason: string; at: number } | null;
  /** `inside`: what the client spoke inside an intercepted tunnel (absent in captures from before it was told). */
  tunnel: { target: string; intercepted: boolean; inside?: 'tls' | 'http'; at: number } | null;
  rewrites: { offset: number; length: number; replacement: string; reason: string }[];
  /** Changes made by fault and rewrite rules (main/rules), in order. */
  rules: RuleRecord[];
  sent: StreamSummary;
  received: StreamSummary;
  verdict: 'ok' | 'error';
  /** How the connection went, told once (shared/account.ts). */
  account?: ConnectionAccount;
  /** The client Chunkscope launched that opened it (the capture's `client` event); null when none was. */
  clientTag?: LaunchedClient | null;
}

/** A change a rule made to what was sent (the capture's `rule` event). */
export interface RuleRecord {
  direction: 'request' | 'response';
  /** The exchange (0-based, on the connection). */
  exchange: number;
  rule: string;
  effect: string;
  /** Seconds since the connection opened. */
  at: number;
}
