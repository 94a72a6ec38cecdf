// Removing Content-Encoding (gzip, deflate, br, stacked) piece by piece, so that
// after each encoded piece the view knows how many decoded bytes it made
// available, and so which chunk delivered each decoded byte.
//
// Why zlib stream objects, each write flushed: Node's sync API (gunzipSync...)
// starts from scratch on every call, so decoding the body so far after each piece
// is O(n^2) over a long stream, and the only sync incremental entry point
// (_processChunk) is undocumented. A stream created with flush: Z_SYNC_FLUSH (or
// BROTLI_OPERATION_FLUSH) hands out, for each write, everything decodable from the
// input so far, and the write's callback runs once that output has been pushed;
// so awaiting it per piece gives exact per-piece counts, for one thread-pool round
// trip per piece (5,000 chunks: a few hundred ms; see decode.test.ts).
//
// When zlib fails it drops the output of the write that failed: the decoded bytes
// of earlier pieces stay, those of the failing piece are lost.

import zlib from 'node:zlib';
import type { ContentCoding } from '../../shared/stream';

export interface ContentEncoding {
  /** The codings as the header lists them (applied in this order; removed in reverse). */
  codings: ContentCoding[];
  /** The first coding that cannot be removed (zstd, compress...), if any. */
  unsupported: string | null;
}

export function parseContentEncoding(header: string | null): ContentEncoding {
  const codings: ContentCoding[] = [];
  let unsupported: string | null = null;
  for (const token of (header ?? '').split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'identity') continue;
    if (name === 'gzip' || name === 'x-gzip') codings.push('gzip');
    else if (name === 'deflate' || name === 'br') codings.push(name);
    else unsupported ??= name;
  }
  return { codings, unsupported };
}

export interface DecodeFailure {
  coding: ContentCoding;
  message: string;
  /** Encoded-body offset of the start of the piece in which the decoder failed (zlib does not say which byte). */
  offset: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Whether a "deflate" body starts with an RFC 1950 header (compression method 8, and
 * CMF*256 + FLG a multiple of 31). Servers that send raw deflate (RFC 1951) as "deflate"
 * fail it; browsers accept those, and so does Chunkscope.
 */
export function isZlibWrapped(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
}

/** One coding's decoder. */
class Stage {
  private stream: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | null = null;
  /** deflate: the first bytes, held until there are two to tell zlib-wrapped from raw. */
  private head: Uint8Array = EMPTY;
  private output: Buffer[] = [];
  private waiting: (() => void) | null = null;
  failure: Error | null = null;
  rawDeflate = false;
  private produced = 0;

  /** @param limit output past this is refused: a small compressed body can decode to gigabytes. */
  constructor(
    readonly coding: ContentCoding,
    private readonly limit = Infinity,
  ) {}

  /** Decode the next bytes: resolves with all the output they made available. */
  async push(bytes: Uint8Array): Promise<Uint8Array> {
    if (this.failure || bytes.length === 0) return EMPTY;
    const stream = this.stream ?? this.open(bytes);
    if (!stream) return EMPTY;
    const input = this.head.length > 0 ? Buffer.concat([this.head, bytes]) : Buffer.from(bytes);
    this.head = EMPTY;
    await this.settle((done) => stream.write(input, () => done()));
    return this.take();
  }

  /** The encoded body is complete: finish the stream (an error if it was cut). */
  async finish(): Promise<Uint8Array> {
    if (this.failure) return EMPTY;
    const stream = this.stream ?? (this.head.length > 0 ? this.open(EMPTY, true) : null);
    if (!stream) return EMPTY;
    if (this.head.length > 0) stream.write(Buffer.from(this.head));
    this.head = EMPTY;
    await this.settle((done) => {
      stream.once('end', done);
      stream.end();
    });
    return this.take();
  }

  private open(bytes: Uint8Array, final = false): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | null {
    let stream;
    // Every write is flushed, so its callback comes once all it can decode is out.
    const flush = { flush: zlib.constants.Z_SYNC_FLUSH };
    if (this.coding === 'gzip') stream = zlib.createGunzip(flush);
    else if (this.coding === 'br') stream = zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH });
    else {
      const head = this.head.length > 0 ? Buffer.concat([this.head, bytes]) : bytes;
      if (head.length < 2 && !final) {
        this.head = Uint8Array.from(head);
        return null;
      }
      const zlibWrapped = isZlibWrapped(head);
      this.rawDeflate = !zlibWrapped;
      stream = zlibWrapped ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
    }
    stream.on('data', (data: Buffer) => {
      this.produced += data.length;
      if (this.produced > this.limit) {
        this.failure ??= new Error(`it decodes to more than ${this.limit / 1024 / 1024} MiB, the view's limit`);
        stream.destroy();
        this.release();
        return;
      }
      this.output.push(data);
    });
    stream.on('error', (error: Error) => {
      this.failure ??= error;
      this.release();
    });
    this.stream = stream;
    return stream;
  }

  private async settle(start: (done: () => void) => void): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.waiting = resolve;
      start(() => this.release());
    });
    // Should a failed stream's callback ever come before its 'error' event, the
    // error is still charged to this piece.
    this.failure ??= this.stream?.errored ?? null;
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  private take(): Uint8Array {
    if (this.output.length === 0) return EMPTY;
    const out = this.output.length === 1 ? this.output[0]! : Buffer.concat(this.output);
    this.output = [];
    return out;
  }
}

/** The decoder for a body's codings. Calls must not overlap: await each before the next. */
export class BodyDecoder {
  private readonly stages: Stage[];
  encodedBytes = 0;
  decodedBytes = 0;
  failure: DecodeFailure | null = null;

  /** @param codings as the header lists them; @param limit the most decoded bytes each coding may give. */
  constructor(codings: ContentCoding[], limit = Infinity) {
    this.stages = [...codings].reverse().map((coding) => new Stage(coding, limit));
  }

  /** The codings in the order they are removed. */
  get codings(): ContentCoding[] {
    return this.stages.map((stage) => stage.coding);
  }

  get rawDeflate(): boolean {
    return this.stages.some((stage) => stage.rawDeflate);
  }

  /** The next encoded piece: resolves with the decoded bytes it made available (maybe none). */
  async feed(piece: Uint8Array): Promise<Uint8Array> {
    const start = this.encodedBytes;
    this.encodedBytes += piece.length;
    let data = piece;
    for (const stage of this.stages) data = await stage.push(data);
    this.check(start);
    this.decodedBytes += data.length;
    return data;
  }

  /**
   * The encoded body ended. When complete, each coding is finished, which is when a
   * compressed stream cut short is found; when not, that is expected and not checked.
   */
  async end(complete: boolean): Promise<Uint8Array> {
    if (!complete) return EMPTY;
    let data: Uint8Array = EMPTY;
    for (const stage of this.stages) {
      const pushed = await stage.push(data);
      const finished = await stage.finish();
      data = pushed.length === 0 ? finished : finished.length === 0 ? pushed : Buffer.concat([pushed, finished]);
    }
    this.check(this.encodedBytes);
    this.decodedBytes += data.length;
    return data;
  }

  private check(offset: number): void {
    if (this.failure) return;
    const failed = this.stages.find((stage) => stage.failure);
    if (failed) this.failure = { coding: failed.coding, message: failed.failure!.message, offset };
  }
}
