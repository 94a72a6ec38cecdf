// A HAR as capture records, so it is shown, inspected and exported like a capture.
// A HAR holds messages, not bytes: the bytes are rebuilt from what it recorded. Where
// Chunkscope's extension fields say how a body was framed (_chunks, _terminator), the
// framing is rebuilt exactly; where they do not (a browser's HAR), the body is kept as
// recorded and its framing is shown as unknown, never invented.

import { atByte } from '../../shared/words';
import { FileFormatError } from '../capture/file-format-error';
import type { CaptureEvent, CaptureRecord, ImportedEvent } from '../capture/format';
import type { Har, HarEntry, HarFraming, HarNameValue } from '../export/har-format';
import { checkEntry, entryOffsets, syntaxErrorOffset } from './har-validate';

/** A HAR that cannot be read at all: what is wrong, and where (the message ends "at byte N"). */
export class HarFormatError extends FileFormatError {}

/** A HAR is JSON whose top-level object starts with "log" (recognised by content, not name). */
export function isHar(start: Uint8Array): boolean {
  const text = Buffer.from(start.subarray(0, 256)).toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*\{\s*"log"\s*:/.test(text);
}

export interface ParsedHar {
  /** The HAR with the entries that can be read. */
  har: Har;
  /** The entries skipped, each with its byte offset and why, in words. */
  notes: string[];
}

/** Skipped entries named one by one, up to this many; the rest are counted. */
const MAX_SKIPPED_NOTES = 20;

/**
 * Parse a HAR's text. Entries that cannot be read are skipped and said (with their byte
 * offsets); a file that is not JSON, has no log.entries, or no entry that can be read
 * is refused (HarFormatError).
 */
export function parseHar(text: string): ParsedHar {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HarFormatError(`not valid JSON: ${message}`, syntaxErrorOffset(body, message, bom));
  }
  const log = (json as { log?: { entries?: unknown; creator?: { name?: unknown } } } | null)?.log;
  if (!log || !Array.isArray(log.entries)) throw new HarFormatError('not a HAR: there is no log.entries list', bom ? 3 : 0);
  const entries: HarEntry[] = [];
  const problems: { index: number; problem: string }[] = [];
  log.entries.forEach((candidate: unknown, index: number) => {
    const checked = checkEntry(candidate);
    if ('entry' in checked) entries.push(checked.entry);
    else problems.push({ index, problem: checked.problem });
  });
  const creator = typeof log.creator?.name === 'string' ? log.creator.name : 'unknown creator';
  const har: Har = { log: { version: '1.2', creator: { name: creator, version: '' }, entries } };
  if (problems.length === 0) return { har, notes: [] };
  const offsets = entryOffsets(body, bom);
  const at = (index: number) => offsets[index] ?? 0;
  if (entries.length === 0) {
    const [first] = problems;
    throw new HarFormatError(`entry ${first!.index + 1} cannot be read: ${first!.problem}${problems.length > 1 ? `; no other entry can be read either` : ''}`, at(first!.index));
  }
  const notes = problems
    .slice(0, MAX_SKIPPED_NOTES)
    .map((p) => `entry ${p.index + 1} (${atByte(at(p.index))}) skipped: ${p.problem}`);
  if (problems.length > MAX_SKIPPED_NOTES) notes.push(`… and ${(problems.length - MAX_SKIPPED_NOTES).toLocaleString('en-US')} more entries skipped`);
  return { har, notes };
}

interface Rebuilt {
  /** Pieces of the message with the time each arrived (seconds since the HAR's first entry). */
  pieces: { bytes: Buffer; time: number }[];
  /** Body length as recorded when the framing is unknown; null when rebuilt exactly. */
  recordedBody: number | null;
  /** The HAR left the body out (a browser that did not keep it). */
  unrecorded?: boolean;
}

/** A line break inside a recorded value would forge fields: it becomes a space. */
const oneLine = (text: string) => text.replace(/[\r\n]/g, ' ');

const CRLF = '\r\n';

