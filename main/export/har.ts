// A capture as HAR 1.2: one entry per exchange, what the client sent and received,
// with the framing a HAR cannot otherwise carry in extension fields (har.ts).

import { gunzipSync, inflateRawSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import type { ExchangeMark } from '../../shared/api';
import type { ConnectionReport } from '../../shared/capture';
import { exchangeId, parseExchangeId } from '../../shared/exchange-id';
import { absoluteUrl } from '../../shared/exchange-url';
import { fieldValue } from '../../shared/fields';
import type { MessageRecord } from '../../shared/ledger';
import type { CaptureRecord } from '../capture/format';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { connectionAccount, exchangeAccount } from '../analysis/account';
import { BodyCollector, type CollectedBody } from './bodies';
import type { Har, HarEntry, HarFraming, HarNameValue, HarRequest, HarResponse } from './har-format';

export interface HarExportOptions {
  /** Bodies longer than this are cut to it, and the HAR says so (default 1 MiB). */
  maxBodyBytes?: number;
  creator?: string;
  /** `_chunks` lists the first this many of each message (default all; `_chunksOmitted` counts the rest). */
  maxChunks?: number;
  /** Only these exchanges (by exchange id), each as it reads in the whole capture; default all. */
  only?: ReadonlySet<string>;
  /** Pins and comments by exchange id, instead of the capture's own (a session's, with marks not saved yet). */
  marks?: ReadonlyMap<string, ExchangeMark>;
}

export const DEFAULT_MAX_BODY = 1024 * 1024;

interface Connection {
  analyzer: ConnectionAnalyzer;
  limit: number;
  bodies: [BodyCollector, BodyCollector];
}

/**
 * Builds a HAR from a capture's records, one at a time. Bodies are kept up to the limit
 * each; every chunk record is kept (the HAR lists them), so a capture of millions of
 * chunks makes a large HAR.
 */
export class HarBuilder {
  private readonly limit: number;
  private readonly connections = new Map<number, Connection>();
  private startedAt = new Date(0).toISOString();
  private readonly analysis: CaptureAnalysis;
  /** With `only`: the connections of the exchanges asked for. */
  private readonly connectionsAsked: Set<number | undefined> | null;

  constructor(private readonly options: HarExportOptions = {}) {
    this.limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.connectionsAsked = options.only ? new Set([...options.only].map((id) => parseExchangeId(id)?.connection)) : null;
    // The analysis as every reader makes it; the bodies, framing removed, are what HAR adds.
    this.analysis = new CaptureAnalysis({ keepChunks: options.maxChunks ?? true }, {
      session: (record) => (this.startedAt = record.startedAt),
      opened: (analyzer, record) => this.connections.set(record.connection, { analyzer, limit: this.limit, bodies: [new BodyCollector(this.limit), new BodyCollector(this.limit)] }),
      data: (_analyzer, record, events, base) => {
        if (record.stream === 0 || record.stream === 1) this.connections.get(record.connection)?.bodies[record.stream].add(events, record.bytes, base);
      },
    });
  }

  add(record: CaptureRecord): void {
    // Connections with none of the exchanges asked for are not analysed at all.
    if (this.connectionsAsked && 'connection' in record && !this.connectionsAsked.has(record.connection)) return;
    this.analysis.add(record);
  }


  finish(): Har {
    const start = Date.parse(this.startedAt);
    const entries: HarEntry[] = [];
    for (const c of this.connections.values()) {
      c.analyzer.finish();
      const report = c.analyzer.report();
      for (const exchange of report.exchanges) {
        if (!exchange.request) continue;
        const id = exchangeId(c.analyzer.number, exchange.index);
        if (this.options.only && !this.options.only.has(id)) continue;
        const mark = (this.options.marks ?? this.analysis.marks).get(id);
        entries.push({ ...entry(report, exchange.index, exchange.request, exchange.response, c, start), ...(mark?.comment ? { comment: mark.comment } : {}), ...(mark?.pinned ? { _pinned: true } : {}) });
      }
    }
    entries.sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime));
    return {
      log: {
        version: '1.2',
        creator: { name: 'Chunkscope', version: '0.1.0', comment: this.options.creator },
        entries,
        comment: `Exported by Chunkscope from a capture started ${this.startedAt}. Extension fields: _chunks (each chunk's size token as sent, size, offset, times), _terminator, _trailers, _anomalies, _connection. Bodies over ${this.limit} bytes are cut (see _truncated).`,
      },
    };
  }
}

