// A message's body as the body viewers read it (the API's `body`): a slice of it, as sent
// or decoded, with what was removed to get that form; and what its first bytes say about
// it (its charset, whether it is an image). Pure, for the engine and the UI alike.

import type { Direction } from './anomalies';
import type { Framing } from './http1';
import { parseMediaType } from './media-type';
import type { BodyForm } from './search';
import type { ContentCoding } from './stream';

export interface BodySliceArgs {
  id: string;
  direction: Direction;
  form: BodyForm;
  offset: number;
  length: number;
}

/** What was taken away to get a form of the body, in the order it was removed. */
export type BodyRemoval = 'chunk framing' | ContentCoding;

export interface BodySlice {
  id: string;
  direction: Direction;
  form: BodyForm;
  /** Offset of the first byte returned, and the bytes (base64). */
  offset: number;
  bytes: string;
  /** Bytes of the body in this form so far; the final size once `sizeKnown`. */
  size: number;
  sizeKnown: boolean;
  /** Bytes of the body as sent (chunk framing removed) so far. */
  sentSize: number;
  framing: Framing | null;
  contentType: string | null;
  contentEncoding: string | null;
  charset: Charset | null;
  /** What was removed to get this form: `chunk framing`, then each coding (`gzip`, `deflate`, `br`). */
  removed: BodyRemoval[];
  /** Codings still on these bytes: all of them for `sent`; for `decoded`, one Chunkscope cannot remove (zstd…), in words. */
  stillEncoded: string | null;
  /** Decoding failed: how, and where (the decoded form stops at `decodedOffset`). */
  decodeFailure: { coding: ContentCoding; message: string; sentOffset: number; decodedOffset: number } | null;
  /** The decoded form stops at a bound (a compression bomb): in words. */
  limited: string | null;
  /** The body arrived whole; false while it streams, or when it was cut short. */
  complete: boolean;
}

export interface Charset {
  /** The label, in lower case (`utf-8`, `iso-8859-1`, `utf-16le`…), as TextDecoder takes it. */
  name: string;
  /** What said so: a byte order mark, the Content-Type, the document's own declaration (`<?xml encoding`, `<meta charset>`), or the format's default (JSON is UTF-8). */
  from: 'bom' | 'header' | 'declaration' | 'default';
  /** Bytes of the byte order mark at the start (0 without one): not text. */
  bomLength: number;
}

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

/**
 * A body's charset: its byte order mark first (as browsers read it: a BOM wins over the
 * header), then the Content-Type's charset, then an XML or HTML declaration in the first
 * 1,024 bytes, then the format's default; null when nothing says.
 */
export function detectCharset(contentType: string | null, start: Uint8Array): Charset | null {
  for (const [bom, name] of BOMS) {
    if (bom.every((b, i) => start[i] === b)) return { name, from: 'bom', bomLength: bom.length };
  }
  const media = parseMediaType(contentType);
  if (media?.charset) return { name: media.charset.toLowerCase(), from: 'header', bomLength: 0 };
  const head = latin1(start.subarray(0, 1024));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head) ?? /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head);
  if (declared) return { name: declared[1]!.toLowerCase(), from: 'declaration', bomLength: 0 };
  const type = media?.type ?? '';
  // RFC 8259 §8.1: JSON is UTF-8; XML without a declaration is UTF-8 (XML 1.0 §4.3.3).
  if (type === 'application/json' || type.endsWith('+json') || type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return { name: 'utf-8', from: 'default', bomLength: 0 };
  return null;
}

export interface ImageType {
  type: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'ico' | 'avif' | 'svg';
  mime: string;
}

/** An image told by its first bytes (its magic number), whatever the Content-Type says; null when not one. */
export function imageType(start: Uint8Array): ImageType | null {
  const at = (offset: number, bytes: number[]) => bytes.every((b, i) => start[offset + i] === b);
  const ascii = (offset: number, text: string) => at(offset, [...text].map((c) => c.charCodeAt(0)));
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'png', mime: 'image/png' };
  if (at(0, [0xff, 0xd8, 0xff])) return { type: 'jpeg', mime: 'image/jpeg' };
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { type: 'gif', mime: 'image/gif' };
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { type: 'webp', mime: 'image/webp' };
  if (ascii(0, 'BM') && start.length >= 14) return { type: 'bmp', mime: 'image/bmp' };
  if (at(0, [0, 0, 1, 0]) && start.length >= 6) return { type: 'ico', mime: 'image/x-icon' };
  if (ascii(4, 'ftypavif') || ascii(4, 'ftypavis')) return { type: 'avif', mime: 'image/avif' };
  const text = latin1(start.subarray(0, 1024)).replace(/^\xef\xbb\xbf/, '');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)) return { type: 'svg', mime: 'image/svg+xml' };
  return null;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}
