import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecFor, Utf8Codec } from './text-codec';
import { piecesAt } from './test-support/run';

/** Decode in pieces; the absolute byte offset of every code unit. */
function decodeIn(pieces: Uint8Array[]): { text: string; starts: number[] } {
  const codec = new Utf8Codec();
  let text = '';
  const starts: number[] = [];
  let base = 0;
  pieces.forEach((piece, i) => {
    const out = codec.decode(piece, i === pieces.length - 1);
    text += out.text;
    for (let k = 0; k < out.text.length; k++) starts.push(base + (out.starts ? out.starts[k]! : k));
    base += piece.length;
  });
  return { text, starts };
}

// Bytes that are mostly UTF-8 with broken sequences mixed in.
const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }).map((s) => [...new TextEncoder().encode(s)]), fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 3 })), { maxLength: 12 }).map((parts) => Uint8Array.from(parts.flat())),
);

describe('Utf8Codec', () => {
  it('decodes exactly as TextDecoder does, however the bytes are split', () => {
    fc.assert(
      fc.property(bodyBytes, fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        const whole = decodeIn([bytes]);
        expect(whole.text).toBe(expected);
        const split = decodeIn(piecesAt(bytes, cuts.map((c) => c % (bytes.length + 1))));
        expect(split).toEqual(whole);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives each code unit the offset of its first byte', () => {
    fc.assert(
      fc.property(bodyBytes, (bytes) => {
        const { text, starts } = decodeIn([bytes]);
        for (let k = 0; k < text.length; k++) {
          expect(starts[k]).toBeGreaterThanOrEqual(k === 0 ? 0 : starts[k - 1]!);
          const code = text.codePointAt(k)!;
          if (code === 0xfffd || (text.charCodeAt(k) >= 0xdc00 && text.charCodeAt(k) <= 0xdfff)) continue;
          // The character's own bytes re-encode to exactly what the body holds there.
          const own = new TextEncoder().encode(String.fromCodePoint(code));
          expect(bytes.subarray(starts[k]!, starts[k]! + own.length)).toEqual(own);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('maps an invalid byte and a cut sequence to one U+FFFD each at the right bytes', () => {
    const bytes = Uint8Array.from([0x61, 0xff, 0xe6, 0x97, 0x62, 0xf0, 0x9f, 0x98, 0x80]);
    expect(decodeIn([bytes])).toEqual({ text: 'a\ufffd\ufffdb😀', starts: [0, 1, 2, 4, 5, 5] });
  });
});

describe('codecFor', () => {
  it('decodes single-byte charsets one byte per code unit, and falls back to UTF-8 otherwise', () => {
    expect(codecFor('ISO-8859-1').encoding).toBe('windows-1252');
    expect(codecFor('koi8-r').encoding).toBe('koi8-r');
    expect(codecFor('iso-8859-1').decode(Uint8Array.from([0x43, 0xe9]), false)).toEqual({ text: 'Cé', starts: null });
    for (const label of [null, 'utf-8', 'UTF-16', 'shift_jis', 'no-such-charset']) expect(codecFor(label).encoding).toBe('utf-8');
  });
});
