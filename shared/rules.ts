// Rules on the live proxy: opt-in faults and rewrites (DESIGN.md principle 1: without
// rules the relay stays byte-exact). One rule is one line of text, the same in the CLI
// (--rule) and the app's rules panel:
//
//   ACTION[:VALUE] [host:GLOB] [path:GLOB] [method:METHOD] [for:SECONDS]
//
//   drop-last-chunk path:/feed*          stall-after-chunks:2 for:10
//   reset-after-bytes:1000               reset-after-requests:4000 method:POST
//   rechunk:100                          delay-chunks:250
//   dechunk-requests path:/upload        chunk-requests:1024
//   break-response path:/feed*           break-request:2 method:POST

import { hostMatchesGlob, pathMatchesGlob } from './glob';

export type RuleAction =
  | { kind: 'drop-last-chunk' }
  | { kind: 'stall-after-chunks'; chunks: number; seconds: number | null }
  | { kind: 'reset-after-bytes'; bytes: number }
  | { kind: 'reset-after-requests'; requests: number }
  | { kind: 'rechunk'; size: number }
  | { kind: 'delay-chunks'; ms: number }
  | { kind: 'dechunk-requests' }
  | { kind: 'chunk-requests'; size: number }
  /**
   * Breakpoints: hold a matching message at the proxy for the user to step through
   * (shared/breakpoints.ts): before its head (`chunks` null), or after `chunks` chunks.
   */
  | { kind: 'break-response'; chunks: number | null }
  | { kind: 'break-request'; chunks: number | null };

export type RuleKind = RuleAction['kind'];

export interface RuleMatch {
  host: string | null;
  path: string | null;
  method: string | null;
}

export interface Rule {
  /** The rule as written (normalised spacing). */
  text: string;
  action: RuleAction;
  match: RuleMatch;
  enabled: boolean;
}

/** Which direction's bytes a rule changes. */
export function ruleDirection(kind: RuleKind): 'request' | 'response' {
  return kind === 'dechunk-requests' || kind === 'chunk-requests' || kind === 'reset-after-requests' || kind === 'break-request' ? 'request' : 'response';
}

interface ActionHelp {
  kind: RuleKind;
  syntax: string;
  summary: string;
}

export const RULE_ACTIONS: ActionHelp[] = [
  { kind: 'drop-last-chunk', syntax: 'drop-last-chunk', summary: 'withhold the zero-length last chunk (and trailers), then close the connection with a FIN' },
  { kind: 'stall-after-chunks', syntax: 'stall-after-chunks:N [for:SECONDS]', summary: 'after N chunks, send nothing more (for SECONDS, or until the client gives up)' },
  { kind: 'reset-after-bytes', syntax: 'reset-after-bytes:N', summary: 'send the first N bytes of the response, then reset the connection (RST)' },
  { kind: 'reset-after-requests', syntax: 'reset-after-requests:N', summary: 'answer N requests on a connection, then reset it (RST) when the next one comes (the IIS 6 behaviour)' },
  { kind: 'rechunk', syntax: 'rechunk:K', summary: 're-chunk chunked responses into chunks of K bytes (the data unchanged, trailers kept)' },
  { kind: 'delay-chunks', syntax: 'delay-chunks:MS', summary: 'wait MS milliseconds before each chunk after the first' },
  { kind: 'dechunk-requests', syntax: 'dechunk-requests', summary: 'send chunked request bodies with Content-Length instead (the workaround for servers that mishandle chunked requests)' },
  { kind: 'chunk-requests', syntax: 'chunk-requests:K', summary: 'send Content-Length request bodies chunked instead, in chunks of K bytes' },
  { kind: 'break-response', syntax: 'break-response[:N]', summary: 'hold the response at the proxy before its head (or after N chunks), to release it chunk by chunk, edit, cut or end it' },
  { kind: 'break-request', syntax: 'break-request[:N]', summary: 'hold the request at the proxy before its head (or after N chunks), to send its body to the origin chunk by chunk' },
];

