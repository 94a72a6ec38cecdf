// Readers for the lines of a header or trailer section (RFC 9112 §3, §4, §5):
//
//   request-line = method SP request-target SP HTTP-version
//   status-line  = HTTP-version SP status-code SP [ reason-phrase ]
//   field-line   = field-name ":" OWS field-value OWS
//
// Like the size-line reader, each scans left to right and stops at the first problem,
// and answers 'pending' when the bytes run out before a verdict. `limitAt` is the first
// index past the section's size limit: reaching it is itself the problem.

import type { AnomalyCode } from '../../shared/anomalies';
import type { RequestLine, StatusLine } from '../../shared/http1';
import * as bytesModule from './bytes';

// Bound locally: under the test runner's module loader every use of an imported
// binding is a getter call, which made these per-byte loops five times slower.
const { COLON, CR, LF, SP, TCHAR, describeByte, isOtherCtl, isWs, latin1 } = bytesModule;

export interface LineFault {
  kind: 'fault';
  code: AnomalyCode;
  at: number;
  detail: string;
}

export type Pending = { kind: 'pending' };
const PENDING: Pending = { kind: 'pending' };

export interface ParsedStartLine {
  kind: 'start-line';
  line: string;
  request: RequestLine | null;
  response: StatusLine | null;
  /** Index just past the LF. */
  end: number;
}

export interface ParsedField {
  kind: 'field';
  name: string;
  value: string;
  end: number;
}

export type Section = 'header' | 'trailer';

export interface LineLimit {
  limitAt: number;
  code: AnomalyCode;
  detail: string;
}

function fault(code: AnomalyCode, at: number, detail: string): LineFault {
  return { kind: 'fault', code, at, detail };
}

const H = 0x48;
const T = 0x54;
const P = 0x50;
const SLASH = 0x2f;
const DOT = 0x2e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Reads "HTTP/x.y" at i; returns the index after it, or a fault. */
function scanVersion(bytes: Uint8Array, i: number, end: number, limit: LineLimit): number | LineFault | Pending {
  const expected = [H, T, T, P, SLASH, -1, DOT, -1];
  for (let k = 0; k < expected.length; k++, i++) {
    if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
    if (i >= end) return PENDING;
    const c = bytes[i]!;
    const want = expected[k]!;
    if (want === -1 ? !isDigit(c) : c !== want) {
      return fault('invalid-start-line', i, `expected an HTTP version like HTTP/1.1, found ${describeByte(c)}`);
    }
  }
  if (bytes[i - 3] !== 0x31) {
    const version = latin1(bytes, i - 8, i);
    return fault('invalid-start-line', i - 8, `${version} is not HTTP/1.x; Chunkscope reads HTTP/1.0 and HTTP/1.1`);
  }
  return i;
}

/**
 * At bytes[i], which must be the line ending, decide: CRLF ends the line (returns the
 * index past LF); a bare LF or a CR without LF is a fault.
 */
function scanLineEnd(bytes: Uint8Array, i: number, end: number, limit: LineLimit): number | LineFault | Pending {
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  const c = bytes[i]!;
  if (c === LF) return fault('bare-lf-in-fields', i, 'the start-line ends with LF instead of CRLF');
  if (c !== CR) return { kind: 'fault', code: 'invalid-start-line', at: i, detail: `unexpected ${describeByte(c)}` };
  if (i + 1 >= end) return PENDING;
  if (bytes[i + 1] !== LF) return fault('bare-cr', i, 'a CR is not followed by LF');
  if (i + 1 >= limit.limitAt) return fault(limit.code, i + 1, limit.detail);
  return i + 2;
}

/** A byte that cannot continue the start-line: sort it into the most specific code. */
function startLineFault(bytes: Uint8Array, i: number, end: number, expected: string): LineFault | Pending {
  const c = bytes[i]!;
  if (c === CR) {
    if (i + 1 >= end) return PENDING;
    if (bytes[i + 1] !== LF) return fault('bare-cr', i, 'a CR is not followed by LF');
  }
  return fault('invalid-start-line', i, `${expected}, found ${describeByte(c)}`);
}

export function scanRequestLine(bytes: Uint8Array, start: number, end: number, limit: LineLimit): ParsedStartLine | LineFault | Pending {
  let i = start;
  while (i < end && i < limit.limitAt && TCHAR[bytes[i]!]) i++;
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  if (i === start) {
    const c = bytes[i]!;
    if (c === 0x16) {
      return fault('invalid-start-line', i, 'this looks like a TLS handshake: the client is speaking HTTPS to a plain HTTP port');
    }
    return startLineFault(bytes, i, end, 'expected a request method');
  }
  const methodEnd = i;
  if (bytes[i] !== SP) return startLineFault(bytes, i, end, 'expected a space after the method');
  i++;
  const targetStart = i;
  while (i < end && i < limit.limitAt && bytes[i]! > SP && bytes[i] !== 0x7f) i++;
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  if (i === targetStart) return startLineFault(bytes, i, end, 'expected a request target after the method');
  const targetEnd = i;
  if (bytes[i] !== SP) return startLineFault(bytes, i, end, 'expected a space after the request target');
  i++;
  const versionStart = i;
  const afterVersion = scanVersion(bytes, i, end, limit);
  if (typeof afterVersion !== 'number') {
    if (afterVersion.kind === 'fault' && latin1(bytes, start, targetEnd) === 'PRI *') {
      return fault('invalid-start-line', start, 'this is the HTTP/2 connection preface: the client speaks HTTP/2 with prior knowledge');
    }
    return afterVersion;
  }
  const lineEnd = scanLineEnd(bytes, afterVersion, end, limit);
  if (typeof lineEnd !== 'number') return lineEnd;
  const method = latin1(bytes, start, methodEnd);
  return {
    kind: 'start-line',
    line: latin1(bytes, start, afterVersion),
    request: {
      method,
      target: latin1(bytes, targetStart, targetEnd),
      version: latin1(bytes, versionStart, afterVersion),
    },
    response: null,
    end: lineEnd,
  };
}

