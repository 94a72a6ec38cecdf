// Where `chunkscope send` takes its plan from: a file (the text form), the command line
// (a URL, -X, -H and body lines such as 'chunk 5DC'), or a captured request (--from
// CAPTURE --exchange c1#2). Each way ends in the same plan, and a mistake is one sentence
// that points at the file's line or at the argument.

import { readFileSync } from 'node:fs';
import type { ConnectionPlan } from '../../shared/plan';
import { filePieces } from '../capture/file-pieces';
import { CaptureFormatError, readRecords } from '../capture/reader';
import { CannotCompose, capturedPlan } from '../compose/from-capture';
import { parsePlan, plainText, PlanError } from '../compose/text';
import { MAX_PLAN_BYTES } from '../compose/wire';
import { fieldLineName } from '../../shared/plan';
import { CliError, systemReason } from './errors';

export interface PlanSource {
  url?: string;
  lines: string[];
  plan?: string;
  from?: string;
  exchange?: string;
  method?: string;
  header?: string[];
}

export function parseUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`chunkscope send: ${what} "${value}" cannot be read; give one like http://127.0.0.1:9001/upload or https://example.com/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`chunkscope send: ${what} takes http:// or https:// URLs (got "${value}")`);
  return url;
}

/** `c1#2` (request #2 on connection c1) or the app's `1:1`: the connection and the 0-based index. */
function exchangeRef(text: string): { connection: number; index: number } {
  const app = /^(\d+):(\d+)$/.exec(text.trim());
  if (app) return { connection: Number(app[1]), index: Number(app[2]) };
  const m = /^c?(\d+)#(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new CliError(`chunkscope send: --exchange takes an exchange like c1#2 (request #2 on connection c1), not "${text}"`);
  return { connection: Number(m[1]), index: Number(m[2]) - 1 };
}

function fromCapture(path: string, exchange: string | undefined): ConnectionPlan {
  if (!exchange) throw new CliError('chunkscope send: --from CAPTURE needs --exchange c1#2 (which request to send again)');
  const { connection, index } = exchangeRef(exchange);
  try {
    // No relay shares this thread: a request as large as a plan may send.
    return capturedPlan(readRecords(filePieces(path)), connection, index, MAX_PLAN_BYTES);
  } catch (error) {
    if (error instanceof CannotCompose || error instanceof CaptureFormatError) throw new CliError(`chunkscope send: ${path}: ${error.message}`);
    throw new CliError(`chunkscope send: cannot read the capture ${path}: ${systemReason(error)}`);
  }
}

function fromFile(path: string): ConnectionPlan {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path).toString('latin1');
  } catch (error) {
    throw new CliError(`chunkscope send: cannot read the plan ${path}: ${systemReason(error)}`);
  }
  try {
    return parsePlan(text);
  } catch (error) {
    if (error instanceof PlanError) throw new CliError(`chunkscope send: ${path === '-' ? 'the plan on standard input' : path}, ${error.message}`);
    throw error;
  }
}

/**
 * The command line as a plan: the request line from -X and the URL, Host from the URL, the
 * -H fields as written, the framing field when the lines need one and none was given, then
 * the lines as the plan's body.
 */
function fromArguments(source: PlanSource, url: URL, viaHttpProxy: boolean): ConnectionPlan {
  const framed = (name: string) => (source.header ?? []).some((h) => fieldLineName(h)?.toLowerCase() === name);
  const chunked = source.lines.some((l) => /^\s*chunk\b/.test(l));
  const body = source.lines.some((l) => /^\s*body\b/.test(l));
  const method = source.method ?? (chunked || body ? 'POST' : 'GET');
  const target = viaHttpProxy ? `${url.protocol}//${url.host}${url.pathname}${url.search}` : `${url.pathname}${url.search}`;
  const head = [`${method} ${target} HTTP/1.1`];
  if (!framed('host')) head.push(`Host: ${url.host}`);
  head.push(...(source.header ?? []));
  if (!framed('transfer-encoding') && !framed('content-length')) {
    if (chunked) head.push('Transfer-Encoding: chunked');
    else if (body) head.push('Content-Length: auto');
  }
  const text = [`to ${url.protocol}//${url.host}`, '', ...head, '', ...source.lines].join('\n');
  try {
    return parsePlan(plainText(text));
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    const k = error.line - (head.length + 4);
    const where = k >= 0 && k < source.lines.length ? `the argument "${source.lines[k]}" (column ${error.column})` : `-H "${head[error.line - 3] ?? ''}"`;
    throw new CliError(`chunkscope send: ${where}: ${error.reason}`);
  }
}

/** The plan, from wherever the command line says. */
export function readPlan(source: PlanSource, viaHttpProxy: boolean): ConnectionPlan {
  const given = [source.plan !== undefined, source.from !== undefined, source.lines.length > 0 || source.method !== undefined || (source.header ?? []).length > 0];
  if (given.filter(Boolean).length > 1) throw new CliError('chunkscope send: give the plan one way: --plan FILE, --from CAPTURE --exchange ID, or body lines after the URL (with -X and -H)');
  if (source.plan !== undefined) return fromFile(source.plan);
  if (source.from !== undefined) return fromCapture(source.from, source.exchange);
  if (source.url === undefined) throw new CliError('chunkscope send: what to send: a URL (and body lines such as \'chunk 5DC\'), --plan FILE, or --from CAPTURE --exchange c1#2');
  return fromArguments(source, parseUrl(source.url, 'the URL'), viaHttpProxy);
}
