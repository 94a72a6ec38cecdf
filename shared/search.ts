// Search over a capture's headers and bodies (main/search), as the API carries it: what
// is asked, each match, and the updates that bring matches to the UI as they are found.

import type { Direction } from './anomalies';

/**
 * `text`: the query as typed, ASCII letters in any case; `case-sensitive`: exactly as
 * typed; `regex`: a JavaScript regular expression (or `/pattern/flags` with flags i, m, s),
 * run over the bytes one character per byte.
 */
export type SearchMode = 'text' | 'case-sensitive' | 'regex';

/** A body as sent (chunk framing removed, Content-Encoding kept) or decoded (Content-Encoding removed too). */
export type BodyForm = 'sent' | 'decoded';

export type SearchPart = 'request-headers' | 'request-body' | 'response-headers' | 'response-body';

export const SEARCH_PARTS: readonly SearchPart[] = ['request-headers', 'request-body', 'response-headers', 'response-body'];

export interface SearchScope {
  /** Only these exchanges (ids of shared/exchange-id.ts); all when absent. */
  exchanges?: string[];
  /** Only these parts; all when absent. */
  parts?: SearchPart[];
  /** Bodies in these forms; both when absent. */
  forms?: BodyForm[];
}

export interface SearchArgs {
  query: string;
  mode: SearchMode;
  scope?: SearchScope;
}

export interface SearchMatch {
  /** The exchange (shared/exchange-id.ts). */
  id: string;
  direction: Direction;
  part: 'headers' | 'body';
  /** Headers are always `sent`; a body without Content-Encoding has one form, `sent`. */
  form: BodyForm;
  /** From the first byte of the message's start-line (headers), or of the body in that form. */
  offset: number;
  length: number;
  /**
   * Where the match's first byte is in what the client sent (request) or received
   * (response), counted from the connection's first byte as the Raw view counts: for
   * headers and bodies as sent; null for a decoded body.
   */
  streamOffset: number | null;
  /** Up to 48 bytes either side and the match itself (at most 200 bytes), as text. */
  context: { before: string; match: string; after: string };
}

export type SearchState = 'running' | 'done' | 'cancelled' | 'failed';

/** A search's news: its new matches and where it stands. Comes in UpdateBatch.search. */
export interface SearchUpdate {
  /** The id `search` answered with. */
  id: string;
  /** Matches found since the previous update, in the order they were found. */
  matches: SearchMatch[];
  state: SearchState;
  /** Bytes of the capture read, of those it had when the search started. */
  progress: { done: number; total: number };
  /** Exchanges with a match so far. */
  exchanges: number;
  /** Matches so far, listed or not. */
  matchCount: number;
  /** Set when not every match is listed: how many are, and which. */
  limited: string | null;
  /** Failed or cancelled: why, in words. */
  error: string | null;
  /** What could not be searched as asked (a body whose decoding failed, one cut at the bound, a damaged record), with where: all so far, in each update. */
  notes: string[];
}

/** What `search` answers at once; matches follow in UpdateBatch.search. */
export interface SearchStarted {
  id: string;
  /** Bytes of the capture to read. */
  total: number;
}
