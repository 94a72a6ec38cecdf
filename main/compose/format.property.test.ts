// Any plan at all (the app's editor can make any), written as text and read back, sends
// the same bytes on the same schedule: the text form loses nothing, and writing what was
// read gives the same text again.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BodyStep, ChunkStep, ConnectionPlan, DataPiece, HeadPlan, LastChunkStep, RequestPlan } from '../../shared/plan';
import { DEFAULT_END } from '../../shared/plan';
import { formatPlan } from './format';
import { parsePlan } from './text';
import { planWire } from './wire';

const byte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
/** Bytes, leaning on the ones that matter to the text form: spaces, quotes, #, =, CR, LF. */
const bytes = (maxLength: number) => fc.array(fc.oneof(byte, fc.constantFrom(' ', '\t', '"', '#', '=', ';', '\r', '\n', '\\', '*', '-', 'a', '0', '5')), { maxLength }).map((a) => a.join(''));
const data: fc.Arbitrary<DataPiece[]> = fc.array(fc.oneof(bytes(12).map((b) => ({ bytes: b })), fc.record({ repeat: bytes(3), times: fc.integer({ min: 0, max: 40 }) })), { maxLength: 3 });
const lineEnd = fc.oneof(fc.constantFrom('\r\n', '\n', '\r', ''), bytes(3));

const step: fc.Arbitrary<BodyStep> = fc.oneof(
  fc.record({ step: fc.constant('chunk' as const), size: fc.oneof(fc.constantFrom('5', '5DC', '05dc', '0', '', 'x', '*2', 'bare-lf', 'size=1'), bytes(6)), extensions: fc.oneof(fc.constant(''), bytes(8)), lineEnd, data, dataEnd: lineEnd }),
  fc.record({ step: fc.constant('last-chunk' as const), size: fc.constantFrom('0', '0000', '00'), extensions: fc.oneof(fc.constant(''), bytes(6)), lineEnd, trailers: fc.array(bytes(10), { maxLength: 2 }), end: lineEnd }),
  fc.record({ step: fc.constant('bytes' as const), data }),
  fc.record({ step: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
);

const head: fc.Arbitrary<HeadPlan> = fc.oneof(
  fc.record({ kind: fc.constant('lines' as const), startLine: fc.oneof(fc.constantFrom('GET / HTTP/1.1', 'pause 1s', 'to x', 'end rst', '---', 'head "x"', '# no'), bytes(20)), fields: fc.array(fc.oneof(fc.constantFrom('Host: x', '---', 'end fin', '', ' ', 'Content-Length: auto'), bytes(16)), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('raw' as const), data }),
);

const plan: fc.Arbitrary<ConnectionPlan> = fc.record({
  to: fc.constantFrom(null, 'http://127.0.0.1:9001', 'https://example.com'),
  pipeline: fc.boolean(),
  requests: fc.array(fc.record({ pauseBefore: fc.integer({ min: 0, max: 3000 }), head, body: fc.array(step, { maxLength: 5 }) }), { minLength: 1, maxLength: 3 }),
  end: fc.record({ how: fc.constantFrom('fin' as const, 'rst' as const), after: fc.oneof(fc.constantFrom('answers' as const, 'written' as const), fc.record({ byte: fc.integer({ min: 0, max: 300 }) })) }),
});

/** The schedule, bytes included, as comparable text: what the server sees, and when. */
function schedule(p: ConnectionPlan): string[] {
  return planWire(p).steps.map((s) => (s.kind === 'write' ? `write ${s.bytes.toString('latin1')}` : JSON.stringify(s)));
}

function expectRoundTrip(p: ConnectionPlan): void {
  const text = formatPlan(p);
  const again = parsePlan(text);
  expect(schedule(again)).toEqual(schedule(p));
  expect(again.to).toBe(p.to);
  expect(again.pipeline).toBe(p.pipeline);
  expect(again.end).toEqual(p.end);
  expect(formatPlan(again)).toBe(text);
}

const GET: HeadPlan = { kind: 'lines', startLine: 'POST / HTTP/1.1', fields: [] };
const chunk = (size: string, extensions: string, pieces: DataPiece[]): ChunkStep => ({ step: 'chunk', size, extensions, lineEnd: '\r\n', data: pieces, dataEnd: '\r\n' });
const last = (trailers: string[]): LastChunkStep => ({ step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers, end: '\r\n' });
const one = (request: Partial<RequestPlan>): ConnectionPlan => ({ to: null, pipeline: false, requests: [{ pauseBefore: 0, head: GET, body: [], ...request }], end: DEFAULT_END });

describe('the text form of any plan', () => {
  it('reads back to the same bytes and schedule, and writes the same text again (property)', () => {
    fc.assert(fc.property(plan, expectRoundTrip), { numRuns: Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 3000), seed: Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 18) });
  });

  // What the property found, each kept as a case of its own.
  it('a last chunk written as bytes (its trailer is not a plain line) is not followed by a second one', () => {
    expectRoundTrip(one({ body: [chunk('5', '', [{ bytes: 'hello' }]), last([' X: 1 '])] }));
  });

  it('a head sent as bytes keeps the length Content-Length: auto stands for', () => {
    expectRoundTrip(one({ head: { kind: 'lines', startLine: 'POST /\x01 HTTP/1.1', fields: ['Content-Length: auto'] }, body: [{ step: 'bytes', data: [{ bytes: 'hello' }] }] }));
  });

  it('a size line split anywhere (the editor keeps it whole) is written as the reader splits it', () => {
    expectRoundTrip(one({ body: [chunk('', '5', [{ bytes: 'hello' }]), last([])] }));
  });

  it('a chunk of size 0 with no data, and pieces of no byte, read back as they were written', () => {
    expectRoundTrip(one({ body: [chunk('0', '', []), chunk('3', '', [{ bytes: '' }, { bytes: 'abc' }, { repeat: 'z', times: 0 }]), last([])] }));
  });
});
