// Reading from origins: buffers sized to need, so 200 downloads at once do not hold
// 200 slabs of 4 MiB (1.3 GB), and what a read returned is never overwritten.
import { afterEach, describe, expect, it } from 'vitest';
import { READ_BUDGET, ReadBuffers } from './read-buffers';

const open: ReadBuffers[] = [];
afterEach(() => {
  while (open.length) open.pop()!.release();
});

function reader(): ReadBuffers {
  const reads = new ReadBuffers();
  open.push(reads);
  return reads;
}

/** A read of `n` bytes of `fill` into the buffer Node would be given; what it hands on. */
function read(reads: ReadBuffers, n: number, fill: number): Buffer {
  const buffer = reads.next();
  buffer.fill(fill, 0, n);
  return reads.took(n);
}

/** Memory a buffer keeps alive: its whole backing block, not just its own bytes. */
const held = (buffer: Buffer) => buffer.buffer.byteLength;

describe('read buffers for origin connections', () => {
  it('grow while reads come back full, to 1 MiB for one download, and shrink to fit when they come back short', () => {
    const reads = reader();
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      sizes.push(reads.next().length);
      read(reads, reads.next().length, 1);
    }
    expect(sizes).toEqual([64, 128, 256, 512, 1024, 1024].map((k) => k * 1024));
    read(reads, 100, 2); // the download ended: the connection waits for the next response
    expect(reads.next().length).toBe(64 * 1024);
    expect(held(reads.next())).toBeLessThanOrEqual(64 * 1024 + 8192);
  });

  it('what a read returned stays as it was while the next reads fill their buffers', () => {
    const reads = reader();
    const full = read(reads, 64 * 1024, 0x61);
    const short = read(reads, 10, 0x62); // copied out: its buffer is read into again
    const next = read(reads, 20, 0x63);
    read(reads, 64 * 1024, 0x64);
    expect(full.every((b) => b === 0x61)).toBe(true);
    expect(short.toString()).toBe('b'.repeat(10));
    expect(next.toString()).toBe('c'.repeat(20));
    // A short read does not keep a block many times its size alive.
    expect(held(short)).toBeLessThan(64 * 1024);
  });

  it('200 connections reading at full speed share READ_BUDGET: their buffers hold 32 MiB, not 200 slabs', () => {
    const readers = Array.from({ length: 200 }, reader);
    for (let round = 0; round < 8; round++) for (const reads of readers) read(reads, reads.next().length, round);
    const waiting = readers.reduce((n, reads) => n + held(reads.next()), 0);
    expect(waiting).toBeLessThanOrEqual(READ_BUDGET);
    expect(readers[0]!.next().length).toBeGreaterThanOrEqual(64 * 1024);
    // When they are gone, one download reads in 1 MiB pieces again.
    for (const reads of readers) reads.release();
    const alone = reader();
    for (let i = 0; i < 6; i++) read(alone, alone.next().length, 1);
    expect(alone.next().length).toBe(1024 * 1024);
  });
});
