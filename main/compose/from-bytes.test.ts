// A captured request as a plan: sending the plan gives the captured bytes back, byte for
// byte, and so does its text form read again; the framing shows as the sender wrote it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../http1/test-support/fixtures';
import { DEFAULT_END, type ConnectionPlan, type RequestPlan } from '../../shared/plan';
import { formatPlan } from './format';
import { planFromBytes } from './from-bytes';
import { parsePlan } from './text';
import { planBytes } from './wire';

const one = (request: RequestPlan): ConnectionPlan => ({ to: null, pipeline: false, requests: [request], end: DEFAULT_END });

/** Bytes → plan → bytes, and bytes → plan → text → plan → bytes: both exact. */
function roundTrip(bytes: Buffer): { plan: RequestPlan; text: string } {
  const plan = planFromBytes(bytes);
  expect(planBytes(one(plan)).toString('latin1')).toBe(bytes.toString('latin1'));
  const text = formatPlan(one(plan));
  expect(planBytes(parsePlan(text)).toString('latin1')).toBe(bytes.toString('latin1'));
  return { plan, text };
}

const b = (text: string) => Buffer.from(text, 'latin1');

describe('a captured request becomes the plan that sends it again', () => {
  it('keeps the size tokens as sent, extensions, trailers and the last chunk', () => {
    const { plan, text } = roundTrip(b(`POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5DC\r\n${'a'.repeat(1500)}\r\n05dc;ext=1\r\n${'b'.repeat(1500)}\r\n0000;z\r\nX-Sum: 42\r\n\r\n`));
    expect(plan.head).toEqual({ kind: 'lines', startLine: 'POST /upload HTTP/1.1', fields: ['Host: x', 'Transfer-Encoding: chunked'] });
    expect(plan.body.map((s) => (s.step === 'chunk' || s.step === 'last-chunk' ? s.size + s.extensions : s.step))).toEqual(['5DC', '05dc;ext=1', '0000;z']);
    expect(text).toContain('chunk 5DC "a" * 1500\nchunk 05dc;ext=1 "b" * 1500\nlast 0000;z\ntrailer X-Sum: 42\n');
  });

  it('a missing last chunk stays missing', () => {
    const { text } = roundTrip(b('POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'));
    expect(text).toContain('chunk "hello"\nno last chunk\n');
  });

  it('bare LFs and a wrong CRLF after the data show as options of their chunks', () => {
    const { text } = roundTrip(b('POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n3\r\nabcXY'));
    expect(text).toContain('chunk "hello" bare-lf\nchunk "abc" data-end=none\nbody "XY"\nno last chunk\n');
  });

  it('a size that lies takes the bytes after it as its data, as a server reads it', () => {
    const { text } = roundTrip(b('POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello\r\n0\r\n\r\n'));
    // Ten bytes from "hello": the client's last chunk is data to the server, which waits for more.
    expect(text).toContain('chunk "hello\\r\\n0\\r\\n"\nno last chunk\n');
  });

  it('a head with a bare LF, or empty lines before the request line, is kept as bytes', () => {
    expect(roundTrip(b('GET / HTTP/1.1\nHost: x\r\n\r\n')).plan.head.kind).toBe('raw');
    expect(roundTrip(b('\r\nGET / HTTP/1.1\r\n\r\n')).plan.head.kind).toBe('raw');
  });

  it('a request cut short (the head, or a chunk) is kept as far as it came', () => {
    roundTrip(b('POST /upload HTTP/1.1\r\nHost: x'));
    roundTrip(b('POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5DC\r\nabc'));
    roundTrip(b('POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: 1'));
  });

  it('Content-Length bodies, Transfer-Encoding sent twice, chunked not last: the body as bytes', () => {
    expect(roundTrip(b('PUT / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello')).plan.body).toEqual([{ step: 'bytes', data: [{ bytes: 'hello' }] }]);
    roundTrip(b('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'));
    expect(roundTrip(b('POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello')).plan.body[0]!.step).toBe('bytes');
  });

  it('with the times each byte came, gaps between chunks become pauses', () => {
    const bytes = b('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n');
    const second = bytes.indexOf('1\r\nb');
    const plan = planFromBytes(bytes, (offset) => (offset >= second ? 0.25 : 0));
    expect(plan.body.map((s) => s.step)).toEqual(['chunk', 'pause', 'chunk', 'last-chunk']);
    expect(plan.body[1]).toEqual({ step: 'pause', ms: 250 });
  });

  it('every request of the parser fixtures (valid and malformed)', () => {
    const requests = loadFixtures().filter((f) => f.as === 'request');
    expect(requests.length).toBeGreaterThan(20);
    for (const fixture of requests) roundTrip(Buffer.from(fixture.input));
  });

  it('any bytes at all (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('POST / HTTP/1.1', 'Transfer-Encoding: chunked', 'Content-Length: 3', 'GET / HTTP/1.1', '5', '5DC', '0', '0000', ';x=1', 'hello', 'X-A: 1', ' ', '#', '"', '\\', '---', 'end rst'),
      fc.constantFrom('\r\n', '\n', '\r', '\r\n\r\n'),
      fc.string({ maxLength: 8 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
      fc.uint8Array({ maxLength: 6 }).map((u) => Buffer.from(u).toString('latin1')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const bytes = b(pieces.join(''));
        if (bytes.length === 0) return;
        const plan = planFromBytes(bytes);
        expect(planBytes(one(plan)).equals(bytes)).toBe(true);
        expect(planBytes(parsePlan(formatPlan(one(plan)))).equals(bytes)).toBe(true);
      }),
      { numRuns: 2000, seed: 18 },
    );
  });
});