/** Turn a HAR into capture records: one connection per HAR connection (or per entry). */
export function harToRecords(har: Har): { records: CaptureRecord[]; notes: string[] } {
  const entries = [...har.log.entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  const notes: string[] = [];
  // The session starts when the first connection opened (Chunkscope's HAR says how long
  // before its first request: _connection.openedAt, negative), so no time is clamped.
  const opened = (entry: HarEntry) => Date.parse(entry.startedDateTime) + Math.min(0, entry._connection?.openedAt ?? 0);
  // A loop, not Math.min(...list): spread arguments overflow the stack past ~100,000 entries.
  let start = entries.length ? Infinity : Date.now();
  for (const entry of entries) start = Math.min(start, opened(entry));
  // Far dates plus a far _connection.openedAt can leave what a Date holds.
  start = Math.max(-8.64e15, start);
  const groups = new Map<string, HarEntry[]>();
  entries.forEach((entry, i) => {
    // Entries on one HTTP/1.x connection follow each other on it; HTTP/2 and later
    // multiplex, so each of their entries stands alone.
    const http1 = /^HTTP\/1\./i.test(entry.request.httpVersion ?? '');
    const key = http1 ? (entry._connection?.id ?? (entry.connection ? `har:${entry.connection}` : `entry:${i}`)) : `entry:${i}`;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  });
  const timed: { time: number; order: number; record: CaptureRecord }[] = [];
  let order = 0;
  const push = (record: CaptureRecord, time: number) => timed.push({ time, order: order++, record });
  let number = 0;
  let unknown = 0;
  let unrecorded = 0;
  for (const group of groups.values()) {
    group.sort((a, b) => (a._connection?.request ?? 0) - (b._connection?.request ?? 0) || Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
    const connection = ++number;
    const first = group[0]!;
    const openedAt = (opened(first) - start) / 1000;
    const client = first._connection?.client ?? 'unknown (HAR)';
    const server = first._connection?.server ?? (first.serverIPAddress ? `${first.serverIPAddress}:${defaultPort(first.request.url)}` : hostOf(first.request.url));
    const requests: Rebuilt[] = [];
    const responses: Rebuilt[] = [];
    for (const entry of group) {
      const t = entry.timings ?? { send: 0, wait: 0, receive: 0 };
      // Blocked, DNS and connect (which includes TLS) come before the request is sent.
      const t0 = (Date.parse(entry.startedDateTime) - start + [t.blocked, t.dns, t.connect].reduce((n: number, v) => n + Math.max(0, v ?? 0), 0)) / 1000;
      const sent = t0 + Math.max(0, t.send ?? 0) / 1000;
      const firstByte = sent + Math.max(0, t.wait ?? 0) / 1000;
      requests.push(rebuildRequest(entry, t0, sent));
      if (entry.response && entry.response.status > 0) {
        const rebuilt = rebuildResponse(entry, t0, firstByte, firstByte + Math.max(0, t.receive ?? 0) / 1000);
        if (rebuilt.unrecorded) unrecorded++;
        responses.push(rebuilt);
      }
    }
    const framingUnknown = [...requests, ...responses].some((m) => m.recordedBody !== null);
    if (framingUnknown) unknown++;
    const imported: ImportedEvent = {
      type: 'imported',
      connection,
      time: openedAt,
      source: 'har',
      note: framingUnknown
        ? 'imported from a HAR without chunk data: the body is shown as the HAR recorded it (Content-Encoding removed), and how it was framed is unknown'
        : 'rebuilt from a HAR with Chunkscope’s chunk data (_chunks): the framing is as recorded, the bytes are rebuilt',
      recordedBodies: framingUnknown ? { request: requests.map((m) => m.recordedBody), response: responses.map((m) => m.recordedBody) } : null,
    };
    push({ type: 'open', connection, time: openedAt, client, mode: 'reverse' }, openedAt);
    push(imported, openedAt);
    push({ type: 'upstream', connection, time: openedAt, upstream: server, target: server }, openedAt);
    if (/^https:/i.test(first.request.url)) {
      // What TLS settled is not in a HAR; that there was TLS is (the scheme).
      push({ type: 'tls', connection, time: openedAt, side: 'client', via: null, sni: hostOf(first.request.url).replace(/:\d+$/, ''), version: null, cipher: null, alpn: null }, openedAt);
    }
    // Bytes of a stream go in order whatever the HAR's times say (a response may start
    // before its request ended; a browser's timings need not add up).
    const last: [number, number] = [openedAt, openedAt];
    const stream = (id: 0 | 1, messages: Rebuilt[]) =>
      messages.forEach((m) =>
        m.pieces.forEach((p) => {
          const time = (last[id] = Math.max(last[id], p.time));
          push({ type: 'data', connection, stream: id, generated: false, time, bytes: p.bytes }, time);
        }),
      );
    stream(0, requests);
    stream(1, responses);
    // How the connection ended is only known from Chunkscope's _connection field. The
    // proxy's own ends there mirror a peer's: there is no proxy in an import.
    const closes = group[group.length - 1]!._connection?.closes.filter((c) => c.kind !== 'open') ?? [];
    const peers = closes.filter((c) => c.by === 'peer');
    for (const close of peers.length > 0 ? peers : closes) {
      const side = close.side === 'client' ? 'client' : 'upstream';
      const abrupt = close.kind !== 'fin' && close.kind !== 'close-notify';
      // An end cannot come before the bytes it ends.
      const floor = abrupt ? Math.max(...last) : last[side === 'client' ? 0 : 1];
      const time = Math.max(openedAt + close.at, floor);
      push({ type: 'close', connection, time, side, kind: close.kind as Extract<CaptureEvent, { type: 'close' }>['kind'], by: 'peer', detail: null }, time);
    }
  }
  if (unrecorded > 0) notes.push(`the HAR did not record the body of ${unrecorded} response${unrecorded === 1 ? '' : 's'}: they are shown empty`);
  const later = entries.filter((e) => !/^HTTP\/1\./i.test(e.request.httpVersion ?? '')).length;
  if (later > 0) notes.push(`${later} entries were recorded over HTTP/2 or later: they are shown as HTTP/1.1 messages, one connection each`);
  if (unknown > 0) notes.push(`${unknown} of ${groups.size} connections have no chunk data in the HAR: their framing is shown as unknown`);
  timed.sort((a, b) => a.time - b.time || a.order - b.order);
  const session: CaptureEvent = { type: 'session', version: 1, startedAt: new Date(start).toISOString(), tool: `HAR import (${har.log.creator?.name ?? 'unknown creator'})`, mode: 'reverse', listen: '', reverse: null };
  const last = timed.length ? timed[timed.length - 1]!.time : 0;
  return { records: [session, ...timed.map((t) => t.record), { type: 'end', time: last }], notes };
}

function rebuildRequest(entry: HarEntry, t0: number, sent: number): Rebuilt {
  const r = entry.request;
  const version = httpVersion(r.httpVersion);
  const target = r._target ?? originForm(r.url);
  const head = `${oneLine(r.method)} ${oneLine(target)} ${version}${CRLF}${headerLines(r.headers, r.url)}${CRLF}`;
  const post = r.postData;
  const body = post ? Buffer.from(post.text ?? '', post._encoding === 'base64' ? 'base64' : 'utf8') : Buffer.alloc(0);
  const cut = post?._truncated !== undefined;
  // No body and no framing header: the headers say it all (no body), nothing to invent.
  const bodiless = body.length === 0 && !r.headers.some((h) => /^(content-length|transfer-encoding)$/i.test(h.name));
  return rebuild(head, body, r, cut, t0, sent, t0, bodiless);
}

function rebuildResponse(entry: HarEntry, t0: number, firstByte: number, lastByte: number): Rebuilt {
  const r = entry.response;
  const head = `${httpVersion(r.httpVersion)} ${r.status} ${oneLine(r.statusText ?? '')}${CRLF}${headerLines(r.headers, null)}${CRLF}`;
  const c = r.content;
  // _wire: Chunkscope's copy of the body as sent, when removing Content-Encoding changed it.
  const wire = c?._wire;
  const body = wire !== undefined ? Buffer.from(wire, 'base64') : Buffer.from(c?.text ?? '', c?.encoding === 'base64' ? 'base64' : 'utf8');
  const decodedOnly = wire === undefined && c?._decoded !== undefined;
  // HEAD, 204 and 304 have no body whatever the headers say (RFC 9112 §6.3).
  const bodiless = body.length === 0 && (entry.request.method === 'HEAD' || r.status === 204 || r.status === 304 || (r.status >= 100 && r.status < 200));
  const rebuilt = rebuild(head, body, r, c?._truncated !== undefined || decodedOnly, firstByte, lastByte, t0, bodiless);
  return { ...rebuilt, unrecorded: c?.text === undefined && (c?.size ?? 0) > 0 };
}

/**
 * The message's bytes: exact framing when Chunkscope's fields describe it and the body is
 * whole; otherwise the head as recorded and the body as recorded, length given.
 */
function rebuild(head: string, body: Buffer, framing: HarFraming, cut: boolean, first: number, last: number, t0: number, bodiless = false): Rebuilt {
  const headBytes = Buffer.from(head, 'latin1');
  const chunks = framing._chunks;
  if (framing._framing === 'chunked' && chunks && !cut && chunks.reduce((n, c) => n + c.dataLength, 0) === body.length) {
    const pieces: Rebuilt['pieces'] = [{ bytes: headBytes, time: first }];
    let at = 0;
    chunks.forEach((c) => {
      const data = body.subarray(at, at + c.dataLength);
      at += c.dataLength;
      const tail = c.dataLength === c.size && c.crlf ? CRLF : '';
      pieces.push({ bytes: Buffer.concat([Buffer.from(`${c.sizeToken}${c.extensions}${CRLF}`, 'latin1'), data, Buffer.from(tail, 'latin1')]), time: t0 + c.time / 1000 });
    });
    if (framing._terminator && framing._lastChunk) {
      const trailers = (framing._trailers ?? []).map((t) => `${t.name}: ${t.value}${CRLF}`).join('');
      pieces.push({ bytes: Buffer.from(`${framing._lastChunk.sizeToken}${framing._lastChunk.extensions}${CRLF}${trailers}${CRLF}`, 'latin1'), time: last });
    }
    return { pieces, recordedBody: null };
  }
  const known = framing._framing !== undefined && framing._framing !== 'chunked' && framing._framing !== 'unknown' && !cut;
  const pieces: Rebuilt['pieces'] = [{ bytes: headBytes, time: first }];
  if (body.length > 0) pieces.push({ bytes: body, time: last });
  return { pieces, recordedBody: known || bodiless ? null : body.length };
}

function headerLines(headers: HarNameValue[], url: string | null): string {
  // HTTP/2 pseudo-headers (":authority") are not HTTP/1.1 fields; :authority is the Host.
  // Browsers join repeated fields (Set-Cookie) with a line feed: each is a field of its own.
  const lines = headers
    .filter((h) => !h.name.startsWith(':'))
    .flatMap((h) => String(h.value).split('\n').map((value) => `${oneLine(h.name)}: ${oneLine(value)}${CRLF}`));
  const authority = headers.find((h) => h.name === ':authority')?.value;
  if (url !== null && !headers.some((h) => h.name.toLowerCase() === 'host')) lines.unshift(`Host: ${authority ?? hostOf(url)}${CRLF}`);
  return lines.join('');
}

function httpVersion(version: string | undefined): string {
  return /^HTTP\/1\.[01]$/i.test(version ?? '') ? version!.toUpperCase() : 'HTTP/1.1';
}

function originForm(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}` || '/';
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown';
  }
}

function defaultPort(url: string): string {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return '80';
  }
}
