// Fuzzing the readers: captures, HAR files, pcap and pcapng files, damaged every way a
// disk, a transfer or an attacker damages them (cut at each hundredth, bytes flipped,
// extreme numbers, deep nesting, huge arrays). Each must open (perhaps in part, saying
// what was skipped) or be refused with a sentence that names a byte offset: never a
// JavaScript error (TypeError, RangeError...), a hang or a crash, here or in what reads
// the records next (the analysis, inspect's report, the HAR export).
//
// A fixed seed and a bounded count in CI; locally, CHUNKSCOPE_FUZZ_RUNS=100000 (and
// CHUNKSCOPE_FUZZ_SEED to try other seeds) runs as long as you like.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDataHeader, fileHeader, RECORD_HEADER } from '../capture/format';
import { CaptureFormatError } from '../capture/reader';
import { captureToHar } from '../export/har';
import { HarFormatError } from './har';
import { captureJson, formatCapture } from '../inspect/capture';
import { PcapFormatError } from './pcap';
import { analyseCapture } from '../analysis/capture-analysis';
import { SourceTooLarge, sourceOf, type SourceKind } from './source';
import { sampleCapture, sampleHar, samplePcap, samplePcapng, sampleRecords } from './test-support/samples';

const RUNS = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 20_261_123);
const options = { numRuns: RUNS, seed: SEED, endOnFailure: true };
/** JSON damage makes big inputs (a million brackets): a quarter as many runs. */
const JSON_RUNS = Math.max(1, Math.floor(RUNS / 4));

const SENTENCES = [CaptureFormatError, HarFormatError, PcapFormatError, SourceTooLarge];

/** Opens as a user would, then reads the records the way inspect and export do. */
function openFully(kind: SourceKind, bytes: Uint8Array): void {
  const source = sourceOf(kind, bytes);
  const report = { ...analyseCapture(source.records), truncatedBytes: 0 };
  formatCapture(report, { maxChunks: 200 });
  JSON.stringify(captureJson(report));
  captureToHar(source.records);
}

/** Opens, or is refused with a sentence that says where: anything else fails the test, with the input's size and the error. */
function opensOrSays(kind: SourceKind, bytes: Uint8Array): boolean {
  try {
    openFully(kind, bytes);
  } catch (error) {
    const sentence = SENTENCES.some((kind) => error instanceof kind) && /\(at byte [\d,]+\)$|larger than/.test((error as Error).message);
    if (!sentence) {
      const where = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join('\n') : '';
      throw new Error(`${kind} of ${bytes.length} bytes: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n${where}`, { cause: error });
    }
  }
  return true;
}

const files: Record<SourceKind | 'pcapng', { kind: SourceKind; bytes: Buffer }> = {
  capture: { kind: 'capture', bytes: sampleCapture() },
  har: { kind: 'har', bytes: sampleHar() },
  pcap: { kind: 'pcap', bytes: samplePcap() },
  pcapng: { kind: 'pcap', bytes: samplePcapng() },
};

const EXTREME_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0];
const EXTREME_NUMBERS = ['1e308', '-1e308', '1e999', '-1e999', '9007199254740993', '-1', '0.5', '1e-320', '-0'];

type Mutation = (bytes: Buffer) => Buffer;

/** Byte-level damage anywhere: flipped bits, extreme 32-bit fields, bytes cut out or repeated. */
const binaryMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }) => (b: Buffer) => {
    const out = Buffer.from(b);
    out[at % out.length] ^= xor;
    return out;
  }),
  fc.record({ at: fc.nat(), value: fc.constantFrom(...EXTREME_32), little: fc.boolean() }).map(({ at, value, little }) => (b: Buffer) => {
    const out = Buffer.from(b);
    const where = at % Math.max(1, out.length - 3);
    if (out.length >= 4 && little) out.writeUInt32LE(value, where);
    else if (out.length >= 4) out.writeUInt32BE(value, where);
    return out;
  }),
  fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }).map(({ at, length }) => (b: Buffer) => {
    const where = at % b.length;
    return Buffer.concat([b.subarray(0, where), b.subarray(where + length)]);
  }),
  fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 50 }) }).map(({ at, length, times }) => (b: Buffer) => {
    const where = at % b.length;
    const piece = b.subarray(where, where + length);
    return Buffer.concat([b.subarray(0, where), ...Array.from({ length: times }, () => piece), b.subarray(where)]);
  }),
);

