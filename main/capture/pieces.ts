// The bytes of a file as they come in pieces, read from a cursor: enough of them made
// contiguous when a record needs it, and no more, so memory stays bounded by the largest
// record rather than the file, and a record spanning many pieces is joined once.

const EMPTY = Buffer.alloc(0);

export class PieceReader {
  private readonly source: Iterator<Uint8Array>;
  private buffer: Buffer = EMPTY;
  /** Cursor in `buffer`. */
  private at = 0;
  /** File offset of buffer[0]. */
  private base = 0;
  /** Pieces read past `buffer`, not yet joined to it. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private done = false;

  constructor(pieces: Iterable<Uint8Array>) {
    this.source = pieces[Symbol.iterator]();
  }

  /** File offset of the cursor. */
  get offset(): number {
    return this.base + this.at;
  }

  /** Bytes read from the file past the cursor. */
  available(): number {
    return this.buffer.length - this.at + this.pendingLength;
  }

  /** File offset of the end of what was read (the end of the file once ensure() returned false). */
  end(): number {
    return this.base + this.buffer.length + this.pendingLength;
  }

  /** Make `n` bytes from the cursor contiguous; false when the file ends first. */
  ensure(n: number): boolean {
    if (this.buffer.length - this.at >= n) return true;
    while (this.available() < n && !this.done) {
      const step = this.source.next();
      if (step.done) this.done = true;
      else if (step.value.length > 0) {
        this.pending.push(Buffer.from(step.value.buffer, step.value.byteOffset, step.value.length));
        this.pendingLength += step.value.length;
      }
    }
    if (this.buffer.length - this.at < n && this.pendingLength > 0) {
      const rest = this.buffer.subarray(this.at);
      this.buffer = rest.length === 0 && this.pending.length === 1 ? this.pending[0]! : Buffer.concat([rest, ...this.pending]);
      this.base += this.at;
      this.at = 0;
      this.pending = [];
      this.pendingLength = 0;
    }
    return this.buffer.length - this.at >= n;
  }

  /** The byte `at` past the cursor (made contiguous by ensure()). */
  u8(at: number): number {
    return this.buffer[this.at + at]!;
  }

  /** The little-endian uint32 `at` past the cursor (made contiguous by ensure()). */
  u32(at: number): number {
    return this.buffer.readUInt32LE(this.at + at);
  }

  /** Bytes [from, to) past the cursor, without moving (made contiguous by ensure()). */
  slice(from: number, to: number): Buffer {
    return this.buffer.subarray(this.at + from, this.at + to);
  }

  /** The next `n` bytes (at most what ensure() made contiguous), without moving. */
  peek(n: number): Buffer {
    return this.buffer.subarray(this.at, this.at + n);
  }

  /** Move the cursor `n` bytes on (within what was read). */
  skip(n: number): void {
    const inBuffer = this.buffer.length - this.at;
    if (n <= inBuffer) {
      this.at += n;
      return;
    }
    this.ensure(n);
    this.at += Math.min(n, this.buffer.length - this.at);
  }

  skipTo(offset: number): void {
    this.skip(offset - this.offset);
  }
}