const MATCH_KEYS = ['host', 'path', 'method'] as const;

function positive(value: string | undefined, what: string, allowZero = false): number | string {
  if (value === undefined || value === '') return `${what} needs a number, like ${what}:100`;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) return `${what}:${value}: expected a number above ${allowZero ? 'or equal to ' : ''}0`;
  return n;
}

function whole(value: string | undefined, what: string, allowZero = false): number | string {
  const n = positive(value, what, allowZero);
  if (typeof n === 'number' && !Number.isSafeInteger(n)) return `${what}:${value}: expected a whole number`;
  return n;
}

/** Read one rule's text; an error says what is wrong, in words. */
export function parseRule(text: string, enabled = true): Rule | { error: string } {
  const terms = text.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return { error: 'an empty rule' };
  let action: RuleAction | null = null;
  const match: RuleMatch = { host: null, path: null, method: null };
  let seconds: number | null = null;
  for (const term of terms) {
    const colon = term.indexOf(':');
    const key = (colon < 0 ? term : term.slice(0, colon)).toLowerCase();
    const value = colon < 0 ? undefined : term.slice(colon + 1);
    if ((MATCH_KEYS as readonly string[]).includes(key)) {
      if (!value) return { error: `${key}: needs a value, like ${key === 'host' ? 'host:*.example.com' : key === 'path' ? 'path:/feed*' : 'method:POST'}` };
      match[key as (typeof MATCH_KEYS)[number]] = key === 'method' ? value.toUpperCase() : value;
      continue;
    }
    if (key === 'for') {
      const n = positive(value, 'for');
      if (typeof n === 'string') return { error: n };
      seconds = n;
      continue;
    }
    let made: RuleAction | string;
    switch (key) {
      case 'drop-last-chunk':
      case 'dechunk-requests':
        made = value === undefined ? { kind: key } : `${key} takes no value`;
        break;
      case 'stall-after-chunks': {
        const n = whole(value, key, true);
        made = typeof n === 'string' ? n : { kind: key, chunks: n, seconds: null };
        break;
      }
      case 'reset-after-bytes': {
        const n = whole(value, key, true);
        made = typeof n === 'string' ? n : { kind: key, bytes: n };
        break;
      }
      case 'reset-after-requests': {
        const n = whole(value, key, true);
        made = typeof n === 'string' ? n : { kind: key, requests: n };
        break;
      }
      case 'rechunk':
      case 'chunk-requests': {
        const n = whole(value, key);
        made = typeof n === 'string' ? n : { kind: key, size: n };
        break;
      }
      case 'delay-chunks': {
        const n = positive(value, key, true);
        made = typeof n === 'string' ? n : { kind: key, ms: n };
        break;
      }
      case 'break-response':
      case 'break-request': {
        const n = value === undefined ? null : whole(value, key, true);
        made = typeof n === 'string' ? n : { kind: key, chunks: n };
        break;
      }
      default:
        return { error: `"${term}" is not a rule action or a match (actions: ${RULE_ACTIONS.map((a) => a.kind).join(', ')}; matches: host:, path:, method:)` };
    }
    if (typeof made === 'string') return { error: made };
    if (action) return { error: `one action per rule: "${term}" comes after ${action.kind}` };
    action = made;
  }
  if (!action) return { error: `no action (one of ${RULE_ACTIONS.map((a) => a.kind).join(', ')})` };
  if (seconds !== null) {
    if (action.kind !== 'stall-after-chunks') return { error: 'for: goes with stall-after-chunks only' };
    action.seconds = seconds;
  }
  return { text: terms.join(' '), action, match, enabled };
}

export function isRule(parsed: Rule | { error: string }): parsed is Rule {
  return !('error' in parsed);
}

