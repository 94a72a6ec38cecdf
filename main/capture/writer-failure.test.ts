// A capture whose disk fails (simulated here: the file system's append fails through the
// writer's seam, so no root is needed; main/cli/full-disk.test.ts fills a real tmpfs):
// the capture stops, the relay is let go, the file keeps every whole record before the
// failure, and one sentence says what happened.

import { mkdtempSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeEvent, type CaptureRecord } from './format';
import { readRecords } from './reader';
import { CaptureWriter, type AppendBuffers, type CaptureFailure } from './writer';

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'chunkscope-disk-')), 'test.cscap');
}

/** A disk with room for `room` more bytes: it takes what fits (a short write), then fails with `code`. */
function failingDisk(room: number, code: string): AppendBuffers {
  let left = room;
  return (fd, buffers, done) => {
    if (left === 0) return setImmediate(() => done(Object.assign(new Error(`${code}: simulated, write`), { code }), 0));
    let written = 0;
    for (const buffer of buffers) {
      const n = Math.min(buffer.length, left - written);
      if (n > 0) writeSync(fd, buffer, 0, n);
      written += n;
      if (written === left) break;
    }
    left -= written;
    setImmediate(() => done(null, written));
  };
}

function readAll(bytes: Uint8Array): { records: CaptureRecord[]; truncatedBytes: number } {
  const records: CaptureRecord[] = [];
  const reader = readRecords([bytes]);
  let step = reader.next();
  for (; !step.done; step = reader.next()) records.push(step.value);
  return { records, truncatedBytes: step.value.truncatedBytes };
}

const block = Buffer.alloc(64 * 1024, 0x61);

/** Queue 40 MiB of data records, each after an event, numbered by their time. */
function fill(writer: CaptureWriter): void {
  for (let i = 0; i < 640; i++) {
    writer.event({ type: 'open', connection: i + 1, time: i, client: '127.0.0.1:1', mode: 'reverse' });
    writer.data(i + 1, 1, false, i, block);
  }
}

/** How many of fill()'s records lie wholly in the first `size` bytes of the file. */
function wholeRecords(size: number): number {
  let at = 10;
  for (let k = 0; ; k++) {
    const i = Math.floor(k / 2);
    at += k % 2 ? 19 + block.length : encodeEvent({ type: 'open', connection: i + 1, time: i, client: '127.0.0.1:1', mode: 'reverse' }).length;
    if (at > size) return k;
  }
}

describe('a capture whose disk fails', () => {
  it('a full disk (simulated ENOSPC, mid-record): the relay is let go, the file keeps every whole record, one sentence says so', async () => {
    const path = tempPath();
    const writer = new CaptureWriter(path, { append: failingDisk(1_000_000, 'ENOSPC') });
    const failures: CaptureFailure[] = [];
    writer.onFailure((failure) => failures.push(failure));
    fill(writer);
    expect(writer.busy).toBe(true); // the relay pauses for the disk...
    await new Promise<void>((resolve) => writer.onDrain(resolve)); // ...and is let go when it fails
    expect(writer.busy).toBe(false);
    expect(failures).toHaveLength(1);
    const size = statSync(path).size;
    expect(failures[0]).toEqual({ code: 'ENOSPC', bytes: size, message: `capture stopped: the disk is full at ${path} after ${size.toLocaleString('en-US')} bytes; traffic is still relayed` });
    // Everything before the failure, whole; the record cut in the middle is gone.
    const { records, truncatedBytes } = readAll(readFileSync(path));
    expect(truncatedBytes).toBe(0);
    expect(records.length).toBe(wholeRecords(10 + 1_000_000));
    expect(records.map((r) => r.type === 'data' ? `data ${r.time} ${r.bytes.length}` : `${r.type} ${'time' in r ? r.time : ''}`)).toEqual(
      Array.from({ length: records.length }, (_, k) => (k % 2 ? `data ${(k - 1) / 2} ${block.length}` : `open ${k / 2}`)),
    );
    // Nothing more is queued (memory stays flat) or written, and closing does not throw.
    fill(writer);
    expect(writer.busy).toBe(false);
    await writer.close();
    expect(statSync(path).size).toBe(size);
    expect(failures).toHaveLength(1);
  });

  for (const [code, words] of [
    ['EIO', 'the disk reported an I/O error (EIO) writing'],
    ['EROFS', 'the file system of {path} became read-only (EROFS)'],
    ['EACCES', 'writing {path} is no longer permitted (EACCES)'],
  ] as const) {
    it(`any other write error (simulated ${code}) stops the capture the same way, in its own words`, async () => {
      const path = tempPath();
      const writer = new CaptureWriter(path, { append: failingDisk(300_000, code) });
      const failure = new Promise<CaptureFailure>((resolve) => writer.onFailure(resolve));
      fill(writer);
      const { message, bytes } = await failure;
      expect(message).toContain(words.includes('{path}') ? words.replace('{path}', path) : `${words} ${path}`);
      expect(message).toMatch(/^capture stopped: .* after [\d,]+ bytes; traffic is still relayed$/);
      expect(statSync(path).size).toBe(bytes);
      expect(readAll(readFileSync(path)).truncatedBytes).toBe(0);
      await writer.close();
    });
  }

  it('a flush waiting for the disk is let go when it fails', async () => {
    const path = tempPath();
    const writer = new CaptureWriter(path, { append: failingDisk(0, 'ENOSPC') });
    writer.event({ type: 'open', connection: 1, time: 0, client: '127.0.0.1:1', mode: 'reverse' });
    await writer.flush();
    expect(writer.failure?.message).toBe(`capture stopped: the disk is full at ${path} after 10 bytes; traffic is still relayed`);
    expect(readAll(readFileSync(path)).records).toEqual([]);
    await writer.close();
  });
});
