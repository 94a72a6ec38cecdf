// The Stream view of one body: Content-Encoding removed, the right parser chosen,
// items tied to their chunks. Push pieces as they arrive and get only the new
// items (the live view), or give a whole body to streamItems.
//
// Async because decoding is (decode.ts). Pushes are queued, so calls may overlap:
// each resolves, in order, with what its own piece brought.

import type { BodyEnd, CarriedItem, StreamError, StreamKind, StreamReport } from '../../shared/stream';
import { concatBytes } from './bytes';
import { itemsWithChunks, spanAt, type DecodedSpan } from './carriage';
import { BodyDecoder, parseContentEncoding, type DecodeFailure } from './decode';
import { EventStreamParser } from './event-stream';
import { FeedParser } from './feed';
import type { ItemParser, Parsed } from './item-parser';
import { JsonLinesParser } from './json-lines';
import { kindFromBytes, kindFromType, parseMediaType } from './kind';
import { TextLinesParser } from './text-lines';

/** A piece of the body as it arrived: a chunk-data or body-data span of the framing parser. */
export interface BodyPiece {
  /** The body bytes as sent (still content-encoded). */
  bytes: Uint8Array;
  /** When its last byte arrived, seconds since the connection opened. */
  time: number | null;
  /** Its chunk (ledger numbering, from 0), or null when the body is not chunked. */
  chunk: number | null;
}

export interface StreamViewOptions {
  contentType: string | null;
  contentEncoding: string | null;
  /** Stop after this many items (default 200,000): a small body can hold millions. */
  maxItems?: number;
  /** Stop after this many decoded bytes (default 64 MiB): a small gzip body can decode to gigabytes. */
  maxDecodedBytes?: number;
}

export const MAX_ITEMS = 200_000;
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;
/** Decoded bytes go to the parser in slices this size, so the item limit holds between them. */
const SLICE = 256 * 1024;

export function parserFor(kind: StreamKind, charset: string | null): ItemParser {
  switch (kind) {
    case 'rss':
    case 'atom':
      return new FeedParser(kind, charset);
    case 'sse':
      return new EventStreamParser();
    case 'ndjson':
      return new JsonLinesParser();
    case 'text':
      return new TextLinesParser(charset);
  }
}

export class StreamView {
  private kind: StreamKind | null = null;
  /** Set while the kind waits on the first bytes (generic XML, no Content-Type). */
  private hint: 'xml' | 'unknown' | null = null;
  private sniffed: Uint8Array[] = [];
  private parser: ItemParser | null = null;
  private readonly charset: string | null;
  private readonly decoder: BodyDecoder | null = null;
  private note: string | null = null;
  private readonly spans: DecodedSpan[] = [];
  private decoded = 0;
  private lastArrived: number | null = null;
  private readonly items: CarriedItem[] = [];
  private readonly errors: StreamError[] = [];
  private ended = false;
  private queue: Promise<unknown> = Promise.resolve();

  private readonly maxItems: number;
  private readonly maxDecoded: number;

  constructor(options: StreamViewOptions) {
    this.maxItems = options.maxItems ?? MAX_ITEMS;
    this.maxDecoded = options.maxDecodedBytes ?? MAX_DECODED_BYTES;
    this.charset = parseMediaType(options.contentType)?.charset ?? null;
    const kind = kindFromType(options.contentType);
    if (kind === null) {
      this.note = `${parseMediaType(options.contentType)?.type ?? 'this type'} is not a streaming text type`;
      return;
    }
    const encoding = parseContentEncoding(options.contentEncoding);
    if (encoding.unsupported !== null) {
      this.note = `Content-Encoding ${encoding.unsupported} is not supported`;
      this.errors.push({ stage: 'decoding', message: this.note, offset: null, chunk: null, fatal: true });
      return;
    }
    if (encoding.codings.length > 0) this.decoder = new BodyDecoder(encoding.codings, this.maxDecoded);
    if (kind === 'xml' || kind === 'unknown') this.hint = kind;
    else this.start(kind);
  }

  /** The next piece of the body: resolves with the items (and errors) it completed. */
  push(piece: BodyPiece): Promise<StreamReport> {
    return this.enqueue(() => this.process(piece));
  }

  /** The body ended: resolves with the last items (partial ones among them). */
  end(end: BodyEnd): Promise<StreamReport> {
    return this.enqueue(() => this.finish(end));
  }

  /** Everything so far; with `from` and `count`, only those items (a live view's look copies what it sends, not the whole stream). */
  report(from = 0, count = Infinity): StreamReport {
    return this.reportWith(this.items.slice(from, from + count), this.errors.slice());
  }

  /** Items so far. */
  get itemCount(): number {
    return this.items.length;
  }

