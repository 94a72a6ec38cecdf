// The filter box's language, pure so it is tested on its own:
//   host:example   method:POST   status:404 | 4xx | >=400   framing:chunked   conn:12 (or c12)
//   missing-terminator (or any anomaly code)   rst   fin   stalled   streaming   incomplete   error
//   unanswered (closed-early)   gave-up (client-gave-up)   aborted (client-aborted)
//   tunnel   https (decrypted)   tls-failed   req:chunked (the request's framing)
//   anything else: free text in host and path.  A leading "-" negates a term.

import { isAnomalyCode } from '../../../shared/anomalies';
import type { ExchangeRow } from '../../../shared/api';

export type Predicate = (row: ExchangeRow) => boolean;

export interface ParsedFilter {
  test: Predicate;
  /** Terms that could not be read, to show the user. */
  problems: string[];
}

function statusTest(spec: string): Predicate | null {
  const range = /^([1-5])xx$/i.exec(spec);
  if (range) return (r) => r.status !== null && Math.floor(r.status / 100) === Number(range[1]);
  const compare = /^(>=|<=|>|<|=)?(\d{3})$/.exec(spec);
  if (!compare) return null;
  const value = Number(compare[2]);
  switch (compare[1] ?? '=') {
    case '>=':
      return (r) => r.status !== null && r.status >= value;
    case '<=':
      return (r) => r.status !== null && r.status <= value;
    case '>':
      return (r) => r.status !== null && r.status > value;
    case '<':
      return (r) => r.status !== null && r.status < value;
    default:
      return (r) => r.status === value;
  }
}

const WORDS: Record<string, Predicate> = {
  rst: (r) => r.ended?.how === 'rst',
  fin: (r) => r.ended?.how === 'fin',
  // A stall stays on its row after the connection ended: the filter still finds it.
  stalled: (r) => r.stalled !== null,
  unanswered: (r) => r.anomalies.codes.includes('closed-early'),
  'gave-up': (r) => r.anomalies.codes.includes('client-gave-up'),
  aborted: (r) => r.anomalies.codes.includes('client-aborted'),
  streaming: (r) => r.state === 'streaming',
  waiting: (r) => r.state === 'waiting',
  incomplete: (r) => r.state === 'incomplete',
  complete: (r) => r.state === 'complete',
  error: (r) => r.anomalies.errors > 0,
  anomaly: (r) => r.anomalies.count > 0,
  tunnel: (r) => r.tunnel,
  https: (r) => r.tls,
  'tls-failed': (r) => r.interception === 'failed',
};

function termTest(term: string): Predicate | string {
  const colon = term.indexOf(':');
  if (colon > 0) {
    const key = term.slice(0, colon).toLowerCase();
    const value = term.slice(colon + 1);
    const lower = value.toLowerCase();
    switch (key) {
      case 'host':
        return (r) => (r.host ?? '').toLowerCase().includes(lower);
      case 'path':
        return (r) => (r.path ?? '').toLowerCase().includes(lower);
      case 'method':
        return (r) => (r.method ?? '').toLowerCase() === lower;
      case 'status':
        return statusTest(value) ?? `status:${value} is not a status (try 404, 4xx, >=400)`;
      case 'framing':
        return (r) => (r.framing ?? '').toLowerCase() === lower;
      case 'req':
      case 'request':
        return (r) => (r.requestFraming ?? '').toLowerCase() === lower;
      case 'conn':
      case 'connection':
        return /^c?\d+$/i.test(value) ? (r) => r.connection === Number(value.replace(/^c/i, '')) : `conn:${value} is not a connection number`;
      case 'code':
        return isAnomalyCode(lower) ? (r) => r.anomalies.codes.includes(lower) : `${value} is not an anomaly code`;
      case 'ended':
        return (r) => r.ended !== null && (`${r.ended.who} ${r.ended.how}`.includes(lower) || r.ended.how === lower || r.ended.who === lower);
      default:
        break;
    }
  }
  const lower = term.toLowerCase();
  if (/^c\d+$/.test(lower)) return (r) => r.connection === Number(lower.slice(1));
  if (isAnomalyCode(lower)) {
    if (lower === 'missing-terminator') return (r) => r.anomalies.codes.includes('missing-terminator') || r.terminator === 'missing';
    return (r) => r.anomalies.codes.includes(lower);
  }
  if (Object.hasOwn(WORDS, lower)) return WORDS[lower]!;
  return (r) => `${r.host ?? ''}${r.path ?? ''}`.toLowerCase().includes(lower) || (r.method ?? '').toLowerCase() === lower || String(r.status ?? '') === lower;
}

export function parseFilter(text: string): ParsedFilter {
  const tests: Predicate[] = [];
  const problems: string[] = [];
  for (const raw of text.trim().split(/\s+/).filter(Boolean)) {
    const negate = raw.startsWith('-') && raw.length > 1;
    const result = termTest(negate ? raw.slice(1) : raw);
    if (typeof result === 'string') problems.push(result);
    else tests.push(negate ? (r) => !result(r) : result);
  }
  return { test: (row) => tests.every((t) => t(row)), problems };
}