export function captureToHar(records: Iterable<CaptureRecord>, options: HarExportOptions = {}): Har {
  const builder = new HarBuilder(options);
  for (const record of records) builder.add(record);
  return builder.finish();
}

function entry(report: ConnectionReport, index: number, request: MessageRecord, response: MessageRecord | null, c: Connection, start: number): HarEntry {
  const account = exchangeAccount(c.analyzer, index, null);
  const connection = connectionAccount(c.analyzer, null);
  const requestFirst = request.timing?.first ?? 0;
  const ms = (seconds: number) => round((seconds - requestFirst) * 1000);
  const began = start + (report.openedAt + requestFirst) * 1000;
  const requestLast = request.timing?.last ?? requestFirst;
  const responseFirst = response?.timing?.first ?? requestLast;
  const responseLast = response?.timing?.last ?? responseFirst;
  // A response may begin before its request ended (an early 413): wait is then 0, and
  // time stays the sum of the timings, as HAR 1.2 defines it.
  const send = Math.max(0, ms(requestLast));
  const wait = Math.max(0, round((responseFirst - requestLast) * 1000));
  const receive = Math.max(0, round((responseLast - responseFirst) * 1000));
  return {
    startedDateTime: isoTime(began),
    time: round(send + wait + receive),
    request: harRequest(request, c.bodies[0].of(request.index), report, ms),
    response: harResponse(response, response ? c.bodies[1].of(response.index) : null, ms, c.limit),
    cache: {},
    timings: {
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send,
      wait,
      receive,
    },
    ...(report.upstream ? { serverIPAddress: report.upstream.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') } : {}),
    connection: report.id,
    _connection: {
      id: report.id,
      request: index + 1,
      client: report.client,
      server: report.upstream,
      closes: report.closes.map((close) => ({ side: close.side, kind: close.kind, at: close.at, by: close.by })),
      openedAt: round(-requestFirst * 1000),
      // The one account (shared/account.ts): the same headline the app and `inspect` show.
      headline: account.headline,
      hint: account.hint,
      stalls: account.stalls.map((s) => ({ direction: s.direction, since: s.since, seconds: s.seconds, waitingFor: s.waitingFor, endedBy: s.endedBy })),
      ended: connection.headline,
    },
  };
}

function harRequest(m: MessageRecord, body: CollectedBody, report: ConnectionReport, ms: (s: number) => number): HarRequest {
  const line = m.request;
  const target = line?.target ?? '';
  const url = absoluteUrl(target, fieldValue(m.headers, 'host'), report.tls !== null, line?.method ?? '');
  const bytes = Buffer.concat(body.pieces);
  const text = asText(bytes, fieldValue(m.headers, 'content-type'));
  const request: HarRequest = {
    method: line?.method ?? '',
    url,
    httpVersion: line?.version ?? 'HTTP/1.1',
    cookies: [],
    headers: pairs(m.headers),
    queryString: query(url),
    headersSize: body.headEnd !== null ? body.headEnd - m.offset : -1,
    bodySize: body.headEnd !== null ? m.end - body.headEnd : -1,
    _target: target,
    ...framing(m, ms),
  };
  if (body.size > 0) {
    request.postData = {
      mimeType: fieldValue(m.headers, 'content-type') ?? '',
      text: text ?? bytes.toString('base64'),
      ...(text === null ? { _encoding: 'base64' as const } : {}),
      ...(body.kept < body.size ? { _truncated: { kept: body.kept, size: body.size }, comment: `body cut to ${body.kept} of ${body.size} bytes` } : {}),
    };
  }
  return request;
}

function harResponse(m: MessageRecord | null, body: CollectedBody | null, ms: (s: number) => number, limit: number): HarResponse {
  if (!m || !body) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      comment: 'no response arrived',
    };
  }
  const mimeType = fieldValue(m.headers, 'content-type') ?? '';
  const wire = Buffer.concat(body.pieces);
  const truncated = body.kept < body.size;
  const encoding = fieldValue(m.headers, 'content-encoding');
  // HAR's content.text is the body with its Content-Encoding removed; a cut body cannot
  // be decoded whole, so it stays as sent (and says so).
  // A body whose framing is unknown (imported from a browser's HAR) was decoded already.
  const decoded = !truncated && encoding && m.framing !== 'unknown' ? decodeContent(wire, encoding, limit) : null;
  const content = decoded && 'bytes' in decoded ? decoded.bytes : wire;
  const text = asText(content, mimeType);
  const comments: string[] = [];
  if (truncated) comments.push(`body cut to ${body.kept} of ${body.size} bytes${encoding ? `; still ${encoding}-encoded` : ''}`);
  if (decoded && 'error' in decoded) comments.push(`could not remove Content-Encoding ${encoding}: ${decoded.error}; the body is as sent`);
  return {
    status: m.response?.status ?? 0,
    statusText: m.response?.reason ?? '',
    httpVersion: m.response?.version ?? 'HTTP/1.1',
    cookies: [],
    headers: pairs(m.headers),
    content: {
      size: truncated ? body.size : content.length,
      ...(decoded && 'bytes' in decoded ? { compression: content.length - wire.length, _decoded: encoding!, _wire: wire.toString('base64') } : {}),
      mimeType,
      text: text ?? content.toString('base64'),
      ...(text === null ? { encoding: 'base64' } : {}),
      ...(truncated ? { _truncated: { kept: body.kept, size: body.size } } : {}),
      ...(comments.length ? { comment: comments.join('; ') } : {}),
    },
    redirectURL: fieldValue(m.headers, 'location') ?? '',
    headersSize: body.headEnd !== null ? body.headEnd - m.offset : -1,
    bodySize: body.headEnd !== null ? m.end - body.headEnd : -1,
    ...framing(m, ms),
  };
}

