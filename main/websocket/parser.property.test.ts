// Property tests (fast-check, fixed seed in CI; CHUNKSCOPE_FUZZ_RUNS and CHUNKSCOPE_FUZZ_SEED
// run more or others):
//   1. Valid conversations round-trip: messages framed (fragmented, masked for a client,
//      pings between fragments, some compressed), parsed in random pieces, give back the
//      same messages and no finding.
//   2. Mutated conversations and random bytes never throw, always end, keep every byte
//      accounted for, and give the same events however they are split.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EndKind } from '../../shared/http1';
import type { WsSender } from '../../shared/websocket';
import { concat, deflated, frame } from './test-support/frames';
import { coverageProblem, normalize, parserOptions, piecesAt, runPieces } from './test-support/run';

const SCALE = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 0) / 10_000 || 1;
const RUNS = { roundTrip: Math.round(5_000 * SCALE), mutation: Math.round(10_000 * SCALE), garbage: Math.round(5_000 * SCALE) };
const SEED = Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 6455);

interface Message {
  kind: 'text' | 'binary';
  payload: Uint8Array;
  /** Fragment sizes that add up to the payload's length (the last takes the rest). */
  cuts: number[];
  compress: boolean;
  ping: boolean;
}

const utf8Text = fc.string({ unit: 'binary', maxLength: 60 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
const message: fc.Arbitrary<Message> = fc.record({
  kind: fc.constantFrom('text' as const, 'binary' as const),
  binary: fc.uint8Array({ maxLength: 300 }),
  text: utf8Text,
  cuts: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 3 }),
  compress: fc.boolean(),
  ping: fc.boolean(),
}).map(({ kind, binary, text, cuts, compress, ping }) => ({ kind, payload: kind === 'text' ? text : binary, cuts, compress, ping }));

const conversation = fc.record({
  sender: fc.constantFrom<WsSender>('client', 'server'),
  deflate: fc.boolean(),
  messages: fc.array(message, { maxLength: 6 }),
  mask: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
});

type Conversation = typeof conversation extends fc.Arbitrary<infer T> ? T : never;

/** Every frame of a conversation; compression per message, without context (valid under either setting). */
function encode(c: Conversation): Uint8Array {
  const frames: Uint8Array[] = [];
  const mask = c.sender === 'client' ? c.mask : null;
  for (const m of c.messages) {
    const compressed = c.deflate && m.compress;
    const payload = compressed ? deflated(m.payload) : m.payload;
    let from = 0;
    const sizes = [...m.cuts.filter((n) => n > 0), Infinity];
    sizes.forEach((size, i) => {
      if (from >= payload.length && i > 0) return;
      const to = Math.min(payload.length, from + size);
      const last = to === payload.length;
      frames.push(frame({ opcode: i === 0 ? m.kind : 'cont', fin: last, rsv: i === 0 && compressed ? 4 : 0, mask, payload: payload.subarray(from, to) }));
      if (m.ping && !last) frames.push(frame({ opcode: 'ping', mask, payload: 'p' }));
      from = to;
    });
  }
  frames.push(frame({ opcode: 'close', mask, payload: Uint8Array.from([0x03, 0xe8]) }));
  return concat(frames);
}

describe('the WebSocket parser, on generated input', () => {
  it('gives back every message of a valid conversation, however it is split, with no finding', () => {
    fc.assert(
      fc.property(conversation, fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }), (c, cuts) => {
        const bytes = encode(c);
        const options = parserOptions(c.sender, c.deflate ? 'permessage-deflate' : null, { previewBytes: 1024 });
        const events = runPieces(c.sender, piecesAt(bytes, cuts.filter((n) => n < bytes.length)), 'fin', options);
        expect(events.filter((e) => e.type === 'anomaly')).toEqual([]);
        const messages = events.flatMap((e) => (e.type === 'message' && e.message.kind !== 'ping' ? [e.message] : []));
        expect(messages.map((m) => [m.kind, Buffer.from(m.preview).toString('hex'), m.complete, m.compressed === m.decompressed])).toEqual([
          ...c.messages.map((m) => [m.kind, Buffer.from(m.payload).toString('hex'), true, true]),
          ['close', '03e8', true, true],
        ]);
        expect(coverageProblem(events, bytes.length)).toBeNull();
      }),
      { numRuns: RUNS.roundTrip, seed: SEED },
    );
  });

  const mutation = fc.record({
    c: conversation,
    flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
    cut: fc.option(fc.nat()),
    eof: fc.constantFrom<EndKind>('fin', 'rst', 'open'),
  });

  it('never throws on a mutated conversation, ends, covers every byte and gives the same events however it is split', () => {
    fc.assert(
      fc.property(mutation, fc.nat(), ({ c, flips, cut, eof }, split) => {
        let bytes = Uint8Array.from(encode(c));
        for (const f of flips) if (bytes.length > 0) bytes[f.at % bytes.length] = f.value;
        if (cut !== null && bytes.length > 0) bytes = bytes.subarray(0, cut % bytes.length);
        checkInvariants(c.sender, bytes, eof, c.deflate ? 'permessage-deflate' : null, split);
      }),
      { numRuns: RUNS.mutation, seed: SEED },
    );
  });

  it('never throws on random bytes, ends, covers every byte and gives the same events however they are split', () => {
    fc.assert(
      fc.property(fc.constantFrom<WsSender>('client', 'server'), fc.uint8Array({ maxLength: 600 }), fc.boolean(), fc.nat(), (sender, bytes, deflate, split) => {
        checkInvariants(sender, bytes, 'fin', deflate ? 'permessage-deflate' : null, split);
      }),
      { numRuns: RUNS.garbage, seed: SEED },
    );
  });
});

function checkInvariants(sender: WsSender, bytes: Uint8Array, eof: EndKind, extensions: string | null, split: number): void {
  const options = parserOptions(sender, extensions);
  const whole = runPieces(sender, [bytes], eof, options);
  expect(coverageProblem(whole, bytes.length)).toBeNull();
  expect(whole.at(-1)).toMatchObject({ type: 'end', offset: bytes.length });
  const expected = JSON.stringify(normalize(whole));
  const cut = bytes.length > 1 ? 1 + (split % (bytes.length - 1)) : 0;
  const halves = runPieces(sender, piecesAt(bytes, cut > 0 ? [cut] : []), eof, options);
  expect(JSON.stringify(normalize(halves))).toBe(expected);
  const bytewise = runPieces(sender, cutsOfEvery(bytes), eof, options);
  expect(JSON.stringify(normalize(bytewise))).toBe(expected);
}

function cutsOfEvery(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}
