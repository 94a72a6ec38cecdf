// Cutting bytes into lines for the line-based parsers (event stream, JSON lines,
// text). Lines are cut on bytes, before decoding: CR and LF never occur inside a
// UTF-8 sequence, so a character split across pieces is simply part of the line's
// bytes, and each line is decoded once, whole.

const LF = 0x0a;
const CR = 0x0d;

export interface Line {
  /** The line's bytes without its line ending. */
  bytes: Uint8Array;
  /** Offset of the line's first byte, of its line ending, and one past the ending. */
  start: number;
  contentEnd: number;
  end: number;
  /** False for the last line of a body that ended without a line ending. */
  terminated: boolean;
}

export class LineSplitter {
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  private lineStart = 0;
  private offset = 0;
  /**
   * Event-stream mode: a CR ended the line just before `offset`, and whether an LF
   * follows (making it one CRLF ending) is known only from the next byte.
   */
  private pendingCr: { bytes: Uint8Array; start: number; contentEnd: number } | null = null;

  /**
   * @param bareCr whether a CR alone ends a line (text/event-stream). Otherwise
   * only LF does, and a CR just before it is part of the ending (CRLF).
   */
  constructor(private readonly bareCr: boolean) {}

  /** Bytes read so far. */
  get position(): number {
    return this.offset;
  }

  push(bytes: Uint8Array, out: Line[]): void {
    let i = 0;
    if (this.pendingCr && bytes.length > 0) {
      const cr = this.pendingCr;
      this.pendingCr = null;
      const lf = bytes[0] === LF ? 1 : 0;
      out.push({ bytes: cr.bytes, start: cr.start, contentEnd: cr.contentEnd, end: this.offset + lf, terminated: true });
      i = lf;
      this.lineStart = this.offset + lf;
    }
    const base = this.offset;
    this.offset += bytes.length;
    while (i < bytes.length) {
      const at = this.bareCr ? nextEnding(bytes, i) : bytes.indexOf(LF, i);
      if (at < 0) break;
      const content = this.take(bytes, i, at);
      if (bytes[at] === CR) {
        if (at + 1 === bytes.length) {
          this.pendingCr = { bytes: content.slice(), start: this.lineStart, contentEnd: base + at };
          return;
        }
        const lf = bytes[at + 1] === LF ? 1 : 0;
        out.push({ bytes: content, start: this.lineStart, contentEnd: base + at, end: base + at + 1 + lf, terminated: true });
        i = at + 1 + lf;
      } else {
        // LF: in LF mode a CR before it belongs to the ending.
        const crlf = !this.bareCr && content.length > 0 && content[content.length - 1] === CR;
        const body = crlf ? content.subarray(0, content.length - 1) : content;
        out.push({ bytes: body, start: this.lineStart, contentEnd: base + at - (crlf ? 1 : 0), end: base + at + 1, terminated: true });
        i = at + 1;
      }
      this.lineStart = base + i;
    }
    if (i < bytes.length) {
      // Copied: the caller may reuse its buffer once push returns.
      const rest = bytes.slice(i);
      this.parts.push(rest);
      this.partsLength += rest.length;
    }
  }

  /** The body ended: the line still open (terminated when only its LF was awaited), if any. */
  finish(): Line | null {
    if (this.pendingCr) {
      const cr = this.pendingCr;
      this.pendingCr = null;
      return { bytes: cr.bytes, start: cr.start, contentEnd: cr.contentEnd, end: this.offset, terminated: true };
    }
    if (this.partsLength === 0) return null;
    const bytes = this.take(new Uint8Array(0), 0, 0);
    return { bytes, start: this.lineStart, contentEnd: this.offset, end: this.offset, terminated: false };
  }

  /** The open line's bytes so far plus bytes[from, to), and start a new line. */
  private take(bytes: Uint8Array, from: number, to: number): Uint8Array {
    if (this.partsLength === 0) return bytes.subarray(from, to);
    const joined = new Uint8Array(this.partsLength + to - from);
    let at = 0;
    for (const part of this.parts) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(bytes.subarray(from, to), at);
    this.parts = [];
    this.partsLength = 0;
    return joined;
  }
}

/** The first line of a body without a UTF-8 BOM (not part of the text: RFC 8259 §8.1, HTML's event stream). */
export function withoutBom(line: Line): Line {
  const b = line.bytes;
  if (b.length < 3 || b[0] !== 0xef || b[1] !== 0xbb || b[2] !== 0xbf) return line;
  return { ...line, bytes: b.subarray(3), start: line.start + 3 };
}

function nextEnding(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF || b === CR) return i;
  }
  return -1;
}
