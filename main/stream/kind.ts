// Which parser a body gets, from its Content-Type and, where the type does not
// say (generic XML, no type at all), from its first bytes.

import type { StreamKind } from '../../shared/stream';
import { feedKindOfRoot, sniffXmlRoot } from './xml-sniff';
import { parseMediaType } from '../../shared/media-type';

const BY_TYPE = new Map<string, StreamKind>([
  ['application/rss+xml', 'rss'],
  ['application/atom+xml', 'atom'],
  ['text/event-stream', 'sse'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
  ['application/x-jsonl', 'ndjson'],
  ['application/jsonlines', 'ndjson'],
  ['application/x-jsonlines', 'ndjson'],
  ['application/jsonlines+json', 'ndjson'],
  ['application/json-seq', 'ndjson'],
  ['application/stream+json', 'ndjson'],
  ['application/x-json-stream', 'ndjson'],
]);

/** application/* types that are text, besides +json and +xml. */
const TEXTUAL = new Set([
  'application/json',
  'application/javascript',
  'application/ecmascript',
  'application/x-javascript',
  'application/x-www-form-urlencoded',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/graphql',
  'application/sql',
  'application/csv',
  'application/x-sh',
]);

// The Content-Type's type and charset: one reading for the Stream view, the body viewer and the search.
export { parseMediaType, type MediaType } from '../../shared/media-type';

/**
 * What the Content-Type alone says: a kind; 'xml' when the root element decides
 * (feed or not); 'unknown' when there is no usable type and the bytes decide; null
 * for a type that is not text (image/*, application/octet-stream, zip...).
 */
export function kindFromType(contentType: string | null): StreamKind | 'xml' | 'unknown' | null {
  const media = parseMediaType(contentType);
  if (!media) return 'unknown';
  const { type } = media;
  const known = BY_TYPE.get(type);
  if (known) return known;
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  if (type.startsWith('text/') || type.endsWith('+json') || TEXTUAL.has(type)) return 'text';
  return null;
}

/**
 * Finish what kindFromType left open, from the body's first decoded bytes:
 * undefined while more bytes are needed (never when `final`).
 */
export function kindFromBytes(hint: 'xml' | 'unknown', bytes: Uint8Array, final: boolean): StreamKind | null | undefined {
  if (hint === 'unknown') {
    // Decided on 512 bytes (or the whole body) so a live view decides as a later look would.
    if (!final && bytes.length < 512) return undefined;
    if (bytes.length === 0) return null;
    if (!looksLikeText(bytes)) return null;
    if (!startsWithMarkup(bytes)) return 'text';
  }
  const root = sniffXmlRoot(bytes, final);
  if (root === undefined) return undefined;
  return (root !== null && feedKindOfRoot(root)) || 'text';
}

/** The kind for a body: from the Content-Type, and from its first bytes where the type does not say. */
export function streamKindFor(contentType: string | null, firstBytes?: Uint8Array): StreamKind | null {
  const hint = kindFromType(contentType);
  if (hint !== 'xml' && hint !== 'unknown') return hint;
  return kindFromBytes(hint, firstBytes ?? new Uint8Array(0), true) ?? null;
}

/** No NUL and hardly any other control bytes in the first 512: text in some ASCII-compatible encoding. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b && b !== 0x1e) control++;
  }
  return control * 20 < n;
}

function startsWithMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c;
}
