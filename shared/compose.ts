// What the composer and replay answer the UI (shared/api.ts): a plan read from its text,
// a plan sent, requests sent again with the framing diff, a replay origin. Plans
// themselves are in plan.ts.

import type { ConnectionPlan } from './plan';

/** A plan's text read (or a plan written as text): the plan, or the mistake at its line. */
export interface PlanCheck {
  plan: ConnectionPlan | null;
  /** The plan's text form (README: "The plan format"). */
  text: string;
  error: { line: number; column: number; offset: number; reason: string } | null;
  /** The faults it sends on purpose, in words ("chunk #2: its data is followed by a bare LF, not CRLF"). */
  notes: string[];
  /** Bytes it sends, and requests. */
  bytes: number;
  requests: number;
}

export interface SendResult {
  /** The exchanges the plan's requests made, in order (ids of shared/exchange-id.ts). */
  exchanges: string[];
  /** The connections they are on: the composer's own (direct), or those the proxy recorded. */
  connections: number[];
  notes: string[];
  /** Request lines changed to fit the proxy (absolute form over plain http), in words. */
  rewrites: string[];
  /** What of the plan was not carried out, and why, in words; null when all of it was (or it still runs). */
  stopped: string | null;
  /**
   * The connection still runs (an answer still arriving, a stream that does not end): its
   * exchanges are in the session already and their rows go on changing as it goes.
   */
  running: boolean;
}

/** The framing of one response, as the diff compares it. */
export interface FramingSummary {
  status: number | null;
  framing: string | null;
  /** Chunk-size tokens as sent. */
  sizes: string[];
  terminator: 'present' | 'missing' | null;
  bodyLength: number;
}

export interface ExchangeDiff {
  index: number;
  method: string | null;
  target: string | null;
  captured: FramingSummary | null;
  now: FramingSummary | null;
  /** What differs, in words; empty when the framing is the same. */
  differences: string[];
}

/** How the server ended a connection, for the diff. */
export interface ReplayEnd {
  /** How the connection ended and who ended it; null when it was still open. */
  kind: string | null;
  by: 'server' | 'client' | null;
  /** Responses the server completed before the end. */
  responses: number;
}

export interface ResendResult {
  /**
   * Per request sent again, in the order asked: the captured exchange, the new one, and how
   * their framing compares (`running`: the new answer was still arriving when compared).
   */
  requests: { id: string; newId: string | null; diff: ExchangeDiff; captured: string; now: string; running: boolean }[];
  /** Per captured connection sent again whole: how the server ended it then and now ("server FIN after 2 responses"). */
  connections: { connection: number; now: number | null; captured: string; ended: string; same: boolean }[];
  /** Connections that could not be sent again, and why. */
  failures: string[];
}

/** A replay origin serving captured responses on a loopback port. */
export interface ReplayOrigin {
  url: string;
  port: number;
  connections: number;
  exchanges: number;
}
