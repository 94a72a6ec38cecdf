// UTF-8 validation across pieces (RFC 3629, as RFC 6455 §8.1 requires of text): a text
// message may be cut anywhere by fragmentation and by reads, so a sequence can start in
// one piece and end in the next. Whole runs are checked by Node's native isUtf8; only a
// sequence that straddles pieces, or a run that fails (to find the byte), is walked here.

import { isUtf8 } from 'node:buffer';

/** Bytes a sequence has after its lead byte, or -1 for a byte that cannot lead one. */
function tailLength(lead: number): number {
  if (lead < 0x80) return 0;
  if (lead >= 0xc2 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf4) return 3;
  return -1;
}

/** The range the second byte of a sequence must lie in: no overlong forms, no surrogates, nothing above U+10FFFF. */
function secondRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** Native checks only pay off past this many bytes. */
const NATIVE_FROM = 32;

export class Utf8Validator {
  /** Bytes still expected in the current sequence. */
  private needed = 0;
  /** Bytes of the current sequence seen after its lead. */
  private seen = 0;
  private lead = 0;
  /** Where the current sequence's lead byte was (as the caller counts). */
  private leadAt = -1;
  /** Set once a byte was invalid: where. */
  failedAt = -1;

  /** Ready for another text, as if new. */
  reset(): this {
    this.needed = this.seen = this.lead = 0;
    this.leadAt = this.failedAt = -1;
    return this;
  }

  /**
   * Check bytes[from..to); `at` is where bytes[from] lies (an offset of the caller's).
   * Returns false once the text is invalid (see failedAt).
   */
  push(bytes: Uint8Array, from: number, to: number, at: number): boolean {
    if (this.failedAt >= 0) return false;
    let i = from;
    while (i < to && this.needed > 0) {
      if (!this.step(bytes[i]!, at + (i - from))) return false;
      i++;
    }
    if (to - i >= NATIVE_FROM) {
      // The run up to the start of a sequence the piece cuts short, checked natively.
      let cut = to;
      for (let back = 1; back <= 3 && to - back >= i; back++) {
        const b = bytes[to - back]!;
        if ((b & 0xc0) !== 0x80) {
          if (tailLength(b) >= back) cut = to - back;
          break;
        }
      }
      if (isUtf8(bytes.subarray(i, cut))) i = cut;
    }
    for (; i < to; i++) if (!this.step(bytes[i]!, at + (i - from))) return false;
    return true;
  }

  /** The text ended: a sequence still open is invalid. Returns false when the text was not valid UTF-8. */
  finish(): boolean {
    if (this.failedAt < 0 && this.needed > 0) this.failedAt = this.leadAt;
    return this.failedAt < 0;
  }

  private step(b: number, at: number): boolean {
    if (this.needed === 0) {
      const tail = tailLength(b);
      if (tail < 0) return this.fail(at);
      if (tail > 0) {
        this.needed = tail;
        this.seen = 0;
        this.lead = b;
        this.leadAt = at;
      }
      return true;
    }
    const [low, high] = this.seen === 0 ? secondRange(this.lead) : [0x80, 0xbf];
    if (b < low || b > high) return this.fail(at);
    this.seen++;
    this.needed--;
    return true;
  }

  private fail(at: number): false {
    this.failedAt = at;
    return false;
  }
}

/** Whether a whole text is valid UTF-8, and where it first is not (-1 when it is). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  const v = new Utf8Validator();
  v.push(bytes, 0, bytes.length, 0);
  v.finish();
  return v.failedAt;
}
