// What every item parser is: fed the decoded body in pieces, of any size, it
// returns the items those bytes completed. Pure and synchronous; the same items
// come out however the body is split (the tests feed every split).

import type { BodyEnd, StreamItem } from '../../shared/stream';

/** A problem that belongs to no item (feed XML outside any <item>). */
export interface ParseError {
  message: string;
  /** Decoded-body offset. */
  offset: number;
  /** Nothing after it is interpreted: the rest of the body becomes one raw item. */
  fatal: boolean;
}

export interface Parsed {
  items: StreamItem[];
  errors: ParseError[];
}

export interface ItemParser {
  /** The next decoded bytes; the parser keeps what it needs (the caller may reuse the buffer). */
  feed(bytes: Uint8Array): Parsed;
  /** The body ended: the items still open come out, partial when the body was cut short. */
  end(end: BodyEnd): Parsed;
}

/** How much of a partial or broken item's text is kept to show it raw. */
export const RAW_LIMIT = 4096;

export function capped(text: string): string {
  return text.length > RAW_LIMIT ? text.slice(0, RAW_LIMIT) : text;
}

/** Why an item open at the end is partial: the caller's reason, or what the format lacked. */
export function partialReason(end: BodyEnd, whenComplete: string): string {
  if (end.complete) return whenComplete;
  return end.reason ?? 'the body was cut short';
}
