// A captured request as a curl command line that sends it again: method, target,
// headers as recorded (curl's own defaults taken out), and the body: inline when it is
// text, from a file (--data-binary @file) when it is not. A chunked request is sent
// chunked (-H 'Transfer-Encoding: chunked'); curl picks its own chunk sizes, so for the
// exact bytes use `chunkscope replay`.

import type { MessageRecord } from '../../shared/ledger';
import { absoluteUrl } from '../../shared/exchange-url';

export interface CurlRequest {
  request: MessageRecord;
  body: Uint8Array;
  /** The connection was HTTPS (decrypted by Chunkscope, or an https URL in a HAR). */
  tls: boolean;
  /** Where the request was sent ("host:port"), when Chunkscope connected to it itself. */
  upstream: string | null;
  /** Reverse mode: the request went to `upstream` whatever its Host said. */
  reverse: boolean;
}

export interface CurlCommand {
  command: string;
  /** A body that does not go on the command line (binary, or long): write it to the body file first. */
  fileBody: Uint8Array | null;
}

/** Headers curl adds by itself: removed (`-H 'Name:'`) when the request did not have them. */
const CURL_DEFAULTS = ['user-agent', 'accept'];
const BODY_DEFAULTS = ['content-type', 'expect'];
/** A longer body goes in a file: one shell argument may not exceed 128 KiB on Linux. */
const MAX_INLINE_BODY = 64 * 1024;

export function curlCommand({ request, body, tls, upstream, reverse }: CurlRequest, bodyFile: string): CurlCommand {
  const line = request.request;
  const method = line?.method ?? 'GET';
  const target = line?.target ?? '/';
  const headers = request.headers;
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  const host = headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? upstream;
  // Only http and https: an absolute-form target with another scheme is not followed.
  const absolute = /^https?:\/\//i.test(target);
  const url = absolute ? target : absoluteUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? '/' : target, host, tls, method);
  // -g: brackets and braces in the URL are not curl globs; --path-as-is: dot segments stay.
  const args: string[] = ['curl', line?.version === 'HTTP/1.0' ? '--http1.0' : '--http1.1', '-g', '--path-as-is'];
  // "Content-Length: 0" (a POST without a body, say): curl sends it only with an empty body given.
  const emptyBody = body.length === 0 && method !== 'HEAD' && headers.some(([n, v]) => n.toLowerCase() === 'content-length' && v.trim() === '0');
  const withBody = body.length > 0 || emptyBody;
  if (method === 'HEAD') args.push('--head');
  else if (method !== 'GET' || withBody) {
    // With a body curl says POST by itself; -X keeps any other method.
    if (method !== 'POST' || !withBody) args.push('-X', quote(method));
  }
  if (!absolute && method !== 'CONNECT' && sentTarget(url) !== target) args.push('--request-target', quote(target));
  if (reverse && upstream && host) {
    // Through a reverse proxy the request went to the origin, not to where Host points.
    const authority = authorityOf(url);
    if (authority && authority !== upstream) args.push('--connect-to', quote(`${authority}:${upstream}`));
  }
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // curl writes Content-Length itself from the body (and none when it sends chunked).
    if (lower === 'content-length') continue;
    // Sent to a proxy (absolute-form): its Proxy-* fields were for the proxy, and curl goes direct.
    if (absolute && (lower === 'proxy-connection' || lower === 'proxy-authorization')) continue;
    args.push('-H', quote(value === '' ? `${name};` : `${name}: ${value}`));
  }
  for (const name of [...CURL_DEFAULTS, ...(withBody ? BODY_DEFAULTS : [])]) {
    if (!has(name)) args.push('-H', quote(`${titleCase(name)}:`));
  }
  let fileBody: Uint8Array | null = null;
  if (emptyBody) args.push('--data-binary', "''");
  if (body.length > 0) {
    const text = body.length <= MAX_INLINE_BODY ? printable(body) : null;
    if (text !== null) args.push('--data-raw', quoteText(text));
    else {
      fileBody = body;
      args.push('--data-binary', quote(`@${bodyFile}`));
    }
  }
  args.push(quote(url));
  return { command: args.join(' '), fileBody };
}

/** The request target curl sends for `url`, or null when it cannot be parsed. */
function sentTarget(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}

/** "host:port" of a URL, the port written out, as curl's --connect-to wants it. */
function authorityOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return null;
  }
}

// ignoreBOM: a byte-order mark is part of the body, and is sent again.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text that is safe inline: valid UTF-8 without control characters other than tab and line ends. */
function printable(body: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  return /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text) ? null : text;
}

/**
 * Text (decoded from UTF-8, no control characters but line ends and tabs) in single
 * quotes; with a CR, as $'…' with \\r, since a terminal turns a pasted CR into LF.
 */
function quoteText(text: string): string {
  if (text.includes('\r')) return `$'${text.replace(/[\\']/g, (ch) => `\\${ch}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quote bytes held one per character (latin1, as the parser gives header values) for a
 * POSIX shell: single quotes, or $'…' when there are bytes a terminal would eat.
 */
export function quote(value: string): string {
  if (/^[A-Za-z0-9_\-./:@=,+%]+$/.test(value)) return value;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\0-\x08\x0b-\x1f\x7f-\xff]/.test(value) && !/[\u0100-\uffff]/.test(value)) {
    const escaped = [...value]
      .map((ch) => {
        const code = ch.charCodeAt(0);
        if (ch === "'" || ch === '\\') return `\\${ch}`;
        if (code < 0x20 || code >= 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
        return ch;
      })
      .join('');
    return `$'${escaped}'`;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}
