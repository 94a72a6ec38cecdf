// What Copy puts on the clipboard: an exchange's URL, a message's head as text, a body in
// the form asked for (as sent: the chunk framing removed, its Content-Encoding kept; or
// decoded: that removed too) as text in its charset, or as base64 when it is not text.
// Pure: the bytes come from the API's body slices.

import type { MessageDetail } from '../../../shared/api';
import type { Charset } from '../../../shared/body';
import type { Direction } from '../../../shared/anomalies';
import type { BodyForm } from '../../../shared/search';

export type CopyWhat = 'url' | 'headers' | 'body';

export interface CopyItem {
  what: CopyWhat;
  direction?: Direction;
  form?: BodyForm;
  label: string;
  /** Its data-testid (tests and the menus use it). */
  id: string;
}

export const COPY_ITEMS: CopyItem[] = [
  { what: 'url', label: 'URL', id: 'copy-url' },
  { what: 'headers', direction: 'request', label: 'Request headers', id: 'copy-request-headers' },
  { what: 'headers', direction: 'response', label: 'Response headers', id: 'copy-response-headers' },
  { what: 'body', direction: 'request', form: 'decoded', label: 'Request body, decoded', id: 'copy-request-body-decoded' },
  { what: 'body', direction: 'request', form: 'sent', label: 'Request body, as sent', id: 'copy-request-body-sent' },
  { what: 'body', direction: 'response', form: 'decoded', label: 'Response body, decoded', id: 'copy-response-body-decoded' },
  { what: 'body', direction: 'response', form: 'sent', label: 'Response body, as sent', id: 'copy-response-body-sent' },
];

/** The most of a body Copy takes: the clipboard is no place for more. */
export const COPY_LIMIT = 16 * 1024 * 1024;

/** A message's head as it reads: the start line, then each field as `Name: value`, one a line. */
export function headText(message: MessageDetail): string {
  return [message.startLine ?? '', ...message.headers.map(([name, value]) => `${name}: ${value}`)].join('\n');
}

/**
 * A body's bytes as text in its charset (UTF-8 when nothing says), its byte order mark
 * left out; bytes that are not text in that charset (an image, gzip as sent) as base64.
 */
export function bodyText(bytes: Uint8Array, charset: Charset | null): { text: string; base64: boolean } {
  try {
    const decoder = new TextDecoder(charset?.name ?? 'utf-8', { fatal: true, ignoreBOM: true });
    const text = decoder.decode(bytes.subarray(charset?.bomLength ?? 0));
    // Control characters other than white space say it is binary, whatever decoded.
    if (!hasControl(text)) return { text, base64: false };
  } catch {
    // Not text in that charset (or a charset this browser does not know).
  }
  return { text: base64(bytes), base64: true };
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d) return true;
  }
  return false;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Base64 from the API back to bytes. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
