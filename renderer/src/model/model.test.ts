import { describe, expect, it } from 'vitest';
import { kindsOf } from './raw';

describe('the raw view', () => {
  it('gives each byte the kind of the span it is in', () => {
    const kinds = kindsOf(
      [
        { offset: 0, length: 3, kind: 'head' },
        { offset: 3, length: 2, kind: 'size-line' },
        { offset: 6, length: 2, kind: 'data' },
      ],
      2,
      8,
    );
    expect(kinds).toEqual(['head', 'size-line', 'size-line', 'unknown', 'data', 'data']);
  });
});
