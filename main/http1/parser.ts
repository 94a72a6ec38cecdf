// A pure, streaming HTTP/1.1 framing parser for one direction of a connection:
// bytes in, events out, every event with absolute byte offsets. No sockets, timers
// or clocks (DESIGN.md principle 3): the proxy stamps times, not this.
//
// Lines (start-line, field lines, chunk-size lines, trailers) are read whole once their
// LF arrives; only the part of a line that straddles two feeds is copied. Data is
// skipped by length, never scanned. A partial line is examined early only when it goes
// over its limit or the input ends, and the readers scan left to right and stop at the
// first problem, so the result is the same however the bytes were split.

import { ANOMALIES, type AnomalyCode } from '../../shared/anomalies';
import type { Direction, EndKind, Http1Event, RawReason } from '../../shared/http1';
import * as bytesModule from './bytes';
import { endOfInput, type Stopped } from './end-of-input';
import { LineBuffer } from './line-buffer';
import { decideFraming, type FieldAt, type FramingDecision } from './framing';
import { scanFieldLine, scanRequestLine, scanStatusLine, type LineLimit } from './head-lines';
import { resolveLimits, type ParserLimits } from './limits';
import * as say from './sentences';
import { scanSizeLine } from './size-line';

// Bound locally: under the test runner's module loader every use of an imported
// binding is a getter call, which made these per-byte loops five times slower.
const { CR, HEX_PLUS_ONE, LF } = bytesModule;

export interface ParserOptions {
  limits?: Partial<ParserLimits>;
  /**
   * Responses only: the method of request #index (0-based), null when that request's
   * method is not known, undefined when there is no such request. Default: GET for all.
   */
  requestMethod?: (index: number) => string | null | undefined;
  /**
   * Requests only: read the bytes after a CONNECT request as a tunnel without waiting
   * for tunnel(). Right when the request direction is read alone; the proxy, which
   * sees the response, says false and calls tunnel() on a 2xx.
   */
  assumeConnectTunnel?: boolean;
  /**
   * Imports whose framing was not recorded (a HAR without chunk data): message #index
   * has exactly this many body bytes, whatever its headers say; null to read the headers.
   * The headers stay as recorded, and nothing is invented about how the body was framed.
   */
  recordedBodyLength?: (index: number) => number | null;
}

const enum State {
  Idle,
  Head,
  SizeLine,
  Data,
  DataCrlf,
  Trailers,
  LengthBody,
  CloseBody,
  Raw,
  Ended,
}

/** What the parser is waiting for, for live "stalled" reports. */
export interface Waiting {
  what: 'message' | 'head' | 'chunk-size-line' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'body' | 'close' | 'nothing';
  message: number | null;
  /** 1-based chunk number, when in a chunked body. */
  chunk: number | null;
  received: number | null;
  expected: number | null;
}

interface Head {
  start: number;
  version: string;
  method: string | null;
  status: number | null;
  fields: FieldAt[];
  lines: number;
}

export class Http1Parser {
  readonly direction: Direction;
  private readonly limits: ParserLimits;
  private readonly requestMethod: (index: number) => string | null | undefined;
  private readonly recordedBodyLength: (index: number) => number | null;
  private readonly assumeConnectTunnel: boolean;

  private state = State.Idle;
  /** Absolute offset of the first byte of the current feed. */
  private base = 0;
  private out: Http1Event[] = [];

  // The element (line or CRLF) that straddles feeds.
  private readonly pending = new LineBuffer();

  // Between messages.
  private messageCount = 0;
  private finalResponses = 0;
  private leadingCrlfStart = -1;
  private leadingCrlfCount = 0;
  private nextAllowed = true;
  private trailingCause: say.TrailingCause = 'close';
  private tunnelNext = false;
  private rawReason: RawReason = 'unparsed';

