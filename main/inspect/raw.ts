// `chunkscope inspect FILE --as request|response`: one direction's raw bytes, read
// with the parser, folded into the report of spec/INSPECT.md.

import type { Direction, EndKind } from '../../shared/http1';
import type { DirectionReport, MessageRecord } from '../../shared/ledger';
import { Http1Parser, LedgerBuilder } from '../http1';

export interface RawInspectOptions {
  /** Chunk records listed per message: every one, or the first N. */
  keepChunks?: boolean | number;
  direction: Direction;
  eof: EndKind;
  /** Methods of the requests, in order, for a response direction; null: GET for each. */
  methods: string[] | null;
  /** Keep the decoded body of each message (base64 in the JSON). */
  body: boolean;
}

export interface RawReport extends DirectionReport {
  /** Decoded body bytes per message, when asked for. */
  bodies: Uint8Array[][] | null;
}

/** Read the first non-empty line's start to tell a response ("HTTP/") from a request. */
export function guessDirection(start: Uint8Array): Direction {
  let i = 0;
  while (i + 1 < start.length && start[i] === 0x0d && start[i + 1] === 0x0a) i += 2;
  const head = String.fromCharCode(...start.subarray(i, i + 5));
  return head === 'HTTP/' ? 'response' : 'request';
}

export function inspectRaw(pieces: Iterable<Uint8Array>, options: RawInspectOptions): RawReport {
  const { methods } = options;
  const parser = new Http1Parser(options.direction, {
    requestMethod: methods ? (i) => methods[i] : undefined,
  });
  const ledger = new LedgerBuilder(options.direction, { keepChunks: options.keepChunks ?? true });
  const bodies: Uint8Array[][] | null = options.body ? [] : null;
  for (const piece of pieces) {
    const base = parser.offset;
    const events = parser.feed(piece);
    ledger.push(events);
    if (bodies) {
      // Data is never held by the parser: every data span lies in the piece just fed.
      for (const e of events) {
        if (e.type === 'chunk-data' || e.type === 'body-data') {
          (bodies[e.message] ??= []).push(piece.slice(e.offset - base, e.offset - base + e.length));
        }
      }
    }
  }
  ledger.push(parser.end(options.eof));
  return { ...ledger.report(), bodies };
}

/** The JSON of spec/INSPECT.md for one direction: its fields first, then ours. */
export function rawReportJson(report: RawReport): object {
  return {
    direction: report.direction,
    verdict: report.verdict,
    messages: report.messages.map((m, i) => messageJson(m, report.bodies?.[i] ?? (report.bodies ? [] : null))),
    anomalies: report.anomalies.map(anomalyJson),
    bytes: report.bytes,
    eof: report.eof,
  };
}

export function messageJson(m: MessageRecord, body: Uint8Array[] | null = null): object {
  return {
    startLine: m.startLine,
    framing: m.framing,
    headers: m.headers,
    chunks: m.chunks,
    // The ledger lists the first chunks only when asked (--chunks first:N): how many are left out.
    ...(m.chunks && m.chunkCount > m.chunks.length ? { chunksOmitted: m.chunkCount - m.chunks.length } : {}),
    lastChunk: m.lastChunk,
    terminator: m.terminator,
    trailers: m.trailers,
    bodyLength: m.bodyLength,
    ...(body ? { body: Buffer.concat(body).toString('base64') } : {}),
    complete: m.complete,
    anomalies: m.anomalies.map(anomalyJson),
    ...(m.timing ? { timing: m.timing } : {}),
    index: m.index,
    offset: m.offset,
    end: m.end,
    request: m.request,
    response: m.response,
    requestIndex: m.requestIndex,
    framingReason: m.framingReason,
    contentLength: m.contentLength,
    chunkCount: m.chunkCount,
    ...(m.generated ? { generated: true } : {}),
  };
}

function anomalyJson(a: { code: string; offset: number; message: string; cls: string }): object {
  return { code: a.code, offset: a.offset, message: a.message, class: a.cls };
}
