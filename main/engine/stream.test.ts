import { describe, expect, it } from 'vitest';
import type { ChunkRecord, MessageRecord } from '../../shared/ledger';
import { bodyRangesAfter } from './stream';

function chunk(index: number, dataOffset: number, dataLength: number): ChunkRecord {
  return { index, offset: dataOffset - 3, sizeToken: dataLength.toString(16), size: dataLength, extensions: '', dataOffset, dataLength, crlf: true };
}

describe("the Stream view's body ranges", () => {
  // Chunk data at [10,15), [20,25), [30,35): the bytes between are size lines and CRLFs.
  const chunked = { framing: 'chunked', chunks: [chunk(0, 10, 5), chunk(1, 20, 5), chunk(2, 30, 5)], bodyLength: 15, end: 40 } as unknown as MessageRecord;

  it('gives every chunk of a body not yet fed, with the chunk it came in', () => {
    expect(bodyRangesAfter(chunked, 0)).toEqual([
      { from: 10, to: 15, chunk: 0 },
      { from: 20, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
  });

  it('skips the chunks fed already and starts mid-chunk where the last look stopped', () => {
    expect(bodyRangesAfter(chunked, 15)).toEqual([
      { from: 20, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
    expect(bodyRangesAfter(chunked, 22)).toEqual([
      { from: 22, to: 25, chunk: 1 },
      { from: 30, to: 35, chunk: 2 },
    ]);
    expect(bodyRangesAfter(chunked, 35)).toEqual([]);
  });

  it('gives the rest of a body that is not chunked', () => {
    const plain = { framing: 'content-length', chunks: null, bodyLength: 100, end: 150 } as unknown as MessageRecord;
    expect(bodyRangesAfter(plain, 0)).toEqual([{ from: 50, to: 150, chunk: null }]);
    expect(bodyRangesAfter(plain, 120)).toEqual([{ from: 120, to: 150, chunk: null }]);
    expect(bodyRangesAfter(plain, 150)).toEqual([]);
  });
});
