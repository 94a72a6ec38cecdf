// Byte classes and helpers shared by the line readers. Everything works on
// Uint8Array so the parser stays free of Node APIs.

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const EQUALS = 0x3d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~" DIGIT ALPHA. */
export const TCHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const isAlnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  TCHAR[c] = isAlnum || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)) ? 1 : 0;
}

/** Hex digit value plus one (0 means "not a hex digit"), so the table doubles as a test. */
export const HEX_PLUS_ONE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if (c >= 0x30 && c <= 0x39) HEX_PLUS_ONE[c] = c - 0x30 + 1;
  else if (c >= 0x41 && c <= 0x46) HEX_PLUS_ONE[c] = c - 0x41 + 11;
  else if (c >= 0x61 && c <= 0x66) HEX_PLUS_ONE[c] = c - 0x61 + 11;
}

/** Control octets other than HTAB, CR and LF (those have their own handling). */
export function isOtherCtl(c: number): boolean {
  return c < 0x20 ? c !== HTAB && c !== CR && c !== LF : c === 0x7f;
}

export function isWs(c: number): boolean {
  return c === SP || c === HTAB;
}

/** Decode bytes one char per byte (latin1), so every byte survives as sent. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 0) return '';
  if (length === 1) return String.fromCharCode(bytes[start]!);
  // Node's Buffer decodes natively; a view per call (below) was the parser's top cost.
  const buffer = bytes as Uint8Array & { latin1Slice?: (from: number, to: number) => string };
  if (typeof buffer.latin1Slice === 'function') return buffer.latin1Slice(start, end);
  let text = '';
  // fromCharCode.apply has an argument-count limit; go in slices.
  for (let at = start; at < end; at += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(end, at + 4096)) as unknown as number[]);
  }
  return text;
}

export function asciiLower(text: string): string {
  return text.toLowerCase();
}

/** Digits grouped by three (one implementation, in shared/words.ts). */
export { groupDigits } from '../../shared/words';

/** Concatenate pieces (used only for elements that straddled two feeds). */
export function concatBytes(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const joined = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/** A printable rendering of one byte for sentences: 'x', "CR", "0x01". */
export function describeByte(c: number): string {
  if (c === CR) return 'CR';
  if (c === LF) return 'LF';
  if (c === SP) return 'a space';
  if (c === HTAB) return 'a tab';
  if (c > 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0').toUpperCase()}`;
}
