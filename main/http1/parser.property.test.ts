// Property tests: 100,000 generated inputs per run (the counts below add up to it).
//   1. Valid messages round-trip: encode, parse in random pieces, same chunks, body
//      and trailers, no error.
//   2. Mutated messages and random bytes never throw, always end, keep every byte
//      accounted for, and give the same events however they are split.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrorAnomaly } from '../../shared/anomalies';
import type { Direction, EndKind } from '../../shared/http1';
import { join, request, response, type ChunkSpec } from './test-support/builders';
import { coverageProblem, normalize, piecesAt, runPieces } from './test-support/run';

const RUNS = { roundTrip: 25_000, mutation: 55_000, garbage: 20_000 };

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 8 });
// qdtext and quoted-pair (RFC 9110 §5.6.4), obs-text included.
const qdChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\t', '\\"', '\\\\', '\\a'),
);
const quoted = fc.array(qdChar, { maxLength: 8 }).map((chars) => `"${chars.join('')}"`);
const bws = fc.constantFrom('', '', '', ' ', '\t', ' \t');
const extension = fc
  .record({ before: bws, after: bws, name: token, value: fc.option(fc.oneof(token, quoted)), eqBefore: bws, eqAfter: bws })
  .map((e) => `${e.before};${e.after}${e.name}${e.value === null ? '' : `${e.eqBefore}=${e.eqAfter}${e.value}`}`);
const extensions = fc.array(extension, { maxLength: 3 }).map((list) => list.join(''));

function sizeToken(size: number, upper: boolean, zeros: number): string {
  const hex = size.toString(16);
  return '0'.repeat(zeros) + (upper ? hex.toUpperCase() : hex);
}

const chunk = fc
  .record({
    data: fc.uint8Array({ minLength: 1, maxLength: 300 }),
    upper: fc.boolean(),
    zeros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 }), fc.constant(18)),
    ext: extensions,
  })
  .map(({ data, upper, zeros, ext }): ChunkSpec => ({ data, token: sizeToken(data.length, upper, zeros), ext }));

const trailerValue = fc
  .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 })
  .map((v) => v);
const trailer = fc.tuple(token.filter((n) => !['te', 'host', 'trailer', 'expect'].includes(n.toLowerCase())), trailerValue);

const chunkedMessage: fc.Arbitrary<GeneratedMessage> = fc.record({
  chunks: fc.array(chunk, { maxLength: 6 }),
  lastZeros: fc.integer({ min: 1, max: 3 }),
  lastExt: extensions,
  trailers: fc.array(trailer, { maxLength: 3 }),
});

interface GeneratedMessage {
  chunks: ChunkSpec[];
  lastZeros: number;
  lastExt: string;
  trailers: [string, string][];
}
type Generated = { direction: Direction; messages: GeneratedMessage[] };

const generated: fc.Arbitrary<Generated> = fc.record({
  direction: fc.constantFrom<Direction>('request', 'response'),
  messages: fc.array(chunkedMessage, { minLength: 1, maxLength: 3 }),
});

function encode(g: Generated): Uint8Array {
  const build = g.direction === 'request' ? request : response;
  return join(
    ...g.messages.map((m) => build({ chunks: m.chunks, lastChunk: '0'.repeat(m.lastZeros) + m.lastExt, trailers: m.trailers })),
  );
}

const cuts = (length: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 5 });

