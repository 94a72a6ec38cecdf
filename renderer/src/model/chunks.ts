// One chunk's bytes, as the Chunks tab shows them when it is picked: its size line (size
// token and line end), extensions, data and the CRLF after the data, split by the spans
// the engine marks in the raw bytes. Pure, so tested alone.

import type { MessageDetail, RawSpan } from '../../../shared/api';

/** Where chunk #index lies in its stream: from its size line to the next chunk's (or the last chunk, or the message's end). */
export function chunkRange(message: MessageDetail, index: number): { from: number; to: number } | null {
  const c = message.chunkColumns;
  if (!c || index < 0 || index >= c.offsets.length) return null;
  const from = c.offsets[index]!;
  const next = c.offsets[index + 1] ?? message.lastChunk?.offset ?? message.end;
  return { from, to: Math.max(from, next) };
}

export interface ChunkPart {
  offset: number;
  bytes: Uint8Array;
}

export interface ChunkParts {
  /** The size token and the line's end (CRLF, or a bare LF), without the extensions. */
  sizeToken: ChunkPart | null;
  extensions: ChunkPart | null;
  lineEnd: ChunkPart | null;
  data: ChunkPart | null;
  crlf: ChunkPart | null;
  /** Bytes in the range that are none of these (a malformed chunk's raw bytes). */
  other: ChunkPart | null;
}

/**
 * Split the bytes of one chunk (read from `offset`) into its parts. `tail`, when the chunk
 * is longer than what was read at its start, holds its last bytes (where the CRLF is).
 */
export function chunkParts(head: { offset: number; bytes: Uint8Array; spans: readonly RawSpan[] }, tail: { offset: number; bytes: Uint8Array; spans: readonly RawSpan[] } | null = null): ChunkParts {
  const parts: ChunkParts = { sizeToken: null, extensions: null, lineEnd: null, data: null, crlf: null, other: null };
  const add = (key: keyof ChunkParts, offset: number, bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    const held = parts[key];
    if (!held) parts[key] = { offset, bytes };
    else if (held.offset + held.bytes.length === offset) {
      const joined = new Uint8Array(held.bytes.length + bytes.length);
      joined.set(held.bytes);
      joined.set(bytes, held.bytes.length);
      parts[key] = { offset: held.offset, bytes: joined };
    }
  };
  for (const piece of tail ? [head, tail] : [head]) {
    const end = piece.offset + piece.bytes.length;
    for (const span of piece.spans) {
      const a = Math.max(piece.offset, span.offset);
      const b = Math.min(end, span.offset + span.length);
      if (a >= b) continue;
      const bytes = piece.bytes.subarray(a - piece.offset, b - piece.offset);
      switch (span.kind) {
        case 'size-line':
          // The token comes first; what follows the extensions is the line's end.
          add(parts.extensions || parts.lineEnd || (parts.sizeToken && a > parts.sizeToken.offset + parts.sizeToken.bytes.length) ? 'lineEnd' : 'sizeToken', a, bytes);
          break;
        case 'extension':
          add('extensions', a, bytes);
          break;
        case 'data':
          add('data', a, bytes);
          break;
        case 'crlf':
          add('crlf', a, bytes);
          break;
        default:
          add('other', a, bytes);
      }
    }
  }
  // A size line without extensions is one span: its token, then its CR LF.
  if (parts.sizeToken && !parts.lineEnd) {
    const b = parts.sizeToken.bytes;
    let cut = b.length;
    while (cut > 0 && (b[cut - 1] === 0x0a || b[cut - 1] === 0x0d)) cut--;
    if (cut < b.length) {
      parts.lineEnd = { offset: parts.sizeToken.offset + cut, bytes: b.subarray(cut) };
      parts.sizeToken = { offset: parts.sizeToken.offset, bytes: b.subarray(0, cut) };
    }
  }
  return parts;
}