export function scanStatusLine(bytes: Uint8Array, start: number, end: number, limit: LineLimit): ParsedStartLine | LineFault | Pending {
  const afterVersion = scanVersion(bytes, start, end, limit);
  if (typeof afterVersion !== 'number') return afterVersion;
  let i = afterVersion;
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  if (bytes[i] !== SP) return startLineFault(bytes, i, end, 'expected a space after the HTTP version');
  i++;
  let status = 0;
  for (let k = 0; k < 3; k++, i++) {
    if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
    if (i >= end) return PENDING;
    const c = bytes[i]!;
    if (!isDigit(c)) return startLineFault(bytes, i, end, 'expected a three-digit status code');
    status = status * 10 + (c - 0x30);
  }
  let reasonStart = i;
  let reasonEnd = i;
  if (i < end && i < limit.limitAt && bytes[i] === SP) {
    // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ); "HTTP/1.1 200" without it is common and harmless.
    i++;
    reasonStart = i;
    while (i < end && i < limit.limitAt) {
      const c = bytes[i]!;
      if (c === CR || c === LF) break;
      if (isOtherCtl(c)) return fault('invalid-start-line', i, `control character ${describeByte(c)} in the reason phrase`);
      i++;
    }
    reasonEnd = i;
  }
  const lineEnd = scanLineEnd(bytes, i, end, limit);
  if (typeof lineEnd !== 'number') {
    if (lineEnd.kind === 'fault' && lineEnd.code === 'invalid-start-line') {
      return fault('invalid-start-line', i, `expected a space or the end of the line after the status code, found ${describeByte(bytes[i]!)}`);
    }
    return lineEnd;
  }
  return {
    kind: 'start-line',
    line: latin1(bytes, start, reasonEnd),
    request: null,
    response: { version: latin1(bytes, start, afterVersion), status, reason: latin1(bytes, reasonStart, reasonEnd) },
    end: lineEnd,
  };
}

/**
 * One field line of a header or trailer section. `firstLine` matters for trailers: a
 * first trailer line that starts with whitespace is not folding, just invalid.
 */
export function scanFieldLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  section: Section,
  firstLine: boolean,
  limit: LineLimit,
): ParsedField | LineFault | Pending {
  const badName: AnomalyCode = section === 'trailer' ? 'trailer-invalid' : 'invalid-field-char';
  const noun = section === 'trailer' ? 'trailer' : 'header';
  let i = start;
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  const first = bytes[i]!;
  if (isWs(first)) {
    if (section === 'trailer' && firstLine) return fault('trailer-invalid', i, 'the first trailer line starts with whitespace');
    return fault('obs-fold', i, `a ${noun} line starts with whitespace (obsolete line folding)`);
  }
  while (i < end && i < limit.limitAt && TCHAR[bytes[i]!]) i++;
  if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
  if (i >= end) return PENDING;
  const nameEnd = i;
  let c = bytes[i]!;
  if (c !== COLON) {
    if (isWs(c) && i > start) {
      let j = i;
      while (j < end && j < limit.limitAt && isWs(bytes[j]!)) j++;
      if (j >= limit.limitAt) return fault(limit.code, j, limit.detail);
      if (j >= end) return PENDING;
      if (bytes[j] === COLON) return fault('ws-before-colon', i, `whitespace between the ${noun} field name and ":"`);
    }
    if (c === CR) {
      if (i + 1 >= end) return PENDING;
      if (bytes[i + 1] !== LF) return fault('bare-cr', i, 'a CR is not followed by LF');
    }
    const detail =
      c === CR || c === LF
        ? `a ${noun} line has no colon`
        : i === start
          ? `a ${noun} line has no field name before ${describeByte(c)}`
          : `a ${noun} field name contains ${describeByte(c)}`;
    return fault(badName, i, detail);
  }
  if (i === start) return fault(badName, i, `a ${noun} line starts with ":" (empty field name)`);
  i++;
  const valueStart = i;
  for (; i < end; i++) {
    if (i >= limit.limitAt) return fault(limit.code, i, limit.detail);
    c = bytes[i]!;
    if (c === CR) {
      if (i + 1 >= end) return PENDING;
      if (bytes[i + 1] !== LF) return fault('bare-cr', i, 'a CR is not followed by LF');
      if (i + 1 >= limit.limitAt) return fault(limit.code, i + 1, limit.detail);
      return {
        kind: 'field',
        name: latin1(bytes, start, nameEnd),
        value: trimOws(bytes, valueStart, i),
        end: i + 2,
      };
    }
    if (c === LF) return fault('bare-lf-in-fields', i, `the ${noun} line ends with LF instead of CRLF`);
    if (isOtherCtl(c)) return fault('invalid-field-char', i, `control character ${describeByte(c)} in a ${noun} value`);
  }
  return PENDING;
}

function trimOws(bytes: Uint8Array, start: number, end: number): string {
  while (start < end && isWs(bytes[start]!)) start++;
  while (end > start && isWs(bytes[end - 1]!)) end--;
  return latin1(bytes, start, end);
}

