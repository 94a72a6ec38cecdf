// One body decoded (Content-Encoding removed) as far as a slice needs: the body as sent is
// fed to a streaming decoder from its first byte (a compressed stream cannot be entered in
// the middle), and the decoder is paused as soon as the slice's last byte came out, so
// memory holds the slice, not the body, and a compression bomb decodes only as far as
// asked. The next slice further on goes on from there; one before it starts again.

import type { ContentCoding } from '../../shared/stream';
import { StreamDecoder, type StreamDecodeFailure } from '../stream/decode-stream';
import type { SentBody } from './body-sent';

/** Bytes as sent given to the decoder at once. */
const PIECE = 256 * 1024;
/** The first decoded bytes are kept: they tell the charset and the image type. */
export const FIRST_BYTES = 1024;

export class DecodedBody {
  private decoder!: StreamDecoder;
  /** Decoded bytes out so far. */
  produced = 0;
  /** The decoder has given everything it will. */
  finished = false;
  first: Uint8Array = new Uint8Array(0);
  private fed = 0;
  private held: Buffer[] = [];
  private heldFrom = 0;
  private keepFrom = 0;
  private target = 0;
  private inFlight: Promise<void> | null = null;
  /** What a pass that went to the end found (a read before where this pass is starts again, and must not forget it). */
  private whole: { produced: number; failure: StreamDecodeFailure | null; limited: boolean } | null = null;
  /** Resumes the decoder paused by the sink. */
  private paused: (() => void) | null = null;
  /** Ends the current wait: the sink has what the read asked for. */
  private enough: (() => void) | null = null;

  constructor(
    private readonly sent: SentBody,
    private readonly codings: ContentCoding[],
    readonly limit: number,
    /** No more of the body as sent will come. */
    private readonly over: () => boolean,
  ) {
    this.restart();
  }

  get failure(): StreamDecodeFailure | null {
    return this.settled ? this.decoder.failure : (this.whole?.failure ?? null);
  }

  get limited(): boolean {
    return this.settled ? this.decoder.limited : (this.whole?.limited ?? false);
  }

  /** No more decoded bytes will come (at least until more of a live body arrives). */
  get settled(): boolean {
    return this.finished || this.decoder.stopped;
  }

  /** The decoded body's size as far as it is known: its whole size once a pass went to the end. */
  get size(): number {
    return this.settled ? this.produced : Math.max(this.produced, this.whole?.produced ?? 0);
  }

  /** The size is the body's whole size. */
  get sizeKnown(): boolean {
    return this.settled || this.whole !== null;
  }

  /** Decoded bytes [from, to), as far as they exist. */
  async read(from: number, to: number): Promise<Uint8Array> {
    if (from < this.heldFrom) this.restart();
    this.keepFrom = from;
    this.target = to;
    this.dropBefore(from);
    while (this.produced < to && !this.settled) {
      if (this.paused) {
        const resume = this.paused;
        this.paused = null;
        resume();
      }
      if (!this.inFlight && !(await this.next())) break;
      let wake!: () => void;
      const wait = new Promise<boolean>((resolve) => (wake = () => resolve(false)));
      this.enough = wake;
      const written = await Promise.race([this.inFlight!.then(() => true), wait]);
      this.enough = null;
      if (written) this.inFlight = null;
    }
    return this.heldBytes(from, Math.min(to, this.produced));
  }

  /** Give the decoder its next bytes, or its end; false when a live body has no more yet. */
  private async next(): Promise<boolean> {
    if (this.fed >= this.sent.length) await this.sent.reach(this.fed + PIECE);
    if (this.fed < this.sent.length) {
      const bytes = this.sent.bytes(this.fed, Math.min(this.sent.length, this.fed + PIECE));
      this.fed += bytes.length;
      this.inFlight = this.decoder.write(bytes);
      return true;
    }
    if (!this.over()) return false;
    this.inFlight = this.decoder.end(this.sent.complete).then(() => {
      this.finished = true;
    });
    return true;
  }

  private restart(): void {
    if (this.decoder && this.settled) this.whole = { produced: this.produced, failure: this.decoder.failure, limited: this.decoder.limited };
    this.decoder?.destroy();
    this.decoder = new StreamDecoder(this.codings, (bytes) => this.take(bytes), this.limit);
    this.produced = this.fed = this.heldFrom = 0;
    this.held = [];
    this.first = new Uint8Array(0);
    this.finished = false;
    this.inFlight = null;
    this.paused = null;
  }

  private take(bytes: Buffer): Promise<void> | void {
    const start = this.produced;
    this.produced += bytes.length;
    if (start < FIRST_BYTES) this.first = Buffer.concat([this.first, bytes.subarray(0, FIRST_BYTES - start)]);
    if (this.produced > this.keepFrom) {
      const from = Math.max(0, this.keepFrom - start);
      if (this.held.length === 0) this.heldFrom = start + from;
      this.held.push(Buffer.from(bytes.subarray(from)));
    } else {
      this.heldFrom = this.produced;
    }
    if (this.produced < this.target) return;
    // The read has its bytes: hold the decoder here until the next read.
    this.enough?.();
    return new Promise<void>((resolve) => (this.paused = resolve));
  }

  private dropBefore(from: number): void {
    const all = Buffer.concat(this.held);
    const skip = Math.max(0, Math.min(all.length, from - this.heldFrom));
    this.held = skip < all.length ? [all.subarray(skip)] : [];
    this.heldFrom += skip;
  }

  private heldBytes(from: number, to: number): Uint8Array {
    if (to <= from) return new Uint8Array(0);
    const all = Buffer.concat(this.held);
    return all.subarray(from - this.heldFrom, to - this.heldFrom);
  }
}
