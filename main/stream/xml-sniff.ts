// Looking at the first bytes of an XML body: which encoding its declaration names,
// and what its root element is (application/xml and text/xml say nothing about
// whether the body is a feed). Both read the bytes as latin1: the markup before
// the root is ASCII in any encoding a feed uses (UTF-16 is not supported).

import { Buffer } from 'node:buffer';

/** How far to look before giving up: a prolog longer than this is not a feed's. */
export const SNIFF_LIMIT = 4096;

const BOM = '\xef\xbb\xbf';
const XML_DECL = '<?xml';

function latin1(bytes: Uint8Array, limit: number): string {
  const view = bytes.subarray(0, Math.min(bytes.length, limit));
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('latin1');
}

/**
 * The encoding an XML declaration names: a label, null when there is no
 * declaration or it names none (a BOM means UTF-8), undefined when more bytes are
 * needed to tell. Only the first 1,024 bytes are looked at.
 */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | null | undefined {
  const text = latin1(bytes, 1024);
  if (text.startsWith(BOM)) return 'utf-8';
  if (!XML_DECL.startsWith(text.slice(0, XML_DECL.length))) return null;
  const end = text.indexOf('?>');
  if (end < 0) return text.length >= 1024 ? null : undefined;
  const match = /\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/.exec(text.slice(0, end));
  return match ? match[1]! : null;
}

/**
 * The qualified name of the root element; null when the bytes are not XML or no
 * root is found within SNIFF_LIMIT bytes (or before `final`); undefined when more
 * bytes are needed.
 */
export function sniffXmlRoot(bytes: Uint8Array, final: boolean): string | null | undefined {
  const text = latin1(bytes, SNIFF_LIMIT);
  const more = (): null | undefined => (final || bytes.length >= SNIFF_LIMIT ? null : undefined);
  let i = text.startsWith(BOM) ? BOM.length : 0;
  for (;;) {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
    if (i >= text.length) return more();
    if (text[i] !== '<') return null;
    if (i + 4 > text.length) return more();
    let skipTo: number;
    if (text[i + 1] === '?') {
      skipTo = after(text, '?>', i + 2);
    } else if (text.startsWith('<!--', i)) {
      skipTo = after(text, '-->', i + 4);
    } else if (text[i + 1] === '!') {
      // <!DOCTYPE ...>, perhaps with an internal subset in brackets.
      const gt = text.indexOf('>', i);
      const bracket = text.indexOf('[', i);
      skipTo = bracket >= 0 && (gt < 0 || bracket < gt) ? after(text, '>', after(text, ']', bracket)) : after(text, '>', i);
    } else {
      const name = /^[^\s/>]+/.exec(text.slice(i + 1));
      if (!name || i + 1 + name[0].length >= text.length) return name ? more() : null;
      return name[0];
    }
    if (skipTo < 0) return more();
    i = skipTo;
  }
}

/** Index just past `token` at or after `from`, or -1. */
function after(text: string, token: string, from: number): number {
  if (from < 0) return -1;
  const at = text.indexOf(token, from);
  return at < 0 ? -1 : at + token.length;
}

/** The feed kind a root element names, or null for any other XML. */
export function feedKindOfRoot(root: string): 'rss' | 'atom' | null {
  const colon = root.indexOf(':');
  const local = colon < 0 ? root : root.slice(colon + 1);
  if (local === 'rss' || local === 'RDF') return 'rss';
  if (local === 'feed') return 'atom';
  return null;
}
