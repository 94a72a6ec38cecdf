// Edit and resend, on requests captured by the proxy: the plan of each captured request
// sends exactly the bytes the client sent, whatever their framing; where it went and how
// the client cut it short come with it.

import net from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecords } from '../capture/reader';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { capturedPlan, capturedRequests, CannotCompose } from './from-capture';
import { formatPlan } from './format';
import { parsePlan } from './text';
import { planBytes } from './wire';
import { rawOrigin } from './test-support/raw-origin';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const HEAD = 'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';

/** Requests sent through a reverse proxy, one connection each: each is a list of writes, then `end`. */
async function captured(connections: { writes: string[]; pauseMs?: number; end: 'fin' | 'rst' }[]): Promise<() => ReturnType<typeof readRecords>> {
  // Answers once each request is in: the client's own end, or a length only it knows.
  const origin = await rawOrigin((_, ended) => ended);
  cleanups.push(() => origin.close());
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: origin.port } });
  cleanups.push(() => proxy.finish());
  for (const c of connections) {
    await new Promise<void>((resolve) => {
      const socket = net.connect(proxy.port, '127.0.0.1', async () => {
        for (const [i, w] of c.writes.entries()) {
          if (i > 0 && c.pauseMs) await new Promise((r) => setTimeout(r, c.pauseMs));
          await new Promise<void>((r) => socket.write(w, 'latin1', () => r()));
        }
        if (c.end === 'rst') socket.resetAndDestroy();
        else socket.end();
      });
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
  }
  await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish');
  await proxy.finish();
  return () => readRecords([readFileSync(proxy.capturePath)]);
}

describe('a captured request as the plan that sends it again', () => {
  it('byte for byte, for each request of a keep-alive connection, odd framing included', async () => {
    const requests = [
      `${HEAD}5DC\r\n${'a'.repeat(1500)}\r\n05dc;ext="q r"\r\n${'b'.repeat(1500)}\r\n0000;z\r\nX-Sum: 42\r\n\r\n`,
      'PUT /thing HTTP/1.1\r\nhost:x\r\ncontent-length: 5\r\n\r\nhello',
      `${HEAD}5\nhello\n3\r\nabcXY`,
    ];
    const records = await captured([{ writes: requests, end: 'fin' }]);
    requests.forEach((bytes, index) => {
      const plan = capturedPlan(records(), 1, index);
      expect(planBytes(plan).toString('latin1')).toBe(bytes);
      // And through its text form, as a person edits it.
      expect(planBytes(parsePlan(formatPlan(plan))).toString('latin1')).toBe(bytes);
      expect(plan.to).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });
    expect(formatPlan(capturedPlan(records(), 1, 0))).toContain('chunk 5DC "a" * 1500\nchunk size="05dc;ext=\\"q r\\"" "b" * 1500\nlast 0000;z\ntrailer X-Sum: 42\n');
  });

  it('a request the client reset in the middle of a chunk: the plan resets it after the same byte', async () => {
    const cut = `${HEAD}5DC\r\n${'a'.repeat(700)}`;
    const records = await captured([{ writes: [cut], end: 'rst' }]);
    const plan = capturedPlan(records(), 1, 0);
    expect(planBytes(plan).toString('latin1')).toBe(cut);
    expect(plan.end).toEqual({ how: 'rst', after: 'written' });
    expect(formatPlan(plan)).toContain('chunk 5DC "a" * 700 data-end=none\nno last chunk\nend rst\n');
  });

  it('with the original timing, a pause where the client paused between chunks', async () => {
    const records = await captured([{ writes: [`${HEAD}1\r\na\r\n`, '1\r\nb\r\n0\r\n\r\n'], pauseMs: 150, end: 'fin' }]);
    const { requests } = capturedRequests(records(), 1, [0], { timing: true });
    const pauses = requests[0]!.plan.body.filter((s) => s.step === 'pause');
    expect(pauses).toHaveLength(1);
    // Never shorter than the client's own pause (a busy machine can only make it longer).
    expect(pauses[0]!.step === 'pause' && pauses[0]!.ms).toBeGreaterThanOrEqual(140);
  });

  it('says what is not there', async () => {
    const records = await captured([{ writes: ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], end: 'fin' }]);
    expect(() => capturedPlan(records(), 1, 3)).toThrow(new CannotCompose('c1 has one request, no request #4'));
    expect(() => capturedPlan(records(), 7, 0)).toThrow(new CannotCompose('the capture has no connection c7'));
  });
});
