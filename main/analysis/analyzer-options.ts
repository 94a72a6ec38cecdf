// What a connection's analysis is given (its options and listener) and what it says of
// each stream's end; apart from connection.ts so that callers that only configure or
// listen need not read the analyzer.

import type { AnomalyEvent, Direction, EndKind } from '../../shared/http1';
import type { RuleRecord } from '../../shared/capture';
import type { Closer, Ending } from '../http1/sentences';
import type { ConnectionAnalyzer } from './connection';

/** How a stream ended, who ended it, and inside TLS whether close_notify came first. */
export interface StreamEnd {
  kind: EndKind;
  by: Closer;
  tls: Ending['tls'];
}

export interface AnalyzerListener {
  /** An exchange ended: its final response completed, or the connection ended first. */
  exchangeEnded?(connection: ConnectionAnalyzer, index: number): void;
  anomaly?(connection: ConnectionAnalyzer, direction: Direction, anomaly: AnomalyEvent): void;
  /** A TLS handshake failed (the client refused our certificate, say). */
  tlsFailed?(connection: ConnectionAnalyzer, side: 'client' | 'upstream', reason: string): void;
  /** A fault or rewrite rule changed what was sent. */
  ruleApplied?(connection: ConnectionAnalyzer, record: RuleRecord): void;
}

export interface AnalyzerOptions {
  /** Keep every chunk record (default true); false keeps counts only, for flat memory; a number keeps the first ones of each message. */
  keepChunks?: boolean | number;
  listener?: AnalyzerListener;
  /**
   * Keep each ended exchange's span for the connection's lane (default true: the app
   * draws them, 16 bytes an exchange); false keeps the longest idle gap only.
   */
  keepSpans?: boolean;
  /**
   * Pack the complete requests that wait for their responses past the first 1,000
   * (main/http1/packed-tail.ts; unpacked when read): for an analysis that reads a request
   * again only once it is answered, as the CLI's live lines do.
   */
  packWaiting?: boolean;
  /** Seconds without a byte, while a message is incomplete or a response is due, that make a stall (default 2). */
  stallSeconds?: number;
  /**
   * The client is Chunkscope itself (`check`, `replay --to`): when it stops reading, that is
   * the tool's decision, not a client giving up, so no client finding is made of it.
   */
  clientIsChunkscope?: boolean;
}

/** The stall threshold of the proxy's `--stall-after` default, and of captures that do not say theirs. */
export const DEFAULT_STALL_SECONDS = 2;
