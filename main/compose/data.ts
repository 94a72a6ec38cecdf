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

const ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\0': '\\0', '"': '\\"', '\\': '\\\\' };

/** A quoted string for bytes: printable ASCII as it is, the rest escaped (\r \n \t \0 \xHH). */
export function quote(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const code = c.charCodeAt(0);
    if (ESCAPES[c]) out += ESCAPES[c];
    else if (code < 0x20 || code > 0x7e) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** Data as the text form writes it: `"hello"`, `"x" * 1500`, pieces side by side. */
export function formatData(data: readonly DataPiece[]): string {
  if (data.length === 0) return '""';
  return data.map((p) => ('bytes' in p ? quote(p.bytes) : `${quote(p.repeat)} * ${p.times}`)).join(' ');
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
  let bytes = '';
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { bytes, end: i + 1 };
    if (c !== '\\') {
      bytes += c;
      continue;
    }
    const next = line[i + 1];
    const simple: Record<string, string> = { r: '\r', n: '\n', t: '\t', '0': '\0', '"': '"', '\\': '\\' };
    if (next !== undefined && simple[next] !== undefined) {
      bytes += simple[next];
      i++;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
      bytes += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      throw new LiteralError(`"\\${next ?? ''}" is not an escape a quoted string knows: use \\r, \\n, \\t, \\0, \\", \\\\ or \\xHH (two hex digits)`, i);
    }
  }
  throw new LiteralError('this quoted string has no closing quote (")', start);
}
