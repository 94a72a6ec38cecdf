// The element that straddles feeds (a line, a CRLF, a lone CR between messages): held as
// the copies of its pieces until the rest arrives, then handed over joined. The parser's
// per-byte loop never sees a partial line; it sees this buffer's length and start.

import * as bytesModule from './bytes';

const { concatBytes } = bytesModule;

export class LineBuffer {
  private pieces: Uint8Array[] = [];
  /** Bytes held. */
  length = 0;
  /** Absolute offset of the first byte held. */
  start = 0;

  /** Hold bytes[from..to), whose first byte is at absolute offset `at`. */
  hold(bytes: Uint8Array, from: number, to: number, at: number): void {
    if (this.length === 0) this.start = at;
    // Copy: the caller may reuse its buffer after feed() returns.
    this.pieces.push(bytes.slice(from, to));
    this.length += to - from;
  }

  /** Everything held, joined, and where it started; the buffer is then empty. */
  take(): { bytes: Uint8Array; start: number } {
    const taken = { bytes: concatBytes(this.pieces, this.length), start: this.start };
    this.clear();
    return taken;
  }

  clear(): void {
    this.pieces = [];
    this.length = 0;
  }
}
