// Text decoding that knows, for every UTF-16 code unit it produces, the byte it
// came from. saxes and JSON.parse report positions in code units, the view needs
// byte offsets, and re-encoding the text to count bytes would be wrong wherever the
// body held invalid UTF-8 (one U+FFFD stands for 1 to 3 bytes). So the UTF-8
// decoder is the WHATWG Encoding Standard's (the one TextDecoder implements),
// written out so each code unit's first byte is recorded as it is produced.

import { Buffer, isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

export interface DecodedText {
  text: string;
  /**
   * For each code unit of text, the offset of its character's first byte relative
   * to the bytes passed to this call (negative when the character began in an
   * earlier call's bytes). Null means the identity: unit i came from byte i.
   */
  starts: Int32Array | null;
}

/** An incremental decoder: bytes in, text out, a character split across calls kept for the next. */
export interface TextCodec {
  readonly encoding: string;
  decode(bytes: Uint8Array, final: boolean): DecodedText;
}

const REPLACEMENT = 0xfffd;

export class Utf8Codec implements TextCodec {
  readonly encoding = 'utf-8';
  private needed = 0;
  private seen = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private codePoint = 0;
  /** First byte of the sequence being decoded, relative to the current call's bytes. */
  private sequenceStart = 0;

  decode(bytes: Uint8Array, final: boolean): DecodedText {
    const n = bytes.length;
    if (this.needed === 0 && isAscii(bytes)) return { text: latin1(bytes), starts: null };
    // A call yields at most one unit per byte, plus one for a 4-byte sequence begun
    // earlier, plus one U+FFFD for a sequence cut by the end.
    const units = new Uint16Array(n + 2);
    const starts = new Int32Array(n + 2);
    let k = 0;
    let i = 0;
    while (i < n) {
      const b = bytes[i]!;
      if (this.needed === 0) {
        if (b < 0x80) {
          units[k] = b;
          starts[k++] = i;
        } else {
          this.sequenceStart = i;
          if (b >= 0xc2 && b <= 0xdf) {
            this.needed = 1;
            this.codePoint = b & 0x1f;
          } else if (b >= 0xe0 && b <= 0xef) {
            if (b === 0xe0) this.lower = 0xa0;
            if (b === 0xed) this.upper = 0x9f;
            this.needed = 2;
            this.codePoint = b & 0x0f;
          } else if (b >= 0xf0 && b <= 0xf4) {
            if (b === 0xf0) this.lower = 0x90;
            if (b === 0xf4) this.upper = 0x8f;
            this.needed = 3;
            this.codePoint = b & 0x07;
          } else {
            units[k] = REPLACEMENT;
            starts[k++] = i;
          }
        }
        i++;
        continue;
      }
      if (b < this.lower || b > this.upper) {
        // The sequence so far becomes one U+FFFD, and this byte is looked at afresh.
        units[k] = REPLACEMENT;
        starts[k++] = this.sequenceStart;
        this.reset();
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.codePoint = (this.codePoint << 6) | (b & 0x3f);
      this.seen++;
      i++;
      if (this.seen !== this.needed) continue;
      const cp = this.codePoint;
      const start = this.sequenceStart;
      this.reset();
      if (cp < 0x10000) {
        units[k] = cp;
        starts[k++] = start;
      } else {
        units[k] = 0xd800 + ((cp - 0x10000) >> 10);
        starts[k++] = start;
        units[k] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        starts[k++] = start;
      }
    }
    if (this.needed !== 0) {
      if (final) {
        units[k] = REPLACEMENT;
        starts[k++] = this.sequenceStart;
        this.reset();
      } else {
        this.sequenceStart -= n;
      }
    }
    return { text: fromUnits(units, k), starts: starts.subarray(0, k) };
  }

  private reset(): void {
    this.needed = 0;
    this.seen = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.codePoint = 0;
  }
}

/** ISO-8859-x, windows-125x and the like: one byte, one code unit, so the offsets are the identity. */
class SingleByteCodec implements TextCodec {
  constructor(private readonly decoder: TextDecoder) {}

  get encoding(): string {
    return this.decoder.encoding;
  }

  decode(bytes: Uint8Array): DecodedText {
    return { text: this.decoder.decode(bytes), starts: null };
  }
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * The codec for a charset label: UTF-8 unless the label names a single-byte
 * encoding. Multi-byte encodings other than UTF-8 (UTF-16, Shift_JIS...) are not
 * supported and fall back to UTF-8, whose replacement characters keep offsets right.
 */
export function codecFor(label: string | null): TextCodec {
  if (label) {
    try {
      const decoder = new TextDecoder(label.trim());
      // Single-byte exactly when all 256 bytes decode to 256 code units.
      if (decoder.encoding !== 'utf-8' && !decoder.encoding.startsWith('utf-16') && decoder.decode(ALL_BYTES).length === 256) {
        return new SingleByteCodec(new TextDecoder(label.trim()));
      }
    } catch {
      // An unknown label: UTF-8, as browsers do.
    }
  }
  return new Utf8Codec();
}

/** Decode a whole line at once (the line parsers need no streaming: they split on bytes first). */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  return new Utf8Codec().decode(bytes, true);
}

/** Offset of code unit `unit` relative to the decoded bytes (their length when unit is the end). */
export function byteOfUnit(decoded: DecodedText, unit: number, byteLength: number): number {
  if (unit >= decoded.text.length) return byteLength;
  return decoded.starts === null ? unit : decoded.starts[unit]!;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function fromUnits(units: Uint16Array, length: number): string {
  let text = '';
  for (let at = 0; at < length; at += 8192) {
    text += String.fromCharCode.apply(null, units.subarray(at, Math.min(length, at + 8192)) as unknown as number[]);
  }
  return text;
}
