// The view's limits: a small body can hold millions of items or decode to gigabytes;
// the view stops at its limits, says so, and never overflows the stack.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StreamView } from './view';

describe('the Stream view’s limits', () => {
  it('stops after maxItems and says so', async () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => `{"i":${i}}\n`).join(''));
    const view = new StreamView({ contentType: 'application/x-ndjson', contentEncoding: null, maxItems: 100 });
    await view.push({ bytes: body, time: 0, chunk: 0 });
    await view.end({ complete: true, reason: null });
    const report = view.report();
    expect(report.items).toHaveLength(100);
    expect(report.note).toBe('the view stops after 100 items');
  });

  it('takes 300,000 items completed by one piece without overflowing the stack (default limit 200,000)', async () => {
    const body = Buffer.from('{}\n'.repeat(300_000));
    const view = new StreamView({ contentType: 'application/x-ndjson', contentEncoding: null });
    await view.push({ bytes: body, time: 0, chunk: 0 });
    expect(view.report().items).toHaveLength(200_000);
    expect(view.report().note).toMatch(/200,000 items/);
  });

  it('refuses to decode past maxDecodedBytes: a gzip bomb ends with the reason, the items before it stay', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('first line\n'), Buffer.alloc(8 * 1024 * 1024, 0x61)]));
    const view = new StreamView({ contentType: 'text/plain', contentEncoding: 'gzip', maxDecodedBytes: 1024 * 1024 });
    for (let at = 0; at < bomb.length; at += 1024) await view.push({ bytes: bomb.subarray(at, at + 1024), time: 0, chunk: at / 1024 });
    await view.end({ complete: true, reason: null });
    const report = view.report();
    expect(report.items[0]).toMatchObject({ kind: 'text', text: 'first line' });
    expect(report.decoding!.decodedBytes).toBeLessThanOrEqual(1024 * 1024);
    expect([report.note ?? '', ...report.errors.map((e) => e.message)].join(' ')).toMatch(/1 MiB/);
  });
});
