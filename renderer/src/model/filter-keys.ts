// The filter's vocabulary: each key (`host:`, `status:`…) and each word (`rst`,
// `stalled`…) with what it matches, an example and a line of help. The parser
// (filter-syntax.ts) reads the structure; this says what each term means, and the help
// (filterHelp) is made from the same table, so it cannot forget a key.

import { ANOMALY_CODES, CONNECTION_FINDINGS, isAnomalyCode, type AnomalyCode } from '../../../shared/anomalies';
import type { ExchangeRow } from '../../../shared/api';
import { globToRegExp, hostMatchesGlob, pathMatchesGlob } from '../../../shared/glob';

export type Predicate = (row: ExchangeRow) => boolean;

/** A key's value read: a predicate, or what is wrong with the value in words. */
type Reading = Predicate | { problem: string };

export interface FilterKey {
  key: string;
  /** Other names of the key. */
  aliases?: string[];
  example: string;
  says: string;
  read(value: string): Reading;
}

const isGlob = (value: string) => /[*?]/.test(value);
const has = (row: ExchangeRow, code: AnomalyCode) => row.anomalies.codes.includes(code);

function statusTest(spec: string): Predicate | null {
  const range = /^([1-5])xx$/i.exec(spec);
  if (range) return (r) => r.status !== null && Math.floor(r.status / 100) === Number(range[1]);
  const compare = /^(>=|<=|>|<|=)?(\d{3})$/.exec(spec);
  if (!compare) return null;
  const value = Number(compare[2]);
  const op = compare[1] ?? '=';
  return (r) => r.status !== null && (op === '>=' ? r.status >= value : op === '<=' ? r.status <= value : op === '>' ? r.status > value : op === '<' ? r.status < value : r.status === value);
}

/** The findings of the diagnosis (shared/anomalies.ts CONNECTION_FINDINGS) by their short names too. */
export const FINDING_NAMES: Record<string, AnomalyCode> = {
  unanswered: 'closed-early',
  'gave-up': 'client-gave-up',
  aborted: 'client-aborted',
  ...Object.fromEntries(CONNECTION_FINDINGS.map((code) => [code, code])),
};

const FRAMINGS = ['chunked', 'content-length', 'close-delimited', 'none', 'unknown'];

function framingTest(value: string, pick: (r: ExchangeRow) => string | null, key: string): Reading {
  const lower = value.toLowerCase();
  if (!FRAMINGS.includes(lower)) return { problem: `${key}:${value} is not a framing (${FRAMINGS.join(', ')})` };
  return (r) => pick(r) === lower;
}

export const KEYS: FilterKey[] = [
  {
    key: 'host',
    example: 'host:*.example.com',
    says: 'the host: with * or ? a glob, as rules take it (any case, with or without the port); else any host containing the text',
    read: (v) => (isGlob(v) ? (r) => hostMatchesGlob(v, r.host) : (r) => (r.host ?? '').toLowerCase().includes(v.toLowerCase())),
  },
  {
    key: 'path',
    example: 'path:/api/*',
    says: 'the path: with * or ? a glob, as rules take it (case kept, the query left out); else any path containing the text, in any case',
    read: (v) => (isGlob(v) ? (r) => pathMatchesGlob(v, r.path) : (r) => (r.path ?? '').toLowerCase().includes(v.toLowerCase())),
  },
  { key: 'method', example: 'method:POST', says: 'the request method', read: (v) => (r) => (r.method ?? '').toLowerCase() === v.toLowerCase() },
  {
    key: 'status',
    example: 'status:>=400',
    says: 'the status: 404, a class (4xx) or a comparison (>=400, <300)',
    read: (v) => statusTest(v) ?? { problem: `status:${v} is not a status (try 404, 4xx, >=400)` },
  },
  { key: 'framing', example: 'framing:chunked', says: "how the response's body was framed", read: (v) => framingTest(v, (r) => r.framing, 'framing') },
  { key: 'req', aliases: ['request'], example: 'req:chunked', says: "how the request's body was framed (chunked requests: the IIS 6 story)", read: (v) => framingTest(v, (r) => r.requestFraming, 'req') },
  {
    key: 'conn',
    aliases: ['connection'],
    example: 'conn:12',
    says: 'the exchanges of one connection (conn:c12 too)',
    read: (v) => (/^c?\d+$/i.test(v) ? (r) => r.connection === Number(v.replace(/^c/i, '')) : { problem: `conn:${v} is not a connection number` }),
  },
  {
    key: 'code',
    example: 'code:bare-lf',
    says: 'an anomaly or finding by its code (spec/ANOMALIES.md)',
    read: (v) => (isAnomalyCode(v.toLowerCase()) ? (r) => has(r, v.toLowerCase() as AnomalyCode) : { problem: `${v} is not an anomaly code` }),
  },
  {
    key: 'finding',
    example: 'finding:gave-up',
    says: `what went wrong between messages: ${Object.keys(FINDING_NAMES).join(', ')}`,
    read: (v) => {
      const code = FINDING_NAMES[v.toLowerCase()];
      return code ? (r) => has(r, code) : { problem: `finding:${v} is not a finding (${Object.keys(FINDING_NAMES).join(', ')})` };
    },
  },
  {
    key: 'ended',
    example: 'ended:server-rst',
    says: 'how the connection ended: who (client, server, proxy), how (fin, rst, error, timeout) or both (server-rst)',
    read: (v) => {
      const [who, how] = v.toLowerCase().split(/[-\s]/);
      return (r) => r.ended !== null && (how === undefined ? r.ended.who === who || r.ended.how === who : r.ended.who === who && r.ended.how === how);
    },
  },
  {
    key: 'comment',
    example: 'comment:retry',
    says: 'your comment on the exchange: with * or ? a glob over the whole comment; else any comment containing the text, in any case',
    read: (v) => {
      if (!isGlob(v)) return (r) => (r.mark?.comment ?? '').toLowerCase().includes(v.toLowerCase());
      const glob = globToRegExp(v, { caseInsensitive: true });
      return (r) => !!r.mark?.comment && glob.test(r.mark.comment);
    },
  },
  {
    key: 'stalled',
    example: 'stalled:>=5',
    says: 'a stall (no byte while a message was incomplete) of at least this many seconds; `stalled` alone: any',
    read: (v) => {
      const m = /^(>=|>)?(\d+(\.\d+)?)s?$/.exec(v);
      return m ? (r) => r.stalled !== null && (m[1] === '>' ? r.stalled.seconds > Number(m[2]) : r.stalled.seconds >= Number(m[2])) : { problem: `stalled:${v} is not a number of seconds (try stalled:>=5)` };
    },
  },
  {
    key: 'client',
    example: 'client:curl',
    says: 'made by a client Chunkscope launched: its command line or browser name contains the text; client:run, client:browser, client:probe by how it was launched',
    read: (v) => {
      const lower = v.toLowerCase();
      return (r) => !!r.clientTag && (r.clientTag.launched === lower || r.clientTag.tag.toLowerCase().includes(lower));
    },
  },
];

