// Where a connection's records lie: a slice of one stream is read from the records that
// hold it, found without walking the connection's other records.
import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../capture/format';
import { ConnectionRecords } from './connection-records';

const open = { type: 'open', connection: 1, time: 0, client: '127.0.0.1:5000', mode: 'forward' } as unknown as Extract<CaptureEvent, { type: 'open' }>;

/** A connection of `reads` data records alternating between the client's two streams, record i of `i % 7 + 1` bytes, all of byte value i % 251, at file position 1000·i. */
function connection(reads: number) {
  const records = new ConnectionRecords(1, open);
  const streams: number[][] = [[], []];
  for (let i = 0; i < reads; i++) {
    const stream = (i % 3 === 0 ? 0 : 1) as 0 | 1;
    const length = (i % 7) + 1;
    records.addData(stream, false, i, length, i * 1000);
    for (let k = 0; k < length; k++) streams[stream]!.push(i % 251);
  }
  // The file: a record's bytes are its number mod 251, so any slice read can be checked.
  const read = (position: number, length: number) => new Uint8Array(length).fill((position / 1000) % 251 | 0);
  return { records, streams, read };
}

describe('a slice of one stream of a connection', () => {
  it('has the bytes of that stream alone, at any offset and length', () => {
    const { records, streams, read } = connection(2000);
    for (const stream of [0, 1] as const) {
      const all = streams[stream]!;
      expect(records.bytesOf(stream)).toBe(all.length);
      for (const [from, to] of [[0, 1], [0, all.length], [5, 6], [37, 400], [all.length - 3, all.length], [all.length, all.length + 10], [123, 123]]) {
        expect([...records.readStream(stream, from!, to!, read)]).toEqual(all.slice(from, to).concat(Array(Math.max(0, to! - Math.max(from!, all.length))).fill(0)));
      }
    }
  });

  it('is found without walking every record of a connection of 200,000 reads', () => {
    const { records, read } = connection(200_000);
    // What the index is looked at, counted: every typed array the records keep, behind a proxy.
    let looks = 0;
    const fields = records as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (ArrayBuffer.isView(value)) {
        fields[key] = new Proxy(value as Float64Array, {
          get: (target, property) => {
            if (typeof property === 'string' && /^\d+$/.test(property)) looks++;
            const got = Reflect.get(target, property, target) as unknown;
            return typeof got === 'function' ? (got as (...a: unknown[]) => unknown).bind(target) : got;
          },
        });
      }
    }
    const middle = records.bytesOf(1) / 2;
    const slice = records.readStream(1, middle, middle + 64, read);
    expect(slice.length).toBe(64);
    // A binary search (about 18 steps) and the 16-odd records the 64 bytes lie in, a few looks each: not 200,000.
    expect(looks).toBeLessThan(1000);
  });
});
