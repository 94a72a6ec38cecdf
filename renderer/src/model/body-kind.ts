// What a body is, for the Body tab: its kind (from the Content-Type, else its first
// bytes), the viewers that can show it, its charset for the text viewer, and what the
// viewer says it shows (as sent or decoded, what was removed). Pure (body-kind.test.ts).

import { imageType, type BodySlice, type Charset } from '../../../shared/body';
import { parseMediaType } from '../../../shared/media-type';

export type BodyKind = 'json' | 'xml' | 'html' | 'image' | 'text' | 'binary';
export type BodyViewer = 'tree' | 'pretty' | 'image' | 'text' | 'hex';

export const VIEWER_NAMES: Record<BodyViewer, string> = { tree: 'Tree', pretty: 'Pretty', image: 'Image', text: 'Text', hex: 'Hex' };

/** The kind of a body: an image by its magic number, else by its Content-Type, else by a look at its first bytes. */
export function bodyKind(contentType: string | null, head: Uint8Array): BodyKind {
  if (imageType(head)?.type === 'svg') return 'xml';
  if (imageType(head)) return 'image';
  const type = parseMediaType(contentType)?.type ?? '';
  if (type === 'application/json' || type.endsWith('+json') || type === 'text/json') return 'json';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  // Said to be an image (but its bytes are not one Chunkscope knows), or said to be bytes.
  if (type.startsWith('image/') || type === 'application/octet-stream') return 'binary';
  if (type.startsWith('text/') || type === 'application/javascript' || type === 'application/x-www-form-urlencoded') return 'text';
  return sniff(head);
}

function sniff(head: Uint8Array): BodyKind {
  let at = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) at = 3;
  while (at < head.length && (head[at] === 0x20 || head[at] === 0x09 || head[at] === 0x0a || head[at] === 0x0d)) at++;
  const first = head[at];
  if (!looksLikeText(head)) return 'binary';
  if (first === 0x7b || first === 0x5b) return 'json'; // { [
  if (first === 0x3c) {
    const start = String.fromCharCode(...head.subarray(at, at + 64)).toLowerCase();
    return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'xml';
  }
  return 'text';
}

/** No NUL, and few control characters other than tab and line ends, in the first bytes. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  if (head[0] === 0xff && head[1] === 0xfe) return true; // UTF-16 with its BOM
  if (head[0] === 0xfe && head[1] === 0xff) return true;
  let control = 0;
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control / n < 0.02;
}

/** The viewers of a kind, the first the one shown at first. */
export function viewersFor(kind: BodyKind): BodyViewer[] {
  switch (kind) {
    case 'json':
      return ['tree', 'pretty', 'text', 'hex'];
    case 'xml':
    case 'html':
      return ['pretty', 'text', 'hex'];
    case 'image':
      return ['image', 'hex'];
    case 'text':
      return ['text', 'hex'];
    case 'binary':
      return ['hex', 'text'];
  }
}

export interface TextCharset {
  /** A label TextDecoder takes. */
  name: string;
  /** Where it came from, in words: "from the Content-Type", "assumed: …". */
  said: string;
  bomLength: number;
}

const FROM: Record<Charset['from'], string> = { bom: 'from its byte order mark', header: 'from the Content-Type', declaration: 'from the document’s own declaration', default: 'the default of its type' };

/** The charset the text viewer decodes with: the body's own, else UTF-8 when the first bytes are valid UTF-8, else windows-1252 (what browsers take for latin1). */
export function textCharset(charset: Charset | null, head: Uint8Array, complete: boolean): TextCharset {
  if (charset && supported(charset.name)) return { name: charset.name, said: FROM[charset.from], bomLength: charset.bomLength };
  const unknown = charset ? `${charset.name} (${FROM[charset.from]}) is not a charset this window can decode; ` : '';
  if (validUtf8(head, complete)) return { name: 'utf-8', said: `${unknown}assumed: no charset is given and the bytes are valid UTF-8`, bomLength: 0 };
  return { name: 'windows-1252', said: `${unknown}assumed: no charset is given and the bytes are not UTF-8`, bomLength: 0 };
}

function supported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Valid UTF-8, a character cut at the end of an incomplete head allowed. */
function validUtf8(head: Uint8Array, complete: boolean): boolean {
  let end = head.length;
  if (!complete) for (let back = 1; back <= Math.min(3, end); back++) if ((head[end - back]! & 0xc0) !== 0x80) {
    const b = head[end - back]!;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** What a viewer shows, in words: "decoded: chunk framing and gzip removed", "as sent: chunk framing removed, still gzip". */
export function formWords(slice: Pick<BodySlice, 'form' | 'removed' | 'stillEncoded'>): string {
  const removed = slice.removed.length === 0 ? 'nothing removed' : `${listed(slice.removed)} removed`;
  const still = slice.stillEncoded ? `, still ${slice.stillEncoded}` : '';
  return `${slice.form === 'decoded' && slice.removed.some((r) => r !== 'chunk framing') ? 'decoded' : 'as sent'}: ${removed}${still}`;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Where the lines of a piece of text start (offsets in it), for a virtualised list of lines. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line (0-based) a byte offset of ASCII-compatible bytes is on: the line feeds before it. */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 0;
  const end = Math.min(offset, bytes.length);
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
