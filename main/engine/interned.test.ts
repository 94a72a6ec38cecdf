// Rows share the strings they repeat: what a row says must be exactly what it said before,
// whatever the string (any UTF-16, lone surrogates included, put together from parts, long).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interned } from './interned';

/** Any UTF-16 code unit, so lone surrogates too. */
const codeUnit = fc.nat(0xffff).map((unit) => String.fromCharCode(unit));

describe('strings kept once for every row', () => {
  it('gives back an equal string, the first time and again', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(codeUnit, fc.constantFrom('a', ' ', '/', ':')), maxLength: 600 }), fc.string({ unit: 'binary-ascii', maxLength: 40 }), (text, tail) => {
        // A string put together from parts, as a headline is.
        const joined = `${text} after ${tail}`;
        expect(interned(text)).toBe(text);
        expect(interned(joined)).toBe(joined);
        expect(interned(`${text} after ${tail}`)).toBe(joined);
      }),
    );
  });

  it('keeps lone surrogates and nothing-at-all as they are', () => {
    expect(interned('\ud800 and \udfff')).toBe('\ud800 and \udfff');
    expect(interned('')).toBe('');
    expect(interned(null)).toBeNull();
  });
});
