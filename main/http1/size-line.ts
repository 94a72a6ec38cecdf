// Reads one chunk-size or last-chunk line (RFC 9112 §7.1, §7.1.1):
//
//   chunk-size [ chunk-ext ] CRLF
//   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val  = token / quoted-string
//
// A left-to-right scan that stops at the first problem, so a prefix of a line that
// already holds a problem gives the same verdict as the whole line: that is what keeps
// results identical however the bytes were split.

import type { AnomalyCode } from '../../shared/anomalies';
import * as bytesModule from './bytes';

// Bound locally: under the test runner's module loader every use of an imported
// binding is a getter call, which made these per-byte loops five times slower.
const { BACKSLASH, CR, DQUOTE, EQUALS, HEX_PLUS_ONE, LF, SEMI, TCHAR, describeByte, isOtherCtl, isWs, latin1 } = bytesModule;

export interface SizeLine {
  kind: 'line';
  sizeToken: string;
  size: number;
  extensions: string;
  /** Index just past the LF. */
  end: number;
  /** Index of the first bad whitespace around ; or = (valid but worth a note), or -1. */
  bwsAt: number;
}

export interface SizeLineFault {
  kind: 'fault';
  code: AnomalyCode;
  at: number;
  detail: string;
}

export type SizeLineResult = SizeLine | SizeLineFault | { kind: 'pending' };

const PENDING = { kind: 'pending' } as const;

/** 2^53-1 is the largest integer a double holds exactly; past this we cannot shift in a digit. */
const MAX_BEFORE_SHIFT = 0x1ffffffffffff; // (2^53 - 1 - 15) / 16, rounded down

const enum S {
  AfterDigits, // digits read; only BWS ";" or CRLF may follow
  AfterItem, // after an extension name or value
  Ws, // whitespace after digits or an item: must lead to ";" (or "=" after a name)
  AfterSemi,
  Name,
  AfterEquals,
  Token,
  Quoted,
  QuotedPair,
}

function fault(code: AnomalyCode, at: number, detail: string): SizeLineFault {
  return { kind: 'fault', code, at, detail };
}

/**
 * Scan bytes[start..end) as one size line. `end` is where the available bytes stop; the
 * scan ends at the first LF. Returns 'pending' when the bytes run out before a verdict.
 */
