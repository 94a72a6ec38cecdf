// A live detail is asked only for the chunks it has not got (`chunksFrom`); each answer is
// merged into the detail already shown. Pure, so tested alone.

import type { ExchangeDetail, MessageDetail } from '../../../shared/api';

/** What to ask for next: the chunks from the last one held (it may have grown) on. */
export function chunksFrom(detail: ExchangeDetail | null, id: string): { request: number; response: number } | undefined {
  if (!detail || detail.id !== id) return undefined;
  const have = (m: MessageDetail | null) => Math.max(0, (m?.chunkColumns ? m.chunkColumnsFrom + m.chunkColumns.sizes.length : 0) - 1);
  return { request: have(detail.request), response: have(detail.response) };
}

function mergeMessage(previous: MessageDetail | null, next: MessageDetail | null): MessageDetail | null {
  if (!next || !next.chunkColumns || next.chunkColumnsFrom === 0) return next;
  const held = previous?.chunkColumns;
  // Another message (the connection moved on), or a gap: the answer cannot be joined.
  if (!previous || !held || previous.offset !== next.offset || previous.chunkColumnsFrom !== 0 || held.sizes.length < next.chunkColumnsFrom) return next;
  const at = next.chunkColumnsFrom;
  const join = <T>(a: T[], b: T[]): T[] => a.slice(0, at).concat(b);
  const c = next.chunkColumns;
  return {
    ...next,
    chunkColumnsFrom: 0,
    chunkColumns: {
      offsets: join(held.offsets, c.offsets),
      sizeTokens: join(held.sizeTokens, c.sizeTokens),
      sizes: join(held.sizes, c.sizes),
      extensions: join(held.extensions, c.extensions),
      dataLengths: join(held.dataLengths, c.dataLengths),
      crlf: join(held.crlf, c.crlf),
      firstTimes: join(held.firstTimes, c.firstTimes),
      lastTimes: join(held.lastTimes, c.lastTimes),
    },
  };
}

/** The detail shown after an answer: whole ledgers, whatever part of them the answer carried. */
export function mergeDetail(previous: ExchangeDetail | null, next: ExchangeDetail): ExchangeDetail {
  if (!previous || previous.id !== next.id) return next;
  return { ...next, request: mergeMessage(previous.request, next.request), response: mergeMessage(previous.response, next.response) };
}

/** A row still changing: while its detail is open, the list shows the detail's row (the same records). */
export function isLive(state: string): boolean {
  return state === 'streaming' || state === 'waiting';
}
