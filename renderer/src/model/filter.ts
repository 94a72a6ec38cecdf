// The filter box's language, pure so it is tested on its own (filter.test.ts):
//   host:*.example.com   path:/api/*   method:POST   status:404 | 4xx | >=400
//   framing:chunked   req:chunked   conn:12 (or c12)   code:bare-lf   finding:gave-up
//   ended:server-rst   stalled:>=5   client:curl (a launched client)
//   words: rst fin stalled unanswered gave-up aborted finding missing streaming error websocket (ws) launched …,
//   and every anomaly code (missing-terminator, bare-lf, host-conflict …)
//   a b: both;  a OR b: either;  -a, NOT a: not;  ( … ): a group;  "free text"
//   anything else: free text in the host and path (or the method or status exactly).
// The words and keys: filter-keys.ts; the structure: filter-syntax.ts.

import { CODE_WORDS, KEYS, WORDS, type Predicate } from './filter-keys';
import { readFilter, type FilterError } from './filter-syntax';

export type { Predicate } from './filter-keys';
export type { FilterError } from './filter-syntax';

export interface ParsedFilter {
  test: Predicate;
  /** What could not be read, in words, each saying where: for the user. */
  problems: string[];
  /** The same, with where each is in the text (to underline it). */
  errors: FilterError[];
}

export function parseFilter(text: string): ParsedFilter {
  const { test, errors } = readFilter(text);
  return { test, problems: errors.map((e) => e.message), errors };
}

export interface FilterHelpEntry {
  /** `host:`, `rst`, `OR`… */
  term: string;
  example: string;
  says: string;
}

/** Every key, word and operator of the filter with an example: what the filter's help shows. */
export function filterHelp(): FilterHelpEntry[] {
  return [
    ...KEYS.map((k) => ({ term: `${k.key}:${k.aliases ? ` (or ${k.aliases.map((a) => `${a}:`).join(', ')})` : ''}`, example: k.example, says: k.says })),
    ...WORDS.map((w) => ({ term: `${w.word}${w.aliases ? ` (or ${w.aliases.join(', ')})` : ''}`, example: w.word, says: w.says })),
    { term: 'an anomaly code', example: 'bare-lf', says: `any of the codes of spec/ANOMALIES.md: ${CODE_WORDS.join(', ')}` },
    { term: 'c12', example: 'c12', says: 'the exchanges of connection c12' },
    { term: 'free text', example: 'feed.xml', says: 'in the host and path, or the method or status exactly; "in quotes" for text with spaces or a colon' },
    { term: 'a b', example: 'framing:chunked rst', says: 'both' },
    { term: 'OR', example: 'status:5xx OR rst', says: 'either (also or, |)' },
    { term: '-, NOT', example: '-stalled', says: 'not' },
    { term: '( )', example: 'host:*.test (gave-up OR aborted)', says: 'a group' },
  ];
}

/** The help as lines of text, one per entry. */
export function filterHelpText(): string {
  const entries = filterHelp();
  const width = Math.max(...entries.map((e) => e.example.length));
  return entries.map((e) => `${e.example.padEnd(width)}  ${e.says}`).join('\n');
}