export interface FilterWord {
  word: string;
  /** Other names of the word. */
  aliases?: string[];
  says: string;
  test: Predicate;
}

export const WORDS: FilterWord[] = [
  { word: 'rst', says: 'the connection ended with a reset', test: (r) => r.ended?.how === 'rst' },
  { word: 'fin', says: 'the connection ended with a FIN', test: (r) => r.ended?.how === 'fin' },
  // A stall stays on its row after the connection ended: the filter still finds it.
  { word: 'stalled', says: 'the exchange stalled (and still does, or did)', test: (r) => r.stalled !== null },
  { word: 'unanswered', says: 'a request never answered: the connection ended first (closed-early)', test: (r) => has(r, 'closed-early') },
  { word: 'gave-up', says: 'the client gave up during a stall (client-gave-up)', test: (r) => has(r, 'client-gave-up') },
  { word: 'aborted', says: 'the client closed before the response ended (client-aborted)', test: (r) => has(r, 'client-aborted') },
  { word: 'finding', says: 'any finding of the diagnosis (what went wrong between messages)', test: (r) => CONNECTION_FINDINGS.some((code) => has(r, code)) },
  { word: 'missing', says: 'the last chunk never arrived (missing-terminator)', test: (r) => has(r, 'missing-terminator') || r.terminator === 'missing' },
  { word: 'streaming', says: 'the response is still arriving', test: (r) => r.state === 'streaming' },
  { word: 'waiting', says: 'no response yet', test: (r) => r.state === 'waiting' },
  { word: 'incomplete', says: 'the exchange ended before its response did', test: (r) => r.state === 'incomplete' },
  { word: 'complete', says: 'the exchange ended whole', test: (r) => r.state === 'complete' },
  { word: 'error', says: 'an error-class anomaly or finding', test: (r) => r.anomalies.errors > 0 },
  { word: 'anomaly', says: 'any anomaly or finding', test: (r) => r.anomalies.count > 0 },
  { word: 'tunnel', says: 'a CONNECT tunnel', test: (r) => r.tunnel },
  { word: 'https', says: 'decrypted HTTPS', test: (r) => r.tls },
  { word: 'tls-failed', says: 'an interception whose TLS handshake failed', test: (r) => r.interception === 'failed' },
  { word: 'generated', says: 'answered by Chunkscope itself (a 502, a 508)', test: (r) => r.generated },
  { word: 'rules', says: 'changed by a fault or rewrite rule', test: (r) => r.rules > 0 },
  { word: 'websocket', aliases: ['ws'], says: 'a 101 that began a WebSocket (its messages: the Messages tab)', test: (r) => !!r.webSocket },
  { word: 'launched', says: 'made by a client Chunkscope launched (chunkscope run, a browser, a probe)', test: (r) => !!r.clientTag },
  { word: 'pinned', says: 'pinned by you (P in the list, or Pin in the detail)', test: (r) => r.mark?.pinned === true },
  { word: 'commented', says: 'has a comment of yours (comment:text finds one by its words)', test: (r) => !!r.mark?.comment },
];

/** Every anomaly code is a word too: `bare-lf`, `missing-terminator`, `host-conflict`… */
export const CODE_WORDS: readonly AnomalyCode[] = ANOMALY_CODES;

export function keyNamed(name: string): FilterKey | undefined {
  const lower = name.toLowerCase();
  return KEYS.find((k) => k.key === lower || k.aliases?.includes(lower));
}

export function wordNamed(name: string): Predicate | undefined {
  const lower = name.toLowerCase();
  const named = lower === 'missing-terminator' ? 'missing' : lower;
  const word = WORDS.find((w) => w.word === named || w.aliases?.includes(named));
  if (word) return word.test;
  if (/^c\d+$/.test(lower)) return (r) => r.connection === Number(lower.slice(1));
  if (isAnomalyCode(lower)) return (r) => has(r, lower);
  return undefined;
}

/** Free text: in the host and path, or the method or status exactly. */
export function freeText(text: string): Predicate {
  const lower = text.toLowerCase();
  return (r) => `${r.host ?? ''}${r.path ?? ''}`.toLowerCase().includes(lower) || (r.method ?? '').toLowerCase() === lower || String(r.status ?? '') === lower;
}