/** JSON-level damage (HAR, and a capture's events): numbers made extreme, values nested deep or grown huge. */
const jsonMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ nth: fc.nat(), value: fc.constantFrom(...EXTREME_NUMBERS) }).map(({ nth, value }) => (b: Buffer) => replaceNth(b, /-?\d+(\.\d+)?([eE][+-]?\d+)?/g, nth, value)),
  fc.record({ nth: fc.nat(), depth: fc.constantFrom(10, 1_000, 100_000) }).map(({ nth, depth }) => (b: Buffer) => replaceNth(b, /"[^"\\]*"|-?\d+|true|false|null/g, nth, '['.repeat(depth) + ']'.repeat(depth))),
  fc.record({ nth: fc.nat(), size: fc.constantFrom(1_000, 100_000) }).map(({ nth, size }) => (b: Buffer) => replaceNth(b, /"[^"\\]*"|-?\d+|true|false|null/g, nth, `[${Array.from({ length: size }, () => '0').join(',')}]`)),
);

/** Replace the nth match (mod the count) of `pattern` in the text; a capture's binary parts stay as they are (latin1 keeps every byte). */
function replaceNth(bytes: Buffer, pattern: RegExp, nth: number, replacement: string): Buffer {
  const text = bytes.toString('latin1');
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return bytes;
  const match = matches[nth % matches.length]!;
  return Buffer.from(text.slice(0, match.index) + replacement + text.slice(match.index! + match[0].length), 'latin1');
}

describe('fuzzing the readers: a sentence or a partial open, never a JavaScript error', () => {
  for (const [name, { kind, bytes }] of Object.entries(files)) {
    it(`${name}: cut at each hundredth of the file`, () => {
      for (let i = 0; i < 100; i++) expect(opensOrSays(kind, bytes.subarray(0, Math.floor((bytes.length * i) / 100)))).toBe(true);
    });

    it(`${name}: bytes flipped, fields made extreme, cut out, repeated (${RUNS} runs, seed ${SEED})`, () => {
      fc.assert(
        fc.property(fc.array(binaryMutation, { minLength: 1, maxLength: 4 }), (mutations) => opensOrSays(kind, mutations.reduce((b, m) => m(b), bytes))),
        options,
      );
    });
  }

  it(`capture: one event's JSON made extreme, nested deep or grown huge, its record length kept right (${JSON_RUNS} runs, seed ${SEED})`, () => {
    const records = sampleRecords();
    const events = records.filter((r) => r.type !== 'data').length;
    fc.assert(
      fc.property(fc.nat(), jsonMutation, (nth, mutation) => {
        let event = 0;
        const parts = [fileHeader()];
        for (const record of records) {
          if (record.type === 'data') {
            parts.push(encodeDataHeader(record.connection, record.stream, record.generated, record.time, record.bytes.length), Buffer.from(record.bytes));
            continue;
          }
          let json: Buffer = Buffer.from(JSON.stringify(record));
          if (event++ === nth % events) json = mutation(json);
          const header = Buffer.alloc(RECORD_HEADER);
          header.writeUInt8(1, 0);
          header.writeUInt32LE(json.length, 1);
          parts.push(header, json);
        }
        return opensOrSays('capture', Buffer.concat(parts));
      }),
      { ...options, numRuns: JSON_RUNS },
    );
  });

  for (const name of ['har', 'capture'] as const) {
    const { kind, bytes } = files[name];
    it(`${name}: JSON numbers made extreme, values nested deep or grown huge (${JSON_RUNS} runs, seed ${SEED})`, () => {
      fc.assert(
        fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 2 }), (mutations) => opensOrSays(kind, mutations.reduce((b, m) => m(b), bytes))),
        { ...options, numRuns: JSON_RUNS },
      );
    });
  }
});
