// What every part of one search shares: the query, the results, what to search, and
// the hook told where the search is before each window of bytes (the guard's heartbeat).

import type { Direction } from '../../shared/anomalies';
import { exchangeId, exchangeName } from '../../shared/exchange-id';
import { SEARCH_PARTS, type BodyForm, type SearchArgs, type SearchMatch, type SearchPart } from '../../shared/search';
import type { Found } from './matcher';
import { compileQuery, type CompiledQuery } from './query';
import { SearchResults } from './results';

/** A body decoding to more than this is searched decoded up to here (a compression bomb costs time, not memory). */
export const MAX_DECODED = 1024 * 1024 * 1024;

/** Where a window of bytes lies: what the guard names when a regular expression runs too long. */
export interface SearchPlace {
  connection: number;
  index: number;
  direction: Direction;
  part: 'headers' | 'body';
  form: BodyForm;
}

export interface SearchContext {
  query: CompiledQuery;
  results: SearchResults;
  /** null: every exchange. */
  exchanges: Set<string> | null;
  parts: Set<SearchPart>;
  forms: Set<BodyForm>;
  /** Before each window is searched. */
  at(place: SearchPlace): void;
  maxDecoded: number;
}

export function searchContext(args: SearchArgs, at: SearchContext['at'] = () => undefined, maxDecoded = MAX_DECODED): SearchContext {
  const exchanges = args.scope?.exchanges ? new Set(args.scope.exchanges) : null;
  return {
    query: compileQuery(args.query, args.mode),
    results: new SearchResults(exchanges?.size === 1),
    exchanges,
    parts: new Set(args.scope?.parts ?? SEARCH_PARTS),
    forms: new Set(args.scope?.forms ?? ['sent', 'decoded']),
    at,
    maxDecoded,
  };
}

/** Whether a part of an exchange is to be searched at all. */
export function wanted(context: SearchContext, connection: number, index: number, direction: Direction, part: 'headers' | 'body'): boolean {
  if (!context.parts.has(`${direction}-${part}`)) return false;
  const id = exchangeId(connection, index);
  return (context.exchanges === null || context.exchanges.has(id)) && !context.results.full(id);
}

/** A matcher's find as a match of the API, added to the results: false once its exchange has enough. */
export function record(context: SearchContext, place: SearchPlace, found: Found, streamOffset: number | null): boolean {
  const match: SearchMatch = {
    id: exchangeId(place.connection, place.index),
    direction: place.direction,
    part: place.part,
    form: place.form,
    offset: found.offset,
    length: found.length,
    streamOffset,
    context: found.context,
  };
  return context.results.add(match);
}

/** "c3 · request #2's response body": where something happened, for notes and the guard. */
export function placeName(place: Pick<SearchPlace, 'connection' | 'index' | 'direction' | 'part'> & { form?: BodyForm }): string {
  const form = place.part === 'body' && place.form === 'decoded' ? ' (decoded)' : '';
  return `${exchangeName(place)}'s ${place.direction} ${place.part}${form}`;
}
