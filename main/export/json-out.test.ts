import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces } from './json-out';

function written(value: unknown): string {
  return [...jsonPieces(value)].join('');
}

describe('JSON written in pieces', () => {
  it('is the text JSON.stringify gives, for any value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(written(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  it('long arrays deep inside, written element by element, read back the same', () => {
    const report = { connections: [{ id: 'c1', exchanges: [{ response: { chunks: Array.from({ length: 5000 }, (_, i) => ({ index: i, sizeToken: '1', crlf: true })), empty: [] } }] }], verdict: 'ok' };
    const text = written(report);
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  it('a document larger than a string can hold goes out in pieces, none of them large', () => {
    let pieces = 0;
    let largest = 0;
    const chunks = Array.from({ length: 3_000_000 }, (_, i) => ({ index: i, offset: i * 6, sizeToken: '1', size: 1, extensions: '', dataOffset: i * 6 + 3, dataLength: 1, crlf: true }));
    for (const piece of jsonPieces({ messages: [{ chunks }] })) {
      pieces++;
      largest = Math.max(largest, piece.length);
    }
    expect(pieces).toBeGreaterThan(1000);
    expect(largest).toBeLessThan(1024 * 1024);
  });
});
