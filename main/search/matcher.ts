// One query run over one stream of bytes that arrives in pieces (a header section, a
// body as sent, a body as decoded): matches are found whole across pieces, each with its
// offset and a little context either side, in bounded memory whatever the stream's size.
//
// The bytes are searched in windows: what was kept of the previous pieces, then the new
// piece. A match must start before the window's last `reach + CONTEXT` bytes, which are
// kept for the next window, so a match that runs past the piece's end, or whose context
// does, is found in the next window instead, whole; the stream's end searches the rest.

import type { SearchMatch } from '../../shared/search';
import type { CompiledQuery } from './query';

/** Bytes of context either side of a match. */
export const CONTEXT = 48;
/** The most of a long match given as text (its length is exact). */
export const MAX_MATCH_TEXT = 200;
/** The most bytes one regular expression runs over at once (the guard's unit: search-thread.ts). */
export const WINDOW = 256 * 1024;

const EMPTY = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8');

export interface Found {
  offset: number;
  length: number;
  context: SearchMatch['context'];
}

export class StreamMatcher {
  /** The last bytes before `position`: kept for matches and context across pieces. */
  private carry: Buffer = EMPTY;
  /** Offset of the next byte pushed. */
  private position = 0;
  /** Matches start at this offset or later (those before were found). */
  private searched = 0;
  private stopped = false;

  constructor(
    private readonly query: CompiledQuery,
    /** Told of each match, in order; false stops the search of this stream. */
    private readonly found: (match: Found) => boolean,
    /** Called before each window is searched (the search's heartbeat). */
    private readonly onWindow: () => void = () => undefined,
  ) {}

  /** Bytes pushed so far. */
  get length(): number {
    return this.position;
  }

  push(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length && !this.stopped; at += WINDOW) this.search(bytes.subarray(at, at + WINDOW), false);
  }

  /** The stream ended: the last bytes are searched too. */
  end(): void {
    if (!this.stopped) this.search(EMPTY, true);
    this.carry = EMPTY;
    this.stopped = true;
  }

  private search(piece: Uint8Array, final: boolean): void {
    const window = this.carry.length === 0 ? Buffer.from(piece.buffer, piece.byteOffset, piece.length) : Buffer.concat([this.carry, piece]);
    const windowStart = this.position - this.carry.length;
    this.position += piece.length;
    // Matches starting from `limit` on are left for the next window, where they are whole.
    const limit = final ? window.length : window.length - (this.query.reach + CONTEXT);
    const from = this.searched - windowStart;
    if (limit > from) {
      this.onWindow();
      const text = window.toString('latin1');
      const pattern = this.query.pattern;
      pattern.lastIndex = from;
      for (;;) {
        const m = pattern.exec(text);
        if (!m || m.index >= limit) break;
        const length = m[0].length;
        if (length === 0) {
          // An empty match finds nothing a person can see: move on one byte.
          pattern.lastIndex = m.index + 1;
          continue;
        }
        pattern.lastIndex = m.index + length;
        if (!this.found({ offset: windowStart + m.index, length, context: contextOf(window, m.index, length) })) {
          this.stopped = true;
          break;
        }
      }
      this.searched = windowStart + limit;
    }
    const keepFrom = Math.max(0, this.searched - CONTEXT - windowStart);
    // A copy: the window itself (up to WINDOW bytes) is let go.
    this.carry = keepFrom >= window.length ? EMPTY : Buffer.from(window.subarray(keepFrom));
  }
}

function contextOf(window: Buffer, at: number, length: number): Found['context'] {
  const end = at + length;
  return {
    before: shown(window.subarray(Math.max(0, at - CONTEXT), at), 'start'),
    match: shown(window.subarray(at, Math.min(end, at + MAX_MATCH_TEXT)), 'end'),
    after: shown(window.subarray(end, Math.min(window.length, end + CONTEXT)), 'end'),
  };
}

/**
 * Bytes as text a person reads on one line: UTF-8 (a character cut by the context's
 * edge left out), control characters as their pictures (␍ ␊ ␉).
 */
export function shown(bytes: Uint8Array, cut: 'start' | 'end'): string {
  let from = 0;
  let to = bytes.length;
  if (cut === 'start') while (from < Math.min(3, to) && (bytes[from]! & 0xc0) === 0x80) from++;
  else to = completeEnd(bytes);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return utf8.decode(bytes.subarray(from, to)).replace(/[\x00-\x1f\x7f]/g, (ch) => String.fromCharCode(ch === '\x7f' ? 0x2421 : 0x2400 + ch.charCodeAt(0)));
}

/** Where the last whole UTF-8 character of `bytes` ends. */
function completeEnd(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
