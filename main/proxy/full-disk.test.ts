// Mirror first: when the capture's disk fails, the relay goes on without capture. The
// failure is simulated through the writer's seam (no root needed); the real full disk
// (a 20 MB tmpfs) is main/cli/full-disk.test.ts.

import { mkdtempSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecords } from '../capture/reader';
import { CaptureWriter, type AppendBuffers, type CaptureFailure } from '../capture/writer';
import { ProxyServer } from './server';
import { curl } from './test-support/clients';
import { fin, origin, request, write } from './test-support/origin';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A disk with room for `room` bytes: it takes what fits, then every write fails with ENOSPC. */
function fullAfter(room: number): AppendBuffers {
  let left = room;
  return (fd, buffers, done) => {
    if (left === 0) return setImmediate(() => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0));
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

const BODY = 40 * 1024 * 1024; // more than the writer queues before it pauses the relay (16 MiB)

describe('a capture whose disk fills up (simulated ENOSPC)', () => {
  it('the relay goes on without capture: downloads complete byte for byte, new connections too, and the failure is told once', async () => {
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\n\r\n`;
    const server = await origin([request(), write(head), write(Buffer.alloc(BODY, 0x62)), fin()]);
    cleanups.push(() => server.close());
    const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-full-')), 'session.cscap');
    const capture = new CaptureWriter(path, { append: fullAfter(2 * 1024 * 1024) });
    const failures: CaptureFailure[] = [];
    capture.onFailure((failure) => failures.push(failure));
    const proxy = new ProxyServer({ host: '127.0.0.1', port: 0, reverse: { host: '127.0.0.1', port: server.port }, capture, stallSeconds: 30, keepChunks: false });
    const { url } = await proxy.listen();
    cleanups.push(async () => {
      await proxy.close();
      await capture.close();
    });
    for (const name of ['first', 'second']) {
      const result = await curl(['-o', '/dev/null', '-w', '%{size_download}', `${url}/${name}`]);
      expect(result.stderr).toBe('');
      expect([result.status, Number(result.output.toString())]).toEqual([0, BODY]);
    }
    expect(failures.map((f) => f.message)).toEqual([`capture stopped: the disk is full at ${path} after ${failures[0]!.bytes.toLocaleString('en-US')} bytes; traffic is still relayed`]);
    // The capture opens, with the first connection up to the failure.
    const records = [...readRecords([readFileSync(path)])];
    expect(records[0]).toMatchObject({ type: 'session' });
    expect(records.some((r) => r.type === 'data' && r.connection === 1)).toBe(true);
  });
});