  // The current message.
  private message = -1;
  private head: Head | null = null;
  private decision: FramingDecision | null = null;
  private chunk = 0; // 0-based index of the current or next chunk
  private chunkSize = 0;
  private remaining = 0;
  private extUsed = 0;
  private crlfStart = -1;
  private sectionStart = 0; // head or trailer section start
  private firstTrailer = true;

  constructor(direction: Direction, options: ParserOptions = {}) {
    this.direction = direction;
    this.limits = resolveLimits(options.limits);
    this.requestMethod = options.requestMethod ?? (() => 'GET');
    this.assumeConnectTunnel = options.assumeConnectTunnel ?? true;
    this.recordedBodyLength = options.recordedBodyLength ?? (() => null);
  }

  /** Absolute offset of the next byte to be fed. */
  get offset(): number {
    return this.base;
  }

  feed(bytes: Uint8Array): Http1Event[] {
    if (this.state === State.Ended) throw new Error('feed() after end()');
    const out: Http1Event[] = (this.out = []);
    const length = bytes.length;
    let i = 0;
    while (i < length) {
      switch (this.state) {
        case State.Idle:
          i = this.idle(bytes, i);
          break;
        case State.Head:
        case State.SizeLine:
        case State.Trailers:
          i = this.lines(bytes, i);
          break;
        case State.Data: {
          const n = Math.min(this.remaining, length - i);
          out.push({ type: 'chunk-data', message: this.message, offset: this.base + i, length: n, chunk: this.chunk });
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) {
            this.state = State.DataCrlf;
            this.crlfStart = this.base + i;
          }
          break;
        }
        case State.DataCrlf:
          i = this.dataCrlf(bytes, i);
          break;
        case State.LengthBody: {
          const n = Math.min(this.remaining, length - i);
          out.push({ type: 'body-data', message: this.message, offset: this.base + i, length: n });
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.complete(this.base + i);
          break;
        }
        case State.CloseBody:
          out.push({ type: 'body-data', message: this.message, offset: this.base + i, length: length - i });
          i = length;
          break;
        case State.Raw:
          out.push({ type: 'raw', message: null, offset: this.base + i, length: length - i, reason: this.rawReason });
          i = length;
          break;
      }
    }
    this.base += length;
    // The events are the caller's: kept here, those of a 1 MiB read of `100 Continue`s
    // (240,000) would stay until the next read, however long the connection idles.
    this.out = [];
    return out;
  }

  /**
   * The bytes after the current message (or from now, between messages) are a tunnel:
   * the proxy calls this on a 2xx to CONNECT or a 101 seen in the other direction.
   */
  tunnel(): Http1Event[] {
    if (this.state === State.Idle && this.pending.length === 0) {
      this.state = State.Raw;
      this.rawReason = 'tunnel';
    } else {
      this.tunnelNext = true;
    }
    return [];
  }

  /**
   * The input ended: `fin` or `rst`, or `open` when the connection is still open (then
   * nothing is truncated). `by` says who ended it, for the sentences; by default the
   * sender of this direction (the server for responses). `tls` says, for a FIN inside TLS,
   * whether close_notify came first: without it a close-delimited body is truncated.
   */
  end(kind: EndKind, by: say.Closer = say.peerOf(this.direction), tls: say.Ending['tls'] = null): Http1Event[] {
    if (this.state === State.Ended) throw new Error('end() called twice');
    const out: Http1Event[] = (this.out = []);
    const at = this.base;

    let partialLine: Uint8Array | null = null;
    if (this.pending.length > 0 && this.state !== State.Idle && this.state !== State.DataCrlf) {
      // A line that never got its LF: a problem inside it still wins over truncation.
      const { bytes, start } = this.pending.take();
      partialLine = bytes;
      if (this.examine(bytes, 0, bytes.length, start) === true) {
        this.rawSpan(this.rawFrom, at, 'unparsed');
        return this.finish(kind);
      }
      out.push({ type: 'raw', message: this.message, offset: start, length: bytes.length, reason: 'incomplete' });
    }

    const verdict = endOfInput(this.stoppedAt(partialLine), kind, by, tls, at);
    for (const span of verdict.incomplete) out.push({ type: 'raw', message: span.ofMessage ? this.message : null, offset: span.offset, length: span.length, reason: 'incomplete' });
    for (const a of verdict.anomalies) this.anomaly(a.ofMessage ? this.message : null, a.code, a.offset, a.text);
    if (verdict.complete) this.complete(at);
    return this.finish(kind);
  }

  /** Where the parser stopped, for the verdicts of the input's end (end-of-input.ts). */
  private stoppedAt(partialLine: Uint8Array | null): Stopped {
    switch (this.state) {
      case State.Idle:
        return {
          in: 'idle',
          heldCr: this.pending.length > 0 ? { offset: this.pending.start, length: this.pending.length } : null,
          leadingEmptyLines: this.leadingCrlfCount > 0 ? { start: this.leadingCrlfStart, count: this.leadingCrlfCount } : null,
        };
      case State.Head:
        return { in: 'head' };
      case State.SizeLine:
        return { in: 'size-line', partialLine, chunks: this.chunk };
      case State.Data:
      case State.DataCrlf:
        return { in: 'chunk-data', chunk: this.chunk + 1, received: this.chunkSize - this.remaining, size: this.chunkSize, heldCr: this.state === State.DataCrlf && this.pending.length > 0 ? this.crlfStart : null };
      case State.Trailers:
        return { in: 'trailers' };
      case State.LengthBody:
        return { in: 'length-body', received: this.decision!.contentLength! - this.remaining, length: this.decision!.contentLength! };
      case State.CloseBody:
        return { in: 'close-body' };
      default:
        return { in: 'raw' };
    }
  }

  /** What the parser waits for now: the basis of live stall reports. */
  waiting(): Waiting {
    const message = this.message >= 0 ? this.message : null;
    const base = { message, chunk: null, received: null, expected: null };
    switch (this.state) {
      case State.Idle:
        return { ...base, what: 'message', message: null };
      case State.Head:
        return { ...base, what: 'head' };
      case State.SizeLine:
        return { ...base, what: 'chunk-size-line', chunk: this.chunk + 1 };
      case State.Data:
        return { what: 'chunk-data', message, chunk: this.chunk + 1, received: this.chunkSize - this.remaining, expected: this.chunkSize };
      case State.DataCrlf:
        return { ...base, what: 'chunk-crlf', chunk: this.chunk + 1 };
      case State.Trailers:
        return { ...base, what: 'trailers' };
      case State.LengthBody: {
        const expected = this.decision!.contentLength!;
        return { ...base, what: 'body', received: expected - this.remaining, expected };
      }
      case State.CloseBody:
        return { ...base, what: 'close' };
      default:
        return { ...base, what: 'nothing', message: null };
    }
  }

  // ---- between messages -------------------------------------------------------

  private idle(bytes: Uint8Array, i: number): number {
    const at = this.base + i;
    if (!this.nextAllowed || (this.direction === 'response' && this.requestMethod(this.finalResponses) === undefined)) {
      if (this.direction === 'response' && this.nextAllowed) this.trailingCause = 'no-request';
      const previous = this.messageCount > 0 ? this.messageCount - 1 : null;
      this.anomaly(null, 'trailing-bytes-after-message', this.pending.length > 0 ? this.pending.start : at, say.trailingBytes(this.direction, this.trailingCause, previous));
      return this.turnRaw(bytes, this.pending.length > 0 ? this.pending.start : at, 'trailing');
    }
    const c = bytes[i]!;
    if (this.pending.length > 0) {
      // A CR ended the previous feed.
      if (c === LF) {
        this.leadingCrlf(this.pending.start);
        this.pending.clear();
        return i + 1;
      }
      return this.startMessage(i, this.pending.start);
    }
    if (c === CR) {
      if (i + 1 >= bytes.length) {
        this.pending.hold(bytes, i, bytes.length, at);
        return bytes.length;
      }
      if (bytes[i + 1] === LF) {
        this.leadingCrlf(at);
        return i + 2;
      }
    }
    return this.startMessage(i, at);
  }

  private leadingCrlf(at: number): void {
    if (this.leadingCrlfCount === 0) this.leadingCrlfStart = at;
    this.leadingCrlfCount++;
    this.out.push({ type: 'leading-crlf', message: null, offset: at, length: 2 });
  }

  private startMessage(i: number, at: number): number {
    this.message = this.messageCount++;
    this.head = { start: at, version: '', method: null, status: null, fields: [], lines: 0 };
    this.decision = null;
    this.sectionStart = at;
    this.state = State.Head;
    this.out.push({
      type: 'message-start',
      message: this.message,
      offset: at,
      requestIndex: this.direction === 'response' ? this.finalResponses : null,
    });
    if (this.leadingCrlfCount > 0) {
      this.anomaly(this.message, 'leading-empty-line', this.leadingCrlfStart, say.leadingEmptyLine(this.leadingCrlfCount));
      this.leadingCrlfCount = 0;
    }
    return i; // the bytes (and any held CR) are read as the start-line
  }

  // ---- lines ------------------------------------------------------------------

  /** Collect one line (head, size line or trailer) and hand it to its reader. */
  private lines(bytes: Uint8Array, i: number): number {
    const lf = bytes.indexOf(LF, i);
    if (lf < 0) {
      this.pending.hold(bytes, i, bytes.length, this.base + i);
      const start = this.pending.start;
      if (this.pending.length > this.maxLineLength(start)) {
        // Over its limit without an LF: judge it now from what arrived. The readers
        // stop at the limit byte at the latest, so this always gives a verdict.
        const { bytes: joined } = this.pending.take();
        if (this.examine(joined, 0, joined.length, start) !== true) {
          this.fault('header-section-too-long', start, 'internal: a line over its limit gave no verdict', start);
        }
        return this.rawRest(bytes);
      }
      return bytes.length;
    }
    let result: number | true;
    if (this.pending.length > 0) {
      this.pending.hold(bytes, i, lf + 1, this.base + i);
      const { bytes: joined, start } = this.pending.take();
      result = this.examine(joined, 0, joined.length, start);
    } else {
      result = this.examine(bytes, i, lf + 1, this.base + i);
    }
    return result === true ? this.rawRest(bytes) : lf + 1;
  }

  /** How long a pending line may grow before it must be judged (its limit byte included). */
  private maxLineLength(lineStart: number): number {
    switch (this.state) {
      case State.Head:
        return this.sectionStart + this.limits.maxHeadBytes - lineStart;
      case State.Trailers:
        return this.sectionStart + this.limits.maxTrailerBytes - lineStart;
      default:
        return this.limits.maxChunkSizeDigits + (this.limits.maxChunkExtBytes - this.extUsed) + 1;
    }
  }

  /**
   * Read one line from bytes[start..end) whose first byte is at absolute offset `at`.
   * Returns the index past the line, or true after reporting a fault (the line and
   * everything after it are then raw, from `rawFrom`).
   */
  private examine(bytes: Uint8Array, start: number, end: number, at: number): number | true {
    switch (this.state) {
      case State.Head:
        return this.headLine(bytes, start, end, at);
      case State.SizeLine:
        return this.sizeLine(bytes, start, end, at);
      default:
        return this.trailerLine(bytes, start, end, at);
    }
  }

  private headLimit(start: number, at: number, section: 'head' | 'trailer'): LineLimit {
    const max = section === 'head' ? this.limits.maxHeadBytes : this.limits.maxTrailerBytes;
    return {
      limitAt: start + (this.sectionStart + max - at),
      code: section === 'head' ? 'header-section-too-long' : 'trailer-section-too-long',
      detail: `the ${section === 'head' ? 'header' : 'trailer'} section is longer than ${max} bytes`,
    };
  }

  private headLine(bytes: Uint8Array, start: number, end: number, at: number): number | true {
    const head = this.head!;
    const limit = this.headLimit(start, at, 'head');
    if (head.lines === 0) {
      const line = this.direction === 'request' ? scanRequestLine(bytes, start, end, limit) : scanStatusLine(bytes, start, end, limit);
      if (line.kind === 'pending') return end;
      if (line.kind === 'fault') return this.fault(line.code, at + (line.at - start), line.detail, at);
      head.lines++;
      head.version = line.request?.version ?? line.response!.version;
      head.method = line.request?.method ?? null;
      head.status = line.response?.status ?? null;
      this.out.push({
        type: 'start-line',
        message: this.message,
        offset: at,
        length: line.end - start,
        line: line.line,
        request: line.request,
        response: line.response,
      });
      return line.end;
    }
    const emptyLine = this.emptyLine(bytes, start, end, at, limit, 'head');
    if (emptyLine !== null) return emptyLine;
    const field = scanFieldLine(bytes, start, end, 'header', false, limit);
    if (field.kind === 'pending') return end;
    if (field.kind === 'fault') return this.fault(field.code, at + (field.at - start), field.detail, at);
    head.lines++;
    head.fields.push({ name: field.name, value: field.value, offset: at });
    this.out.push({ type: 'header', message: this.message, offset: at, length: field.end - start, name: field.name, value: field.value });
    return field.end;
  }

  /** An empty line ends a head or trailer section: CRLF, or a fault for LF or CR alone. */
  private emptyLine(bytes: Uint8Array, start: number, end: number, at: number, limit: LineLimit, section: 'head' | 'trailer'): number | true | null {
    const c = bytes[start]!;
    if (c === LF) {
      if (section === 'head') return this.fault('bare-lf-in-fields', at, 'the header section ends with LF instead of CRLF', at);
      return this.fault('bare-lf', at, 'the chunked body ends with LF instead of CRLF', at);
    }
    if (c !== CR || start + 1 >= end || bytes[start + 1] !== LF) return null;
    if (start + 1 >= limit.limitAt) return this.fault(limit.code, at + 1, limit.detail, at);
    if (section === 'head') {
      this.out.push({ type: 'head-end', message: this.message, offset: at, length: 2 });
      this.headEnd(at + 2);
    } else {
      this.out.push({ type: 'trailers-end', message: this.message, offset: at, length: 2 });
      this.complete(at + 2);
    }
    return start + 2;
  }

  private headEnd(at: number): void {
    const head = this.head!;
    const method = this.direction === 'request' ? head.method : this.requestMethod(this.finalResponses) ?? null;
    const recorded = this.recordedBodyLength(this.message);
    const decision: FramingDecision =
      recorded === null
        ? decideFraming({ direction: this.direction, version: head.version, method, status: head.status, fields: head.fields })
        : { framing: 'content-length', contentLength: recorded, reason: 'imported: the body as recorded, framing unknown', persistent: true, tunnel: false, interim: false, notes: [], fatal: false };
    this.decision = decision;
    for (const note of decision.notes) this.anomaly(this.message, note.code, note.offset, note.detail);
    this.out.push({
      type: 'framing',
      message: this.message,
      offset: at,
      framing: decision.framing,
      contentLength: decision.contentLength,
      reason: decision.reason,
      persistent: decision.persistent,
      tunnel: decision.tunnel,
    });
    if (decision.fatal) {
      this.state = State.Raw;
      this.rawReason = 'unparsed';
      return;
    }
    if (!decision.persistent) {
      const saysClose = head.fields.some((f) => f.name.toLowerCase() === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(f.value));
      this.trailingCause = decision.notes.some((n) => ANOMALIES[n.code].cls === 'D')
        ? 'decode-then-close'
        : !saysClose && head.version === 'HTTP/1.0'
          ? 'http10'
          : 'close';
    }
    switch (decision.framing) {
      case 'chunked':
        this.state = State.SizeLine;
        this.chunk = 0;
        this.extUsed = 0;
        break;
      case 'content-length':
        this.remaining = decision.contentLength!;
        if (this.remaining === 0) this.complete(at);
        else this.state = State.LengthBody;
        break;
      case 'close-delimited':
        this.state = State.CloseBody;
        break;
      case 'none':
        this.complete(at);
        break;
    }
  }

  private sizeLine(bytes: Uint8Array, start: number, end: number, at: number): number | true {
    const { maxChunkSizeDigits, maxChunkExtBytes } = this.limits;
    const line = scanSizeLine(bytes, start, end, maxChunkSizeDigits, maxChunkExtBytes - this.extUsed, maxChunkExtBytes);
    if (line.kind === 'pending') return end;
    if (line.kind === 'fault') {
      // An invalid size is no last chunk, even when its digits so far are zeros ("0x10").
      const lastChunkLine = line.code !== 'invalid-chunk-size' && isZeros(bytes, start, end);
      const detail = say.withChunk(line.detail, lastChunkLine ? 'last' : this.chunk + 1);
      return this.fault(line.code, at + (line.at - start), detail, at);
    }
    const length = line.end - start;
    this.extUsed += line.extensions.length;
    if (line.size === 0) {
      this.out.push({ type: 'last-chunk', message: this.message, offset: at, length, sizeToken: line.sizeToken, extensions: line.extensions });
      this.state = State.Trailers;
      this.sectionStart = at + length;
      this.firstTrailer = true;
    } else {
      this.out.push({
        type: 'chunk-size',
        message: this.message,
        offset: at,
        length,
        chunk: this.chunk,
        sizeToken: line.sizeToken,
        size: line.size,
        extensions: line.extensions,
      });
      this.chunkSize = line.size;
      this.remaining = line.size;
      this.state = State.Data;
    }
    if (line.sizeToken.length > 16) this.anomaly(this.message, 'chunk-size-long', at, say.chunkSizeLong(line.sizeToken));
    if (line.bwsAt >= 0) this.anomaly(this.message, 'chunk-ext-bws', at + (line.bwsAt - start), say.chunkExtBws());
    return line.end;
  }

  private trailerLine(bytes: Uint8Array, start: number, end: number, at: number): number | true {
    const limit = this.headLimit(start, at, 'trailer');
    const emptyLine = this.emptyLine(bytes, start, end, at, limit, 'trailer');
    if (emptyLine !== null) return emptyLine;
    const field = scanFieldLine(bytes, start, end, 'trailer', this.firstTrailer, limit);
    if (field.kind === 'pending') return end;
    if (field.kind === 'fault') return this.fault(field.code, at + (field.at - start), field.detail, at);
    this.firstTrailer = false;
    this.out.push({ type: 'trailer', message: this.message, offset: at, length: field.end - start, name: field.name, value: field.value });
    if (PROHIBITED_TRAILERS.has(field.name.toLowerCase())) {
      this.anomaly(this.message, 'trailer-prohibited-field', at, say.prohibitedTrailer(field.name));
    }
    return field.end;
  }

  // ---- the CRLF after chunk data ------------------------------------------------

  private dataCrlf(bytes: Uint8Array, i: number): number {
    const c = bytes[i]!;
    if (this.pending.length === 0) {
      if (c === CR) {
        if (i + 1 < bytes.length) {
          if (bytes[i + 1] === LF) return this.crlfOk(i + 2);
          return this.crlfFault(bytes, i, 'missing-chunk-crlf', 'CR after the chunk data is not followed by LF: the chunk is longer than its size line says');
        }
        this.pending.hold(bytes, i, i + 1, this.base + i);
        return i + 1;
      }
      if (c === LF) return this.crlfFault(bytes, i, 'bare-lf', 'the chunk data is followed by LF instead of CRLF');
      return this.crlfFault(bytes, i, 'missing-chunk-crlf', 'the chunk data is not followed by CRLF: the chunk is longer than its size line says');
    }
    this.pending.clear();
    if (c === LF) return this.crlfOk(i + 1);
    return this.crlfFault(bytes, i, 'missing-chunk-crlf', 'CR after the chunk data is not followed by LF: the chunk is longer than its size line says');
  }

  private crlfOk(next: number): number {
    this.out.push({ type: 'chunk-crlf', message: this.message, offset: this.crlfStart, length: 2, chunk: this.chunk, ok: true });
    this.chunk++;
    this.state = State.SizeLine;
    return next;
  }

  private crlfFault(bytes: Uint8Array, i: number, code: AnomalyCode, detail: string): number {
    const at = code === 'bare-lf' ? this.base + i : this.crlfStart;
    this.out.push({ type: 'chunk-crlf', message: this.message, offset: this.crlfStart, length: 0, chunk: this.chunk, ok: false });
    this.anomaly(this.message, code, at, say.withChunk(detail, this.chunk + 1));
    return this.turnRaw(bytes, this.crlfStart, 'unparsed');
  }

  // ---- shared steps ---------------------------------------------------------------

  private complete(at: number): void {
    const decision = this.decision!;
    this.out.push({ type: 'message-complete', message: this.message, offset: at });
    if (this.direction === 'response' && !decision.interim) this.finalResponses++;
    const head = this.head!;
    this.state = State.Idle;
    this.nextAllowed = decision.persistent;
    if (decision.tunnel || this.tunnelNext || (this.direction === 'request' && this.assumeConnectTunnel && head.method === 'CONNECT')) {
      this.state = State.Raw;
      this.rawReason = 'tunnel';
    }
  }

  /**
   * Report a fault inside a line that starts at `lineAt`. Framing is lost: the line and
   * everything after it are raw; the caller emits that span (rawRest).
   */
  private fault(code: AnomalyCode, at: number, detail: string, lineAt: number): true {
    this.anomaly(this.message, code, at, detail);
    this.state = State.Raw;
    this.rawReason = 'unparsed';
    this.rawFrom = lineAt;
    return true;
  }

  private rawFrom = -1;

  /** After a fault inside a line: one raw span from the line start to the end of this feed. */
  private rawRest(bytes: Uint8Array): number {
    this.rawSpan(this.rawFrom, this.base + bytes.length, 'unparsed');
    return bytes.length;
  }

  /** From `from` (absolute, at or before bytes[i]) to the end of this feed is raw. */
  private turnRaw(bytes: Uint8Array, from: number, reason: RawReason): number {
    this.pending.clear();
    this.state = State.Raw;
    this.rawReason = reason;
    this.rawSpan(from, this.base + bytes.length, reason);
    return bytes.length;
  }

  private rawSpan(from: number, to: number, reason: RawReason): void {
    if (to > from) this.out.push({ type: 'raw', message: null, offset: from, length: to - from, reason });
  }

  private anomaly(message: number | null, code: AnomalyCode, offset: number, text: string): void {
    this.out.push({ type: 'anomaly', message, code, cls: ANOMALIES[code].cls, offset, text });
  }

  private finish(kind: EndKind): Http1Event[] {
    this.out.push({ type: 'end', message: null, offset: this.base, kind });
    this.state = State.Ended;
    return this.out;
  }
}

/** Whether the size token at bytes[start] is all zeros: a last-chunk line (1*"0"). */
function isZeros(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && bytes[i] === 0x30) i++;
  return i > start && (i === end || HEX_PLUS_ONE[bytes[i]!] === 0);
}

const PROHIBITED_TRAILERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'trailer',
  'te',
  'connection',
  'keep-alive',
  'upgrade',
  'proxy-connection',
  'content-type',
  'content-encoding',
  'content-range',
  'authorization',
  'proxy-authorization',
  'cache-control',
  'max-forwards',
  'expect',
]);
