// A parser that counts (the live analysis past its kept messages) must say what one that
// gives every message says: the same number of messages, the same Closes, the same
// findings with the same offsets and words, the same raw bytes, however the bytes are
// split. Property tests (fast-check, fixed seed in CI; CHUNKSCOPE_FUZZ_RUNS and
// CHUNKSCOPE_FUZZ_SEED run more or others) over floods of tiny frames, the shape its fast
// path reads, with every way out of that path mixed in; and a flood read structurally.

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { EndKind } from '../../shared/http1';
import type { WsEvent, WsSender } from '../../shared/websocket';
import { MessageBuilder } from './message';
import { WebSocketParser } from './parser';
import { concat, frame } from './test-support/frames';
import { parserOptions, piecesAt } from './test-support/run';

const SCALE = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 0) / 10_000 || 1;
const RUNS = Math.round(4_000 * SCALE);
const SEED = Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 6455);

/** A tiny frame, mostly as the fast path takes it, sometimes not (each field on its own). */
const tiny = fc.record({
  opcode: fc.constantFrom(1, 1, 2, 2, 9, 10, 8, 0, 3),
  fin: fc.constantFrom(true, true, true, false),
  rsv: fc.constantFrom(0, 0, 0, 0, 4, 1),
  wrongMask: fc.constantFrom(false, false, false, false, true),
  payload: fc.oneof(fc.uint8Array({ maxLength: 4 }), fc.constantFrom(Uint8Array.from([0xc3, 0xa9]), Uint8Array.from([0xff]), new Uint8Array(130)), fc.string({ maxLength: 5 }).map((s) => Uint8Array.from(Buffer.from(s)))),
});

const flood = fc.record({
  sender: fc.constantFrom<WsSender>('client', 'server'),
  deflate: fc.boolean(),
  frames: fc.array(tiny, { maxLength: 40 }),
  mask: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
  cuts: fc.array(fc.nat(), { maxLength: 5 }),
  cutAt: fc.option(fc.nat()),
  eof: fc.constantFrom<EndKind>('fin', 'rst', 'open'),
  // The relay's analysis keeps no preview; the detail's, past its kept messages, still has one.
  previewBytes: fc.constantFrom(0, 1024),
});

type Flood = typeof flood extends fc.Arbitrary<infer T> ? T : never;

function encode(f: Flood): Uint8Array {
  const bytes = concat(
    f.frames.map((t) => {
      const masked = (f.sender === 'client') !== t.wrongMask;
      return frame({ opcode: t.opcode, fin: t.fin, rsv: t.rsv, mask: masked ? f.mask : null, payload: t.payload });
    }),
  );
  return f.cutAt === null || bytes.length === 0 ? bytes : bytes.subarray(0, f.cutAt % (bytes.length + 1));
}

/** What an analysis reads of a direction: messages counted, the Closes, findings and raw bytes. */
function read(f: Flood, bytes: Uint8Array, counting: boolean) {
  const parser = new WebSocketParser(f.sender, { ...parserOptions(f.sender, f.deflate ? 'permessage-deflate' : null, { previewBytes: f.previewBytes }), frameEvents: !counting });
  parser.counting = counting;
  const events: WsEvent[] = [];
  for (const piece of piecesAt(bytes, f.cuts.map((n) => n % (bytes.length + 1)))) events.push(...parser.feed(piece));
  events.push(...parser.end(f.eof));
  const messages = events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
  return {
    messages: messages.length + parser.counted,
    closes: messages.filter((m) => m.kind === 'close'),
    findings: events.filter((e) => e.type === 'anomaly'),
    raw: events.filter((e) => e.type === 'raw'),
    end: events.at(-1),
  };
}

describe('a WebSocket parser that counts', () => {
  it('says what a parser that gives every message says, however the bytes are split', () => {
    fc.assert(
      fc.property(flood, (f) => {
        const bytes = encode(f);
        expect(read(f, bytes, true)).toEqual(read(f, bytes, false));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reads a flood of a million empty frames without building a message for each', () => {
    const finish = vi.spyOn(MessageBuilder.prototype, 'finish');
    try {
      const parser = new WebSocketParser('server', { frameEvents: false, limits: { previewBytes: 0 } });
      parser.counting = true;
      const block = Buffer.alloc(2 * 65536, Buffer.from([0x82, 0x00]));
      const events: WsEvent[] = [];
      for (let i = 0; i < 16; i++) events.push(...parser.feed(block));
      events.push(...parser.feed(frame({ opcode: 'close', payload: Uint8Array.from([0x03, 0xe8]) })));
      expect(parser.counted).toBe(1_048_576);
      // The Close alone is built, and given.
      expect(finish).toHaveBeenCalledTimes(1);
      expect(events).toEqual([{ type: 'message', offset: 2_097_152, message: expect.objectContaining({ kind: 'close', index: 1_048_576, close: expect.objectContaining({ code: 1000 }) }) }]);
    } finally {
      finish.mockRestore();
    }
  });

  it('counts a message of a million empty fragments whole, every fragment in it', () => {
    const finish = vi.spyOn(MessageBuilder.prototype, 'finish');
    try {
      const parser = new WebSocketParser('server', { frameEvents: false, limits: { previewBytes: 0 } });
      parser.counting = true;
      const first = frame({ opcode: 'binary', fin: false, payload: 'ab' });
      const fragments = Buffer.alloc(2 * 1_000_000, Buffer.from([0x00, 0x00]));
      const last = frame({ opcode: 'cont', payload: 'cd' });
      const events = [...parser.feed(first), ...parser.feed(fragments), ...parser.feed(last)];
      // Counting: the message is counted when its last fragment came, never built twice.
      expect(events).toEqual([]);
      expect(parser.counted).toBe(1);
      expect(finish).toHaveBeenCalledTimes(1);
      expect((finish.mock.contexts[0] as MessageBuilder).record).toMatchObject({ kind: 'binary', frames: 1_000_002, wireLength: 4, end: first.length + fragments.length + last.length, complete: true });
    } finally {
      finish.mockRestore();
    }
  });
});