export function scanSizeLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  maxDigits: number,
  extBudget: number,
  extLimit: number,
): SizeLineResult {
  let i = start;
  if (i >= end) return PENDING;
  const first = bytes[i]!;
  if (HEX_PLUS_ONE[first] === 0) {
    if (first === CR && i + 1 >= end) return PENDING;
    const what = first === CR || first === LF ? 'an empty line' : `${describeByte(first)}`;
    return fault('invalid-chunk-size', i, `expected a hex chunk size, found ${what}`);
  }

  // chunk-size = 1*HEXDIG, read without parseInt, Number() or 32-bit operations.
  let size = 0;
  while (i < end) {
    const digit = HEX_PLUS_ONE[bytes[i]!]!;
    if (digit === 0) break;
    if (i - start >= maxDigits) {
      return fault('chunk-size-line-too-long', i, `the chunk-size token is longer than ${maxDigits} hex digits`);
    }
    if (size > MAX_BEFORE_SHIFT) {
      return fault('chunk-size-overflow', start, 'the chunk size is larger than 2^53-1 bytes');
    }
    size = size * 16 + (digit - 1);
    i++;
  }
  const digitsEnd = i;
  const overBudgetAt = digitsEnd + extBudget; // first index that would go over the budget

  let state: S = S.AfterDigits;
  let wsStart = -1;
  let nameWithoutValue = false;
  let bwsAt = -1;

  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === CR) {
      if (i + 1 >= end) return PENDING;
      if (bytes[i + 1] === LF) {
        // The line ends here: legal only after digits or a complete item.
        if (state === S.AfterDigits || state === S.AfterItem || state === S.Name || state === S.Token) {
          return {
            kind: 'line',
            sizeToken: latin1(bytes, start, digitsEnd),
            size,
            extensions: latin1(bytes, digitsEnd, i),
            end: i + 2,
            bwsAt,
          };
        }
        if (state === S.Ws) {
          return fault('chunk-line-trailing-ws', wsStart, 'whitespace before the end of the chunk line');
        }
        return fault('chunk-ext-invalid', i, lineEndsEarly(state));
      }
      if (i >= overBudgetAt) return tooLong(i, extLimit);
      return fault('bare-cr', i, 'a CR in the chunk line is not followed by LF');
    }
    if (c === LF) {
      if (state === S.Ws) return fault('chunk-line-trailing-ws', wsStart, 'whitespace before the end of the chunk line');
      if (state === S.Quoted || state === S.QuotedPair) return fault('bare-lf', i, 'an LF inside a quoted chunk extension');
      return fault('bare-lf', i, 'the chunk line ends with LF instead of CRLF');
    }
    if (i >= overBudgetAt) return tooLong(i, extLimit);

    switch (state) {
      case S.AfterDigits:
      case S.AfterItem:
        if (c === SEMI) state = S.AfterSemi;
        else if (isWs(c)) {
          wsStart = i;
          state = S.Ws;
        } else if (state === S.AfterItem && c === EQUALS && nameWithoutValue) {
          state = S.AfterEquals;
        } else if (state === S.AfterDigits) {
          return fault('invalid-chunk-size', i, `the chunk size is followed by ${describeByte(c)}`);
        } else return badExtByte(c, i, 'expected ";" or the end of the line');
        break;
      case S.Ws:
        if (isWs(c)) break;
        if (c === SEMI || (c === EQUALS && nameWithoutValue)) {
          if (bwsAt < 0) bwsAt = wsStart;
          state = c === SEMI ? S.AfterSemi : S.AfterEquals;
        } else if (digitsEnd === wsStart) {
          return fault('invalid-chunk-size', i, `the chunk size is followed by whitespace and ${describeByte(c)}`);
        } else return badExtByte(c, i, 'expected ";" after whitespace');
        break;
      case S.AfterSemi:
        if (isWs(c)) {
          if (bwsAt < 0) bwsAt = i;
        } else if (TCHAR[c]) {
          state = S.Name;
          nameWithoutValue = true;
        } else return badExtByte(c, i, 'expected an extension name after ";"');
        break;
      case S.Name:
        if (TCHAR[c]) break;
        if (c === EQUALS) state = S.AfterEquals;
        else if (c === SEMI) state = S.AfterSemi;
        else if (isWs(c)) {
          wsStart = i;
          state = S.Ws;
        } else return badExtByte(c, i, 'an extension name is not a token');
        break;
      case S.AfterEquals:
        nameWithoutValue = false;
        if (isWs(c)) {
          if (bwsAt < 0) bwsAt = i;
        } else if (TCHAR[c]) state = S.Token;
        else if (c === DQUOTE) state = S.Quoted;
        else return badExtByte(c, i, 'expected a token or a quoted string after "="');
        break;
      case S.Token:
        if (TCHAR[c]) break;
        if (c === SEMI) state = S.AfterSemi;
        else if (isWs(c)) {
          wsStart = i;
          state = S.Ws;
        } else return badExtByte(c, i, 'an extension value is not a token');
        break;
      case S.Quoted:
        if (c === DQUOTE) state = S.AfterItem;
        else if (c === BACKSLASH) state = S.QuotedPair;
        else if (isOtherCtl(c)) return ctl(c, i);
        break;
      case S.QuotedPair:
        if (isOtherCtl(c)) return ctl(c, i);
        state = S.Quoted;
        break;
    }
  }
  return PENDING;
}

function lineEndsEarly(state: S): string {
  switch (state) {
    case S.AfterSemi:
      return 'the chunk line ends after ";" without an extension name';
    case S.AfterEquals:
      return 'the chunk line ends after "=" without an extension value';
    default:
      return 'the chunk line ends inside a quoted string';
  }
}

function badExtByte(c: number, at: number, expected: string): SizeLineFault {
  if (isOtherCtl(c)) return ctl(c, at);
  return fault('chunk-ext-invalid', at, `${expected}, found ${describeByte(c)}`);
}

function ctl(c: number, at: number): SizeLineFault {
  return fault('chunk-ext-ctl', at, `control character ${describeByte(c)} in a chunk extension`);
}

function tooLong(at: number, limit: number): SizeLineFault {
  return fault('chunk-ext-too-long', at, `chunk extensions in this message go over the limit of ${limit} bytes`);
}
