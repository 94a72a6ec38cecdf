// The message body length decision of RFC 9112 §6.3, with the anomalies that the
// Transfer-Encoding, Content-Length and Connection fields carry.

import type { AnomalyCode } from '../../shared/anomalies';
import type { Direction, Framing } from '../../shared/http1';
import { TCHAR } from './bytes';

export interface FieldAt {
  name: string;
  value: string;
  /** Absolute offset of the field line. */
  offset: number;
}

export interface HeadFacts {
  direction: Direction;
  /** "HTTP/1.1" */
  version: string;
  /** The request's own method, or for a response the method of the request it answers (null: unknown). */
  method: string | null;
  /** Status code of a response; null for a request. */
  status: number | null;
  fields: readonly FieldAt[];
}

export interface FramingNote {
  code: AnomalyCode;
  offset: number;
  detail: string;
}

export interface FramingDecision {
  framing: Framing;
  contentLength: number | null;
  reason: string;
  /** Another message may follow on this connection. */
  persistent: boolean;
  /** Bytes after this message are a tunnel (2xx to CONNECT, 101). */
  tunnel: boolean;
  /** The message is interim (1xx other than 101): the final response still follows. */
  interim: boolean;
  /** Sorted by offset; if a fatal note is present it is the last one. */
  notes: FramingNote[];
  /** An F-class note (or X on a request): the body length cannot be determined. */
  fatal: boolean;
}

const KNOWN_CODINGS = new Set(['chunked', 'gzip', 'x-gzip', 'deflate', 'compress', 'x-compress']);
const FATAL_CODES = new Set<AnomalyCode>(['te-chunked-repeated', 'te-chunked-param', 'te-empty', 'invalid-cl']);

interface Coding {
  name: string;
  hasParams: boolean;
  offset: number;
}

/** Split a list value on commas outside quoted strings (RFC 9110 §5.6.1). */
function splitList(value: string): string[] {
  // The usual case, one element ("chunked", "close"), needs no quote-aware scan.
  if (!value.includes(',')) return [value.replace(/^[ \t]+|[ \t]+$/g, '')];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      current += ch;
      if (ch === '\\' && i + 1 < value.length) current += value[++i];
      else if (ch === '"') quoted = false;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else {
      if (ch === '"') quoted = true;
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((part) => part.replace(/^[ \t]+|[ \t]+$/g, ''));
}

function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!TCHAR[text.charCodeAt(i)]) return false;
  return true;
}

function fieldsNamed(fields: readonly FieldAt[], lowerName: string): FieldAt[] {
  return fields.filter((f) => f.name.toLowerCase() === lowerName);
}

function readCodings(teFields: FieldAt[], notes: FramingNote[]): Coding[] {
  const codings: Coding[] = [];
  for (const field of teFields) {
    let sawEmpty = false;
    for (const element of splitList(field.value)) {
      if (element === '') {
        sawEmpty = true;
        continue;
      }
      const semi = element.indexOf(';');
      const name = (semi < 0 ? element : element.slice(0, semi)).replace(/[ \t]+$/, '');
      codings.push({ name: name.toLowerCase(), hasParams: semi >= 0, offset: field.offset });
      if (!isToken(name) || !KNOWN_CODINGS.has(name.toLowerCase())) {
        notes.push({ code: 'unknown-te', offset: field.offset, detail: `unknown transfer coding "${name}"` });
      }
    }
    if (sawEmpty) {
      notes.push({ code: 'te-empty-list-element', offset: field.offset, detail: `empty element in "Transfer-Encoding: ${field.value}"` });
    }
  }
  return codings;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 1*DIGIT without Number(): null when not digits or above 2^53-1. */
function readDecimal(text: string): number | null {
  if (text.length === 0) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    if (value > (MAX_SAFE - d) / 10) return null;
    value = value * 10 + d;
  }
  return value;
}

function readContentLength(clFields: FieldAt[], notes: FramingNote[]): number | null | 'invalid' {
  if (clFields.length === 0) return null;
  let agreed: number | null = null;
  let count = 0;
  for (const field of clFields) {
    for (const element of splitList(field.value)) {
      count++;
      const value = readDecimal(element);
      if (value === null) {
        const why = /^[0-9]+$/.test(element) ? 'is larger than 2^53-1' : 'is not a decimal number';
        notes.push({ code: 'invalid-cl', offset: field.offset, detail: `Content-Length "${element}" ${why}` });
        return 'invalid';
      }
      if (agreed !== null && value !== agreed) {
        notes.push({ code: 'invalid-cl', offset: field.offset, detail: `Content-Length values differ (${agreed} and ${value})` });
        return 'invalid';
      }
      agreed = value;
    }
  }
  if (count > 1) {
    notes.push({ code: 'duplicate-cl', offset: clFields[clFields.length > 1 ? 1 : 0]!.offset, detail: `Content-Length sent ${count} times (all ${agreed})` });
  }
  return agreed;
}

function connectionTokens(fields: readonly FieldAt[]): Set<string> {
  const tokens = new Set<string>();
  for (const field of fieldsNamed(fields, 'connection')) {
    for (const element of splitList(field.value)) if (element) tokens.add(element.toLowerCase());
  }
  return tokens;
}

/** Keep notes up to and including the first fatal one, in byte order. */
function settle(notes: FramingNote[], isFatal: (n: FramingNote) => boolean): { notes: FramingNote[]; fatal: boolean } {
  notes.sort((a, b) => a.offset - b.offset);
  const firstFatal = notes.findIndex(isFatal);
  if (firstFatal < 0) return { notes, fatal: false };
  return { notes: notes.slice(0, firstFatal + 1), fatal: true };
}

