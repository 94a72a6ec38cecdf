// The capture writer keeps up with a flood of tiny records (a million pipelined GETs
// write two small buffers each): a write's worth queued is written at once, not 1,024
// buffers a timer tick, and a queue of many buffers pauses the relay however few bytes
// they hold. Time is frozen here (fake timers): only the writer's own writes move.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureWriter, type AppendBuffers } from './writer';

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'chunkscope-writer-')), 'test.cscap');
}

const GET = Buffer.from('GET /small HTTP/1.1\r\nHost: bench\r\n\r\n');

/** A disk that takes every write whole, on the next turn of the event loop. */
function quickDisk(): { append: AppendBuffers; buffers: () => number } {
  let buffers = 0;
  return {
    append: (_fd, batch, done) => {
      buffers += batch.length;
      const length = batch.reduce((n, b) => n + b.length, 0);
      setImmediate(() => done(null, length));
    },
    buffers: () => buffers,
  };
}

/** Turns of the event loop until the disk stops being written (bounded). */
async function settle(written: () => number): Promise<void> {
  for (let i = 0, last = -1; i < 10_000 && written() !== last; i++) {
    last = written();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the capture writer, under a flood of tiny records', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes what is queued at once when a write’s worth waits, not 1,024 buffers at each tick of its timer', async () => {
    const disk = quickDisk();
    const writer = new CaptureWriter(tempPath(), { append: disk.append });
    for (let i = 0; i < 20_000; i++) writer.data(1, 0, false, i / 1000, GET);
    await settle(disk.buffers);
    // 40,000 buffers queued; the timer never ticked: less than one write's worth still waits for it.
    expect(disk.buffers()).toBeGreaterThan(40_000 - 1024);
    expect(writer.busy).toBe(false);
  });

  it('pauses the relay once many buffers are queued, however few bytes they hold', () => {
    // A disk that never finishes its first write.
    const writer = new CaptureWriter(tempPath(), { append: () => undefined });
    let i = 0;
    while (!writer.busy && i < 200_000) writer.data(1, 0, false, i++ / 1000, GET);
    expect(writer.busy).toBe(true);
    // Paused with about 2.5 MB queued, far under the 16 MiB the bytes alone would need.
    expect(i * (GET.length + 19)).toBeLessThan(4 * 1024 * 1024);
  });
});
