// The search box's model, pure (search.test.ts): what the options ask of the engine, a
// search's updates folded into what the list and the detail show, the next and previous
// match, and what to mark in a viewer's text or bytes.

import type { Direction } from '../../../shared/anomalies';
import type { BodyForm, SearchArgs, SearchMatch, SearchPart, SearchState, SearchUpdate } from '../../../shared/search';

export interface SearchOptions {
  headers: boolean;
  bodies: boolean;
  sent: boolean;
  decoded: boolean;
  regex: boolean;
  matchCase: boolean;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { headers: true, bodies: true, sent: true, decoded: true, regex: false, matchCase: false };

/** What the engine is asked: the query in the options' mode and scope; null with what is wrong when nothing would be searched. */
export function searchArgs(query: string, options: SearchOptions): { args: SearchArgs } | { problem: string } {
  if (query.trim() === '') return { problem: 'type something to find' };
  const parts: SearchPart[] = [...(options.headers ? (['request-headers', 'response-headers'] as const) : []), ...(options.bodies ? (['request-body', 'response-body'] as const) : [])];
  if (parts.length === 0) return { problem: 'choose headers, bodies or both' };
  const forms: BodyForm[] = [...(options.sent ? (['sent'] as const) : []), ...(options.decoded ? (['decoded'] as const) : [])];
  if (options.bodies && forms.length === 0) return { problem: 'choose bodies as sent, decoded or both' };
  if (options.regex) {
    // A /pattern/flags as typed keeps its own flags; otherwise "match case" off is the i flag.
    const slashed = /^\/.+\/[a-z]*$/s.test(query);
    return { args: { query: slashed || options.matchCase ? query : `/${query}/i`, mode: 'regex', scope: { parts, forms } } };
  }
  return { args: { query, mode: options.matchCase ? 'case-sensitive' : 'text', scope: { parts, forms } } };
}

export interface SearchRun {
  id: string;
  /** What was asked (to tell whether the box still asks the same). */
  args: SearchArgs;
  query: string;
  mode: SearchArgs['mode'];
  state: SearchState;
  /** Bytes of the capture read, of those to read. */
  progress: { done: number; total: number };
  matchCount: number;
  exchanges: number;
  limited: string | null;
  error: string | null;
  notes: string[];
  /** Every match listed, in the order found. */
  matches: SearchMatch[];
  /** The listed matches of each exchange. */
  byExchange: Map<string, SearchMatch[]>;
}

export function startedRun(id: string, args: SearchArgs, total: number): SearchRun {
  return { id, args, query: args.query, mode: args.mode, state: 'running', progress: { done: 0, total }, matchCount: 0, exchanges: 0, limited: null, error: null, notes: [], matches: [], byExchange: new Map() };
}

/** A run with its updates applied in order (updates of other searches are left out). New maps only when matches came. */
export function foldUpdates(run: SearchRun, updates: readonly SearchUpdate[]): SearchRun {
  let next = run;
  for (const u of updates) {
    if (u.id !== run.id) continue;
    let { matches, byExchange } = next;
    if (u.matches.length > 0) {
      matches = matches.concat(u.matches);
      byExchange = new Map(byExchange);
      for (const m of u.matches) byExchange.set(m.id, [...(byExchange.get(m.id) ?? []), m]);
    }
    next = { ...next, state: u.state, progress: u.progress, matchCount: u.matchCount, exchanges: u.exchanges, limited: u.limited, error: u.error, notes: u.notes, matches, byExchange };
  }
  return next;
}

/**
 * The match after (or before) `current` among the exchanges as the list shows them
 * (`order`: their ids in list order), and each exchange's matches in the order found;
 * round again past the end; from an exchange (`{ id }`, the one selected) when no match
 * was stepped to yet. Null when no listed match is in a shown exchange.
 */
export function stepMatch(run: SearchRun, order: readonly string[], current: SearchMatch | { id: string } | null, delta: 1 | -1): SearchMatch | null {
  const listed: SearchMatch[] = [];
  for (const id of order) for (const m of run.byExchange.get(id) ?? []) listed.push(m);
  if (listed.length === 0) return null;
  const at = current && 'offset' in current ? listed.findIndex((m) => sameMatch(m, current)) : -1;
  if (at < 0) {
    // From the exchange shown: its first match, or the first one after it.
    const from = current ? order.indexOf(current.id) : -1;
    const after = listed.findIndex((m) => order.indexOf(m.id) >= from);
    return delta > 0 ? listed[after < 0 ? 0 : after]! : listed[(after < 0 ? listed.length : after) - 1] ?? listed[listed.length - 1]!;
  }
  return listed[(at + delta + listed.length) % listed.length]!;
}

export function sameMatch(a: SearchMatch, b: SearchMatch): boolean {
  return a.id === b.id && a.direction === b.direction && a.part === b.part && a.form === b.form && a.offset === b.offset;
}

/** How far the search has read, 0 to 1. */
export function progressRatio(run: SearchRun): number {
  return run.progress.total === 0 ? 1 : Math.min(1, run.progress.done / run.progress.total);
}

/** Byte ranges [from, to) of the matches in one place (a body in one form, or the headers) that fall in [from, to). */
export function byteMarks(matches: readonly SearchMatch[], where: { direction: Direction; part: 'headers' | 'body'; form: BodyForm }, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (const m of matches) {
    if (m.direction !== where.direction || m.part !== where.part || (m.part === 'body' && m.form !== where.form)) continue;
    const end = m.offset + Math.max(1, m.length);
    if (end > from && m.offset < to) out.push([m.offset, end]);
  }
  return out;
}

export function inMarks(marks: readonly [number, number][], offset: number): boolean {
  for (const [a, b] of marks) if (offset >= a && offset < b) return true;
  return false;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Distinct matched texts used for a regular expression's marks: enough for a viewer, bounded. */
const MAX_MARKED_TEXTS = 64;

/**
 * What to mark in text a viewer shows made from a body (pretty, a tree, stream items),
 * where byte offsets no longer hold: the query itself for a text search; for a regular
 * expression, the texts it matched in this exchange, literally (never the expression
 * itself: it is not run over the page's text, so no pattern can stall the window).
 */
export function textMarker(run: Pick<SearchRun, 'query' | 'mode'>, matches: readonly SearchMatch[]): RegExp | null {
  if (run.mode !== 'regex') return run.query ? new RegExp(escape(run.query), run.mode === 'text' ? 'gi' : 'g') : null;
  const texts = [...new Set(matches.map((m) => m.context.match).filter((t) => t !== '' && !/[\u2400-\u2421]/.test(t)))].slice(0, MAX_MARKED_TEXTS);
  if (texts.length === 0) return null;
  texts.sort((a, b) => b.length - a.length);
  return new RegExp(texts.map(escape).join('|'), 'g');
}

export interface Segment {
  text: string;
  marked: boolean;
}

/** Text cut where the marker matches; one unmarked segment when it does not. */
export function markText(text: string, marker: RegExp | null): Segment[] {
  if (!marker || text === '') return [{ text, marked: false }];
  const out: Segment[] = [];
  let at = 0;
  marker.lastIndex = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m[0] === '') {
      marker.lastIndex++;
      continue;
    }
    if (m.index > at) out.push({ text: text.slice(at, m.index), marked: false });
    out.push({ text: m[0], marked: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), marked: false });
  return out.length > 0 ? out : [{ text, marked: false }];
}