describe('valid messages round-trip', () => {
  it(`gives back every chunk, body byte and trailer (${RUNS.roundTrip} inputs)`, () => {
    fc.assert(
      fc.property(
        generated.chain((g) => {
          const bytes = encode(g);
          return fc.tuple(fc.constant(g), fc.constant(bytes), cuts(bytes.length));
        }),
        ([g, bytes, cutPoints]) => {
          const { report, events } = runPieces(g.direction, piecesAt(bytes, cutPoints), 'fin');
          expect(report.verdict).toBe('ok');
          expect(report.messages).toHaveLength(g.messages.length);
          g.messages.forEach((m, i) => {
            const record = report.messages[i]!;
            expect(record.complete).toBe(true);
            expect(record.chunks!.map((c) => [c.sizeToken, c.extensions])).toEqual(m.chunks.map((c) => [c.token, c.ext]));
            expect(record.lastChunk!.sizeToken + record.lastChunk!.extensions).toBe('0'.repeat(m.lastZeros) + m.lastExt);
            expect(record.trailers).toEqual(m.trailers);
            const body = events.filter((e) => e.type === 'chunk-data' && e.message === i);
            const got = join(...body.map((e) => bytes.subarray(e.offset, e.offset + (e as { length: number }).length)));
            expect(got).toEqual(join(...m.chunks.map((c) => c.data as Uint8Array)));
          });
        },
      ),
      { numRuns: RUNS.roundTrip },
    );
  });
});

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; byte: number; length: number };

const interesting = fc.constantFrom(0x0d, 0x0a, 0x20, 0x09, 0x3b, 0x3d, 0x22, 0x5c, 0x30, 0x00, 0x7f, 0xff, 0x3a, 0x46, 0x78);
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'flip', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  byte: fc.oneof(interesting, fc.integer({ min: 0, max: 255 })),
  length: fc.integer({ min: 1, max: 4 }),
});

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = m.byte;
    else if (m.kind === 'insert') out.splice(at, 0, ...Array(m.length).fill(m.byte));
    else if (m.kind === 'delete') out.splice(at, m.length);
    else out = out.slice(0, at);
  }
  return Uint8Array.from(out);
}

const endKind = fc.constantFrom<EndKind>('fin', 'rst', 'open');

/** Whole and split, the run must end, cover every byte and not depend on the split. */
function checkRobust(direction: Direction, bytes: Uint8Array, eof: EndKind, cutPoints: number[]): void {
  const whole = runPieces(direction, [bytes], eof);
  expect(whole.events.at(-1)?.type).toBe('end');
  expect(coverageProblem(whole.events, bytes.length)).toBeNull();
  const split = runPieces(direction, piecesAt(bytes, cutPoints), eof);
  expect(normalize(split.events)).toEqual(normalize(whole.events));
  for (const m of whole.report.messages) {
    // A message with an error is never complete unless the error is D (decoded, then close).
    if (m.anomalies.some((a) => isErrorAnomaly(a.cls, direction) && a.cls !== 'D')) expect(m.complete).toBe(false);
  }
}

describe('bad input is the normal case', () => {
  it(`mutated messages never throw, hang, lose a byte or depend on the split (${RUNS.mutation} inputs)`, () => {
    fc.assert(
      fc.property(
        generated.chain((g) => {
          return fc.tuple(fc.constant(g), fc.array(mutation, { minLength: 1, maxLength: 4 }), endKind).chain(([g2, mutations, eof]) => {
            const bytes = mutate(encode(g2), mutations);
            return fc.tuple(fc.constant(g2.direction), fc.constant(bytes), fc.constant(eof), cuts(bytes.length));
          });
        }),
        ([direction, bytes, eof, cutPoints]) => checkRobust(direction, bytes, eof, cutPoints),
      ),
      { numRuns: RUNS.mutation },
    );
  });

  it(`random bytes never throw, hang, lose a byte or depend on the split (${RUNS.garbage} inputs)`, () => {
    const prefix = fc.constantFrom('', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    fc.assert(
      fc.property(
        fc.tuple(fc.constantFrom<Direction>('request', 'response'), prefix, fc.uint8Array({ maxLength: 200 }), endKind).chain(([direction, head, tail, eof]) => {
          const bytes = join(Uint8Array.from(head, (c) => c.charCodeAt(0)), tail);
          return fc.tuple(fc.constant(direction), fc.constant(bytes), fc.constant(eof), cuts(bytes.length));
        }),
        ([direction, bytes, eof, cutPoints]) => checkRobust(direction, bytes, eof, cutPoints),
      ),
      { numRuns: RUNS.garbage },
    );
  });
});