  private enqueue(run: () => Promise<StreamReport>): Promise<StreamReport> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async process(piece: BodyPiece): Promise<StreamReport> {
    if (this.note !== null || this.ended) return this.reportWith([], []);
    const errorsBefore = this.errors.length;
    const failedBefore = this.decoder?.failure ?? null;
    let bytes = this.decoder ? await this.decoder.feed(piece.bytes) : piece.bytes;
    if (this.decoded + bytes.length > this.maxDecoded) {
      bytes = bytes.subarray(0, Math.max(0, this.maxDecoded - this.decoded));
      this.limit(`the view stops after the first ${this.maxDecoded / 1024 / 1024} MiB of the decoded body`);
    }
    const failure = this.decoder?.failure ?? null;
    if (failure && !failedBefore) this.errors.push({ stage: 'decoding', message: undecodable(failure), offset: failure.offset, chunk: piece.chunk, fatal: true });
    this.spans.push({ index: piece.chunk, decodedStart: this.decoded, decodedEnd: this.decoded + bytes.length, time: piece.time });
    this.decoded += bytes.length;
    const items = this.parse(bytes, false);
    return this.reportWith(items, this.errors.slice(errorsBefore));
  }

  private async finish(end: BodyEnd): Promise<StreamReport> {
    if (this.ended) return this.reportWith([], []);
    if (this.note !== null) {
      this.ended = true;
      return this.reportWith([], []);
    }
    const errorsBefore = this.errors.length;
    const failedBefore = this.decoder?.failure ?? null;
    let bytes: Uint8Array = new Uint8Array(0);
    if (this.decoder && !failedBefore) {
      bytes = await this.decoder.end(end.complete);
      const failure = this.decoder.failure;
      if (failure) this.errors.push({ stage: 'decoding', message: undecodable(failure), offset: failure.offset, chunk: null, fatal: true });
    }
    if (bytes.length > 0) {
      // Output of the codings' final flush: it came with the last piece.
      const last = this.spans[this.spans.length - 1];
      this.spans.push({ index: last?.index ?? null, decodedStart: this.decoded, decodedEnd: this.decoded + bytes.length, time: last?.time ?? null });
      this.decoded += bytes.length;
    }
    const items = this.parse(bytes, true);
    const failure = this.decoder?.failure ?? null;
    // Items the decoder could not finish are cut short by it, not by the connection.
    const effective: BodyEnd = failure ? { complete: false, reason: undecodable(failure) } : end;
    if (this.parser && this.note === null) for (const item of this.tie(this.parser.end(effective))) items.push(item);
    this.ended = true;
    return this.reportWith(items, this.errors.slice(errorsBefore));
  }

  /** Feed decoded bytes to the parser, first choosing it if the kind waits on them. */
  private parse(bytes: Uint8Array, final: boolean): CarriedItem[] {
    if (this.hint !== null) {
      if (bytes.length > 0) this.sniffed.push(bytes.slice());
      const all = concatBytes(this.sniffed);
      const kind = kindFromBytes(this.hint, all, final);
      if (kind === undefined) return [];
      this.hint = null;
      this.sniffed = [];
      if (kind === null) {
        this.note = 'the body is not text';
        return [];
      }
      this.start(kind);
      bytes = all;
    }
    if (!this.parser || bytes.length === 0) return [];
    const items: CarriedItem[] = [];
    for (let at = 0; at < bytes.length; at += SLICE) {
      for (const item of this.tie(this.parser.feed(bytes.subarray(at, at + SLICE)))) items.push(item);
      if (this.items.length >= this.maxItems) {
        this.limit(`the view stops after ${this.maxItems.toLocaleString('en-US')} items`);
        break;
      }
    }
    return items;
  }

  private start(kind: StreamKind): void {
    this.kind = kind;
    this.parser = parserFor(kind, this.charset);
  }

  private tie(parsed: Parsed): CarriedItem[] {
    for (const error of parsed.errors) {
      const span = spanAt(this.spans, error.offset);
      this.errors.push({ stage: 'parsing', message: error.message, offset: error.offset, chunk: span >= 0 ? this.spans[span]!.index : null, fatal: error.fatal });
    }
    const room = Math.max(0, this.maxItems - this.items.length);
    const carried = itemsWithChunks(parsed.items.length > room ? parsed.items.slice(0, room) : parsed.items, this.spans, this.lastArrived);
    // A loop, not push(...carried): one piece can complete more items than a call takes arguments.
    for (const item of carried) {
      if (item.arrived !== null) this.lastArrived = item.arrived;
      this.items.push(item);
    }
    return carried;
  }

  /** A limit was reached: what came so far stays, nothing more is read. */
  private limit(note: string): void {
    this.note ??= note;
    this.ended = true;
  }

  private reportWith(items: CarriedItem[], errors: StreamError[]): StreamReport {
    const decoding = this.decoder
      ? { codings: this.decoder.codings, rawDeflate: this.decoder.rawDeflate, encodedBytes: this.decoder.encodedBytes, decodedBytes: this.decoder.decodedBytes }
      : null;
    return { kind: this.kind, note: this.note, decoding, items, errors, ended: this.ended };
  }
}

/** The Stream view of a whole body. */
export async function streamItems(input: StreamViewOptions & { pieces: readonly BodyPiece[]; end: BodyEnd }): Promise<StreamReport> {
  const view = new StreamView(input);
  for (const piece of input.pieces) await view.push(piece);
  await view.end(input.end);
  return view.report();
}

function undecodable(failure: DecodeFailure): string {
  return `Content-Encoding ${failure.coding} could not be decoded: ${failure.message}`;
}