export interface RequestFacts {
  method: string | null;
  /** The host name, with or without its port. */
  host: string | null;
  /** The path, without the query. */
  path: string | null;
}

/** Whether a rule applies to a request. */
export function ruleApplies(rule: Rule, request: RequestFacts): boolean {
  if (!rule.enabled) return false;
  const { host, path, method } = rule.match;
  if (method && request.method?.toUpperCase() !== method) return false;
  if (path && !pathMatchesGlob(path, request.path)) return false;
  if (host && !hostMatchesGlob(host, request.host)) return false;
  return true;
}

/** What a rule does, in words (for lists and the capture). */
export function describeRule(rule: Rule): string {
  const a = rule.action;
  let what: string;
  switch (a.kind) {
    case 'drop-last-chunk':
      what = 'drop the last chunk, then FIN';
      break;
    case 'stall-after-chunks':
      what = `stall after ${a.chunks} chunk${a.chunks === 1 ? '' : 's'}${a.seconds === null ? '' : ` for ${a.seconds} s`}`;
      break;
    case 'reset-after-bytes':
      what = `reset after ${a.bytes} bytes of the response`;
      break;
    case 'reset-after-requests':
      what = `reset the connection at request #${a.requests + 1}`;
      break;
    case 'rechunk':
      what = `re-chunk to ${a.size} bytes`;
      break;
    case 'delay-chunks':
      what = `${a.ms} ms before each chunk`;
      break;
    case 'dechunk-requests':
      what = 'send chunked request bodies with Content-Length';
      break;
    case 'chunk-requests':
      what = `send Content-Length request bodies chunked (${a.size}-byte chunks)`;
      break;
    case 'break-response':
    case 'break-request':
      what = `hold the ${a.kind === 'break-response' ? 'response' : 'request'} ${a.chunks === null ? 'before its head' : `after ${a.chunks} chunk${a.chunks === 1 ? '' : 's'}`}, to step it`;
      break;
  }
  const where = [rule.match.method, rule.match.host && `host ${rule.match.host}`, rule.match.path && `path ${rule.match.path}`].filter(Boolean);
  return where.length > 0 ? `${what} (${where.join(', ')})` : what;
}

/** The facts a rule matches, from a request line and its Host header. */
export function requestFacts(method: string | null, target: string | null, hostHeader: string | null): RequestFacts {
  let host = hostHeader?.trim() || null;
  let path: string | null = null;
  if (target !== null) {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(target);
    if (absolute) {
      host = absolute[1]!.replace(/^[^@]*@/, '') || host;
      path = absolute[2] || '/';
    } else if (target.startsWith('/')) {
      path = target.replace(/[?#].*$/, '');
    } else if (method === 'CONNECT') {
      host = target;
    } else if (target === '*') path = '*';
  }
  return { method, host, path };
}

/** The first enabled rule of each kind that applies to a request, in list order. */
export function rulesFor(rules: readonly Rule[], facts: RequestFacts, direction: 'request' | 'response'): Map<RuleKind, Rule> {
  const picked = new Map<RuleKind, Rule>();
  for (const rule of rules) {
    if (ruleDirection(rule.action.kind) !== direction || picked.has(rule.action.kind)) continue;
    if (ruleApplies(rule, facts)) picked.set(rule.action.kind, rule);
  }
  return picked;
}

/**
 * The breakpoint "Break on this path" adds for an exchange: its path (the query left out,
 * as rules match) on its host; null when the request has no path (a CONNECT).
 */
export function breakOnPath(direction: 'request' | 'response', method: string | null, target: string | null, host: string | null): string | null {
  const facts = requestFacts(method, target, host);
  if (facts.path === null || facts.path === '*' || /\s/.test(facts.path)) return null;
  const terms = [`break-${direction}`, facts.host && !/\s/.test(facts.host) ? `host:${facts.host}` : null, `path:${facts.path}`];
  return terms.filter(Boolean).join(' ');
}
