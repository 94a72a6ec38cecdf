import { describe, expect, it } from 'vitest';
import { SORT_KEYS } from '../components/list/columns';
import { chunkedResponse, row } from '../test-support/rows';
import { chunkParts, chunkRange } from './chunks';
import { fitWidths, sortRows } from './sort';

describe('sorting the list', () => {
  const rows = [
    row({ connection: 1, seq: 1, status: 200, bodyBytes: 10 }),
    row({ connection: 2, seq: 2, status: null, bodyBytes: 30 }),
    row({ connection: 3, seq: 3, status: 500, bodyBytes: 20 }),
    row({ connection: 4, seq: 4, status: 200, bodyBytes: 40 }),
  ];
  const order = (sorting: { id: string; desc: boolean }[]) => sortRows(rows, sorting, SORT_KEYS).map((r) => r.connection);

  it('by a column either way, ties in session order, a missing value last', () => {
    expect(order([{ id: 'status', desc: false }])).toEqual([1, 4, 3, 2]);
    expect(order([{ id: 'status', desc: true }])).toEqual([3, 1, 4, 2]);
    expect(order([{ id: 'bytes', desc: true }])).toEqual([4, 2, 3, 1]);
    expect(order([])).toEqual([1, 2, 3, 4]);
  });

  it('by several columns in turn', () => {
    expect(order([{ id: 'status', desc: false }, { id: 'bytes', desc: true }])).toEqual([4, 1, 3, 2]);
  });
});

describe('column widths', () => {
  it('give the room left over to the flexible columns, and never shrink below what was asked', () => {
    expect(fitWidths([50, 100, 200], [0, 1, 1], 450)).toEqual([50, 150, 250]);
    expect(fitWidths([50, 100, 200], [0, 1, 1], 300)).toEqual([50, 100, 200]);
  });
});

describe('a chunk’s bytes', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('lie from its size line to the next chunk’s', () => {
    const m = chunkedResponse([5, 3], [0, 0.1], { lastChunk: { offset: 70, sizeToken: '0', extensions: '' } });
    expect(chunkRange(m, 0)).toEqual({ from: 47, to: 47 + 1 + 2 + 5 + 2 });
    expect(chunkRange(m, 1)).toEqual({ from: 57, to: 70 });
    expect(chunkRange(m, 2)).toBeNull();
  });

  it('split into size token, extensions, line end, data and CRLF by the engine’s spans', () => {
    const text = '5;name=value\r\nhello\r\n';
    const parts = chunkParts({
      offset: 47,
      bytes: bytes(text),
      spans: [
        { offset: 47, length: 1, kind: 'size-line' },
        { offset: 48, length: 11, kind: 'extension' },
        { offset: 59, length: 2, kind: 'size-line' },
        { offset: 61, length: 5, kind: 'data' },
        { offset: 66, length: 2, kind: 'crlf' },
      ],
    });
    const decode = (p: { bytes: Uint8Array } | null) => (p ? new TextDecoder().decode(p.bytes) : null);
    expect([parts.sizeToken, parts.extensions, parts.lineEnd, parts.data, parts.crlf].map(decode)).toEqual(['5', ';name=value', '\r\n', 'hello', '\r\n']);
    expect(parts.data!.offset).toBe(61);
  });

  it('split a size line without extensions at its line end, and read the CRLF of a long chunk from its tail', () => {
    const head = { offset: 0, bytes: bytes('5DC\r\nxxxx'), spans: [{ offset: 0, length: 5, kind: 'size-line' as const }, { offset: 5, length: 1500, kind: 'data' as const }] };
    const tail = { offset: 1503, bytes: bytes('xx\r\n'), spans: [{ offset: 5, length: 1500, kind: 'data' as const }, { offset: 1505, length: 2, kind: 'crlf' as const }] };
    const parts = chunkParts(head, tail);
    expect(new TextDecoder().decode(parts.sizeToken!.bytes)).toBe('5DC');
    expect(new TextDecoder().decode(parts.lineEnd!.bytes)).toBe('\r\n');
    expect(parts.data!.bytes.length).toBe(4); // the head's data; the tail's is not joined to it
    expect(parts.crlf).toMatchObject({ offset: 1505 });
  });
});
