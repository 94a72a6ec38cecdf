// Bytes in a plan: latin1 strings (one character per byte) and repeats, turned into
// Buffers to send, and written for people as quoted strings: "hello\r\n" "x" * 1500.

import type { DataPiece } from '../../shared/plan';

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** Text as a person typed it (UTF-16 in JavaScript) as the bytes it is sent as: UTF-8. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function materialize(data: readonly DataPiece[]): Buffer {
  const parts: Buffer[] = [];
  for (const piece of data) {
    if ('bytes' in piece) parts.push(Buffer.from(piece.bytes, 'latin1'));
    else if (piece.times > 0 && piece.repeat.length > 0) parts.push(Buffer.alloc(piece.repeat.length * piece.times, piece.repeat, 'latin1'));
  }
  return Buffer.concat(parts);
}

/** A run of data as one piece: a single byte repeated at length becomes a repeat, so a plan stays short. */
export function dataPieces(bytes: string): DataPiece[] {
  if (bytes.length === 0) return [];
  if (bytes.length >= 16 && bytes === bytes[0]!.repeat(bytes.length)) return [{ repeat: bytes[0]!, times: bytes.length }];
  return [{ bytes }];
}

/** The same bytes, whatever the pieces: "ab" "c" equals "abc". */
export function sameData(a: readonly DataPiece[], b: readonly DataPiece[]): boolean {
  return materialize(a).equals(materialize(b));
}

/** How each byte is written inside a quoted string: itself, or its escape. */
const WRITTEN: string[] = Array.from({ length: 256 }, (_, code) => {
  const named: Record<number, string> = { 0x0d: '\\r', 0x0a: '\\n', 0x09: '\\t', 0x00: '\\0', 0x22: '\\"', 0x5c: '\\\\' };
  if (named[code]) return named[code]!;
  return code < 0x20 || code > 0x7e ? `\\x${code.toString(16).padStart(2, '0')}` : String.fromCharCode(code);
});

/** A quoted string for bytes: printable ASCII as it is, the rest escaped (\r \n \t \0 \xHH). In one buffer: megabytes stay fast. */
export function quote(bytes: string): string {
  const out = Buffer.allocUnsafe(bytes.length * 4 + 2);
  let at = 0;
  out[at++] = 0x22;
  for (let i = 0; i < bytes.length; i++) {
    const written = WRITTEN[bytes.charCodeAt(i) & 0xff]!;
    for (let j = 0; j < written.length; j++) out[at++] = written.charCodeAt(j);
  }
  out[at++] = 0x22;
  return out.toString('latin1', 0, at);
}

/** Data as the text form writes it: `"hello"`, `"x" * 1500`, pieces side by side. */
export function formatData(data: readonly DataPiece[]): string {
  // A piece of no byte says nothing: left out, so the text reads back as it was written.
  const pieces = data.filter((p) => ('bytes' in p ? p.bytes.length > 0 : p.times > 0 && p.repeat.length > 0));
  if (pieces.length === 0) return '""';
  return pieces.map((p) => ('bytes' in p ? quote(p.bytes) : `${quote(p.repeat)} * ${p.times}`)).join(' ');
}

/** Bytes whose every byte is printable ASCII (and no `"` or `\`): they can stand unquoted. */
export function isPlainText(bytes: string): boolean {
  return /^[\x21\x23-\x5b\x5d-\x7e]*$/.test(bytes);
}

/** A mistake in a quoted string, at a column of its line. */
export class LiteralError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Read the quoted string that starts at `start` (its `"`) in `line`: its bytes and the
 * column after the closing quote. The line is bytes already (latin1), so anything that is
 * not an escape is sent as it stands in the file.
 */
export function readQuoted(line: string, start: number): { bytes: string; end: number } {
  // Into one buffer, code by code (no slices, no regular expressions): a quoted megabyte is read in milliseconds.
  const out = Buffer.allocUnsafe(line.length - start);
  let at = 0;
  for (let i = start + 1; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 0x22) return { bytes: out.toString('latin1', 0, at), end: i + 1 };
    if (code !== 0x5c) {
      out[at++] = code;
      continue;
    }
    const escaped = ESCAPED[line.charCodeAt(i + 1)];
    if (escaped !== undefined) {
      out[at++] = escaped;
      i++;
      continue;
    }
    const high = hexDigit(line.charCodeAt(i + 2));
    const low = hexDigit(line.charCodeAt(i + 3));
    if (line.charCodeAt(i + 1) === 0x78 && high >= 0 && low >= 0) {
      out[at++] = high * 16 + low;
      i += 3;
      continue;
    }
    throw new LiteralError(`"\\${line[i + 1] ?? ''}" is not an escape a quoted string knows: use \\r, \\n, \\t, \\0, \\", \\\\ or \\xHH (two hex digits)`, i);
  }
  throw new LiteralError('this quoted string has no closing quote (")', start);
}

/** The byte each one-letter escape stands for, by the letter's code: r n t 0 " \\. */
const ESCAPED: Record<number, number> = { 0x72: 0x0d, 0x6e: 0x0a, 0x74: 0x09, 0x30: 0x00, 0x22: 0x22, 0x5c: 0x5c };

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}
