// Removing Content-Encoding from a body of any size in bounded memory: the search
// (main/search) and the body viewer's slices (main/engine/body.ts) read a body that can
// be a gigabyte, or a few kilobytes that decode to one (a compression bomb).
//
// decode.ts serves the Stream view, which needs to know exactly which decoded bytes each
// encoded piece made; it collects a piece's whole output before answering, so one small
// piece of brotli can hold gigabytes. Here the output goes to the sink as zlib makes it,
// 16 KiB at a time, and zlib is paused while the sink is busy: a write waits for the
// decoder to drain. Past `limit` decoded bytes the decoding stops (and says so).

import zlib from 'node:zlib';
import type { ContentCoding } from '../../shared/stream';
import { isZlibWrapped } from './decode';

/** Takes decoded bytes; a promise makes the decoder wait until it settles. */
export type DecodedSink = (bytes: Buffer) => Promise<void> | void;

export interface StreamDecodeFailure {
  coding: ContentCoding;
  message: string;
  /**
   * Bytes as sent given to the decoder when it failed: the fault lies before this offset
   * (zlib works behind the writes and does not say which byte).
   */
  sentOffset: number;
  /** Decoded bytes made before it failed: where the decoded body stops. */
  decodedOffset: number;
}

type Inflater = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

const EMPTY = Buffer.alloc(0);

/**
 * Output in pieces of 64 KiB (fewer, larger calls to the sink); up to 1 MiB as sent may
 * wait in the decoder, so a reader goes on reading while zlib decodes on its own thread.
 */
const STREAMING = { chunkSize: 64 * 1024, writableHighWaterMark: 1024 * 1024 };

/** Until the stream drains, ends, fails or is destroyed. */
function settled(stream: Inflater, event: 'drain' | 'end'): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off(event, done).off('error', done).off('close', done);
      resolve();
    };
    stream.on(event, done).on('error', done).on('close', done);
  });
}

class Stage {
  private stream: Inflater | null = null;
  /** deflate: the first byte, held until a second tells zlib-wrapped from raw. */
  private head: Buffer = EMPTY;

  constructor(
    readonly coding: ContentCoding,
    private readonly next: DecodedSink,
    private readonly failed: (stage: Stage, error: Error) => void,
  ) {}

  async write(bytes: Buffer): Promise<void> {
    const input = this.head.length > 0 ? Buffer.concat([this.head, bytes]) : bytes;
    this.head = EMPTY;
    const stream = this.stream ?? this.open(input, false);
    if (!stream) {
      this.head = Buffer.from(input);
      return;
    }
    if (stream.destroyed) return;
    if (!stream.write(input)) await settled(stream, 'drain');
  }

  async end(): Promise<void> {
    const stream = this.stream ?? (this.head.length > 0 ? this.open(this.head, true) : null);
    if (!stream || stream.destroyed) return;
    if (this.head.length > 0 && stream === this.stream && !this.stream.writableEnded) stream.write(this.head);
    this.head = EMPTY;
    const ended = settled(stream, 'end');
    stream.end();
    await ended;
  }

  destroy(): void {
    this.stream?.destroy();
  }

  private open(head: Buffer, final: boolean): Inflater | null {
    let stream: Inflater;
    if (this.coding === 'gzip') stream = zlib.createGunzip(STREAMING);
    else if (this.coding === 'br') stream = zlib.createBrotliDecompress(STREAMING);
    else {
      if (head.length < 2 && !final) return null;
      stream = isZlibWrapped(head) ? zlib.createInflate(STREAMING) : zlib.createInflateRaw(STREAMING);
    }
    stream.on('data', (data: Buffer) => {
      const busy = this.next(data);
      if (busy) {
        stream.pause();
        void busy.then(() => stream.resume());
      }
    });
    stream.on('error', (error: Error) => this.failed(this, error));
    this.stream = stream;
    return stream;
  }
}

/** One body's decoder. Calls must not overlap: await each before the next. */
export class StreamDecoder {
  private readonly stages: Stage[];
  /** Bytes as sent written so far. */
  sent = 0;
  /** Decoded bytes given to the sink so far. */
  decoded = 0;
  failure: StreamDecodeFailure | null = null;
  /** The decoding stopped at `limit` decoded bytes. */
  limited = false;
  /** Ending a body that was cut short: the decoder's complaint that its stream ends early is expected. */
  private cut = false;

  /** @param codings as the header lists them (removed in reverse); @param limit the most decoded bytes given to the sink. */
  constructor(
    codings: readonly ContentCoding[],
    private readonly sink: DecodedSink,
    private readonly limit = Infinity,
  ) {
    const stages: Stage[] = [];
    let next: DecodedSink = (bytes) => this.deliver(bytes);
    for (const coding of codings) {
      const stage: Stage = new Stage(coding, next, (s, error) => this.fail(s, error));
      stages.unshift(stage);
      next = (bytes) => stage.write(bytes);
    }
    this.stages = stages;
  }

  /** Decoding stopped: it failed, or reached its limit. */
  get stopped(): boolean {
    return this.failure !== null || this.limited;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.stopped || bytes.length === 0) return;
    this.sent += bytes.length;
    await this.stages[0]!.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  /**
   * The body as sent ended. Each coding is finished, so what it holds comes out. `complete`:
   * the body arrived whole, so a compressed stream that ends early is a failure; a body cut
   * short (a missing last chunk, an RST) is decoded as far as it goes, quietly.
   */
  async end(complete: boolean): Promise<void> {
    this.cut = !complete;
    for (const stage of this.stages) {
      if (this.stopped) break;
      await stage.end();
    }
    this.destroy();
  }

  destroy(): void {
    for (const stage of this.stages) stage.destroy();
  }

  private deliver(bytes: Buffer): Promise<void> | void {
    if (this.limited) return;
    const room = this.limit - this.decoded;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.decoded += part.length;
    const busy = part.length > 0 ? this.sink(part) : undefined;
    if (bytes.length > room) {
      this.limited = true;
      this.destroy();
    }
    return busy;
  }

  private fail(stage: Stage, error: Error): void {
    if (!this.cut) this.failure ??= { coding: stage.coding, message: error.message, sentOffset: this.sent, decodedOffset: this.decoded };
    this.destroy();
  }
}
