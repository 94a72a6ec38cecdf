// One message's body searched as its pieces arrive: as sent (chunk framing removed,
// Content-Encoding kept) and, when it has a Content-Encoding Chunkscope removes, decoded,
// through a decoder that streams with backpressure and stops at a bound.

import { byteCount, groupDigits } from '../../shared/words';
import { parseContentEncoding } from '../stream';
import { StreamDecoder } from '../stream/decode-stream';
import { placeName, record, type SearchContext, type SearchPlace } from './context';
import { CONTEXT, StreamMatcher } from './matcher';

/** Pieces are gathered up to this size before they are searched: a million 1-byte chunks are not a million searches. */
const GATHER = 64 * 1024;

export class BodySearch {
  private readonly sent: StreamMatcher | null = null;
  private decoded: StreamMatcher | null = null;
  private decoder: StreamDecoder | null = null;
  /** Recent pieces as sent: body offset → stream offset, for the matches' streamOffset. */
  private starts: number[] = [];
  private streamStarts: number[] = [];
  private first = 0;
  /** Small pieces copied together (a view of the reader's buffer would hold all of its 1 MiB). */
  private gathered: Buffer | null = null;
  private gatheredBytes = 0;
  /** A whole GATHER went out already: the next buffer is made that size at once. */
  private full = false;
  private bodyBytes = 0;
  /** Bytes given to the matchers so far. */
  private searchedBytes = 0;
  private ended = false;

  constructor(
    private readonly context: SearchContext,
    private readonly place: Omit<SearchPlace, 'form'>,
    contentEncoding: string | null,
  ) {
    const { forms } = context;
    const encoding = parseContentEncoding(contentEncoding);
    const coded = encoding.codings.length > 0 || encoding.unsupported !== null;
    // A body with no Content-Encoding has one form: searched once, as sent.
    if (forms.has('sent') || !coded) {
      const at: SearchPlace = { ...place, form: 'sent' };
      this.sent = new StreamMatcher(context.query, (found) => record(context, at, found, this.streamOffsetOf(found.offset)), () => context.at(at));
    }
    if (!coded || !forms.has('decoded')) return;
    if (encoding.unsupported !== null) {
      context.results.note(`${placeName(place)} has Content-Encoding ${encoding.unsupported}, which Chunkscope does not remove: searched as sent only`);
      return;
    }
    const at: SearchPlace = { ...place, form: 'decoded' };
    const decoded = new StreamMatcher(context.query, (found) => record(context, at, found, null), () => context.at(at));
    this.decoded = decoded;
    this.decoder = new StreamDecoder(encoding.codings, (bytes) => decoded.push(bytes), context.maxDecoded);
  }

  /** The next bytes of the body as sent, at `streamOffset` in its direction's stream. */
  push(piece: Uint8Array, streamOffset: number): Promise<void> | undefined {
    if (piece.length === 0 || this.ended) return;
    this.starts.push(this.bodyBytes);
    this.streamStarts.push(streamOffset);
    this.bodyBytes += piece.length;
    if (this.gatheredBytes + piece.length <= GATHER) {
      // Grown to need, up to GATHER: a capture cut while thousands of bodies were open holds a little for each.
      if (!this.gathered || this.gathered.length < this.gatheredBytes + piece.length) {
        const size = this.full ? GATHER : Math.min(GATHER, Math.max(4096, 2 * (this.gatheredBytes + piece.length)));
        const grown = Buffer.allocUnsafe(size);
        if (this.gathered) this.gathered.copy(grown, 0, 0, this.gatheredBytes);
        this.gathered = grown;
      }
      this.gathered.set(piece, this.gatheredBytes);
      this.gatheredBytes += piece.length;
      return this.gatheredBytes === GATHER ? this.flush() : undefined;
    }
    // Too big to gather: what was gathered goes first, then the piece as it is.
    return this.flush().then(() => this.search(piece));
  }

  /** The body ended; `complete` when it arrived whole (a cut compressed stream is then a failure). */
  async end(complete: boolean): Promise<void> {
    if (this.ended) return;
    await this.flush();
    this.ended = true;
    this.sent?.end();
    if (this.decoder) {
      await this.decoder.end(complete);
      this.decoded!.end();
      const { failure, limited } = this.decoder;
      if (failure) {
        this.context.results.note(
          `${placeName(this.place)} could not be decoded: ${failure.coding} failed within its first ${byteCount(failure.sentOffset)} as sent (${failure.message}); its decoded form was searched up to decoded byte ${groupDigits(failure.decodedOffset)}`,
        );
      } else if (limited) {
        this.context.results.note(`${placeName(this.place)} decodes to more than ${byteCount(this.context.maxDecoded)}: its decoded form was searched up to there`);
      }
    }
  }

  /**
   * Search what was gathered, and let the buffer go with it: zlib queues what it has not
   * inflated yet (up to 1 MiB) and reads it later, after the next pieces are gathered.
   */
  private async flush(): Promise<void> {
    if (this.gatheredBytes === 0) return;
    const bytes = this.gathered!.subarray(0, this.gatheredBytes);
    this.gathered = null;
    this.gatheredBytes = 0;
    this.full = true;
    await this.search(bytes);
  }

  private async search(bytes: Uint8Array): Promise<void> {
    this.sent?.push(bytes);
    this.searchedBytes += bytes.length;
    this.forget();
    if (this.decoder && !this.decoder.stopped) await this.decoder.write(bytes);
  }

  /** Forget pieces no match can start in any more: before the matcher's window. */
  private forget(): void {
    const keepFrom = this.searchedBytes - (this.context.query.reach + 2 * CONTEXT);
    while (this.first + 1 < this.starts.length && this.starts[this.first + 1]! <= keepFrom) this.first++;
    if (this.first > 1024) {
      this.starts = this.starts.slice(this.first);
      this.streamStarts = this.streamStarts.slice(this.first);
      this.first = 0;
    }
  }

  private streamOffsetOf(offset: number): number | null {
    let lo = this.first;
    let hi = this.starts.length - 1;
    if (hi < lo || offset < this.starts[lo]!) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.streamStarts[lo]! + (offset - this.starts[lo]!);
  }
}