function framing(m: MessageRecord, ms: (s: number) => number): HarFraming {
  const chunked = m.framing === 'chunked';
  return {
    _framing: m.framing,
    _framingReason: m.framingReason,
    ...(chunked
      ? {
          _chunks: (m.chunks ?? []).map((c, i) => ({
            sizeToken: c.sizeToken,
            size: c.size,
            extensions: c.extensions,
            offset: c.offset,
            dataLength: c.dataLength,
            crlf: c.crlf,
            firstTime: ms(m.timing?.chunks[i]?.first ?? 0),
            time: ms(m.timing?.chunks[i]?.last ?? 0),
          })),
          // Listed up to --chunks first:N: how many more there were (an import then keeps the body as recorded).
          ...(m.chunks && m.chunkCount > m.chunks.length ? { _chunksOmitted: m.chunkCount - m.chunks.length } : {}),
          _terminator: m.terminator,
          _lastChunk: m.lastChunk,
          _trailers: m.trailers ? pairs(m.trailers) : null,
        }
      : {}),
    _anomalies: m.anomalies.map((a) => ({ code: a.code, class: a.cls, offset: a.offset, message: a.message })),
    _complete: m.complete,
  };
}

/**
 * Remove a Content-Encoding (several are applied in order: undo them last first), giving
 * at most `limit` bytes: a small body can decode to gigabytes.
 */
export function decodeContent(bytes: Uint8Array, header: string, limit: number): { bytes: Buffer } | { error: string } {
  let out = Buffer.from(bytes);
  const options = { maxOutputLength: Math.max(1, limit) };
  const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity').reverse();
  try {
    for (const coding of codings) {
      if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(out, options);
      else if (coding === 'br') out = brotliDecompressSync(out, options);
      // "deflate" is meant to be zlib-wrapped; some servers send raw deflate, and browsers accept both.
      else if (coding === 'deflate') out = (out[0]! & 0x0f) === 8 ? inflateSync(out, options) : inflateRawSync(out, options);
      else return { error: `unknown content coding "${coding}"` };
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { error: `it decodes to more than ${limit} bytes (the body limit)` };
    return { error: error instanceof Error ? error.message : String(error) };
  }
  return { bytes: out };
}

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(json|xml))|application\/x-ndjson)/i;
// ignoreBOM: a byte-order mark is part of the body, and stays in it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text when it is text (UTF-8 that decodes, and not a binary type); else null. */
function asText(bytes: Uint8Array, contentType: string | null): string | null {
  if (bytes.length === 0) return '';
  const textual = contentType === null || contentType === '' || TEXT_TYPE.test(contentType);
  if (!textual) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}


function pairs(headers: [string, string][]): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}


function query(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A time as ISO 8601, within what a Date holds: a damaged capture's extreme times must not throw here. */
function isoTime(ms: number): string {
  return new Date(Number.isFinite(ms) ? Math.max(-8.64e15, Math.min(8.64e15, ms)) : 0).toISOString();
}