export function decideFraming(head: HeadFacts): FramingDecision {
  const { direction, status } = head;
  const http10 = head.version === 'HTTP/1.0';
  const connection = connectionTokens(head.fields);
  let persistent = http10 ? connection.has('keep-alive') : !connection.has('close');
  const teFields = fieldsNamed(head.fields, 'transfer-encoding');
  const clFields = fieldsNamed(head.fields, 'content-length');
  const notes: FramingNote[] = [];
  const decision = (framing: Framing, reason: string, extra: Partial<FramingDecision> = {}): FramingDecision => ({
    framing,
    contentLength: null,
    reason,
    persistent,
    tunnel: false,
    interim: false,
    notes: [],
    fatal: false,
    ...extra,
  });

  if (direction === 'response' && status !== null) {
    const method = head.method?.toUpperCase() ?? null;
    const bodyless = (why: string, extra: Partial<FramingDecision> = {}): FramingDecision => {
      const teNotes: FramingNote[] = [];
      const teForbidden = (status >= 100 && status < 200) || status === 204 || extra.tunnel === true;
      if (teForbidden && teFields.length > 0) {
        teNotes.push({ code: 'te-on-bodyless-response', offset: teFields[0]!.offset, detail: `Transfer-Encoding on a ${status} response ${extra.tunnel ? 'to CONNECT ' : ''}is ignored: it has no body` });
      }
      return decision('none', why, { notes: teNotes, ...extra });
    };
    if (status === 101) return bodyless('101 Switching Protocols: the connection now carries another protocol', { tunnel: true, persistent: false });
    if (status >= 100 && status < 200) return bodyless(`a ${status} interim response has no body; the final response follows (RFC 9112 §6.3 rule 1)`, { interim: true });
    if (method === 'CONNECT' && status >= 200 && status < 300) {
      return bodyless(`a ${status} response to CONNECT starts a tunnel (RFC 9112 §6.3 rule 2)`, { tunnel: true, persistent: false });
    }
    if (method === 'HEAD') return bodyless('a response to HEAD has no body (RFC 9112 §6.3 rule 1)');
    if (status === 204 || status === 304) return bodyless(`a ${status} response has no body (RFC 9112 §6.3 rule 1)`);
  }

  if (teFields.length > 0) {
    const codings = readCodings(teFields, notes);
    const chunked = codings.filter((c) => c.name === 'chunked');
    const teOffset = teFields[0]!.offset;
    if (codings.length === 0) {
      // te-empty says it all; notes about empty elements would only repeat it.
      notes.length = 0;
      notes.push({ code: 'te-empty', offset: teOffset, detail: 'Transfer-Encoding lists no coding' });
    }
    if (chunked.length > 1) {
      notes.push({ code: 'te-chunked-repeated', offset: chunked[1]!.offset, detail: `chunked appears ${chunked.length} times in Transfer-Encoding` });
    }
    for (const c of chunked) {
      if (c.hasParams) notes.push({ code: 'te-chunked-param', offset: c.offset, detail: 'chunked has parameters' });
    }
    const last = codings[codings.length - 1];
    const chunkedFinal = last?.name === 'chunked';
    if (last && !chunkedFinal) {
      notes.push({
        code: 'te-not-chunked-final',
        offset: teOffset,
        detail: `the last transfer coding is "${last.name}", not chunked`,
      });
    }
    if (clFields.length > 0) {
      notes.push({ code: 'cl-and-te', offset: Math.max(teOffset, clFields[0]!.offset), detail: 'both Content-Length and Transfer-Encoding are present; Transfer-Encoding wins' });
    }
    if (http10) {
      notes.push({ code: 'te-in-http10', offset: teOffset, detail: 'Transfer-Encoding in an HTTP/1.0 message' });
    }
    const settled = settle(notes, (n) => FATAL_CODES.has(n.code) || (n.code === 'te-not-chunked-final' && direction === 'request'));
    if (settled.fatal) return decision('none', 'the Transfer-Encoding field cannot frame this message', { ...settled, persistent: false });
    const decodeThenClose = settled.notes.some((n) => n.code === 'cl-and-te' || n.code === 'te-in-http10');
    if (decodeThenClose) persistent = false;
    if (chunkedFinal) {
      return decision('chunked', 'Transfer-Encoding ends with chunked (RFC 9112 §6.3 rule 4)', { notes: settled.notes });
    }
    // A response whose codings do not end with chunked: read until the server closes.
    return decision('close-delimited', 'Transfer-Encoding does not end with chunked: the body runs until the server closes the connection (RFC 9112 §6.3 rule 4)', {
      notes: settled.notes,
      persistent: false,
    });
  }

  const contentLength = readContentLength(clFields, notes);
  const settled = settle(notes, (n) => FATAL_CODES.has(n.code));
  if (contentLength === 'invalid') {
    return decision('none', 'the Content-Length field cannot frame this message', { ...settled, persistent: false });
  }
  if (contentLength !== null) {
    return decision('content-length', `Content-Length: ${contentLength} (RFC 9112 §6.3 rule 6)`, { contentLength, notes: settled.notes });
  }
  if (direction === 'request') {
    return decision('none', 'a request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3 rule 7)', { notes: settled.notes });
  }
  return decision('close-delimited', 'no Content-Length or Transfer-Encoding: the body runs until the server closes the connection (RFC 9112 §6.3 rule 8)', {
    notes: settled.notes,
    persistent: false,
  });
}
