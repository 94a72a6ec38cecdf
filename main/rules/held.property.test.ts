// A held message under generated input: any message (valid, mutated or garbage), cut at
// any points, with any steps between the pieces. Never a throw but a refusal in words;
// the queue never goes below zero and is empty once done; with no edit and no end, the
// receiver gets exactly the message's bytes as sent, in order, whatever the steps.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSpanEvent } from '../../shared/http1';
import { Http1Parser } from '../http1';
import { HeldQueue, StepRefused, type HeldCommand, type HeldStep } from './held';
import { ByteQueue } from './ops';

const RUNS = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 3000);

const chunked = fc
  .array(fc.record({ data: fc.string({ minLength: 1, maxLength: 40 }), token: fc.constantFrom('lower', 'upper', 'padded'), ext: fc.constantFrom('', ';a=b', ';x') }), { maxLength: 6 })
  .map((chunks) => {
    const body = chunks.map(({ data, token, ext }) => {
      const hex = data.length.toString(16);
      return `${token === 'upper' ? hex.toUpperCase() : token === 'padded' ? `00${hex}` : hex}${ext}\r\n${data}\r\n`;
    });
    return `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.join('')}0\r\nX-T: 1\r\n\r\n`;
  });
const withLength = fc.string({ maxLength: 60 }).map((data) => `HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n${data}`);
/** A message with a byte changed, cut short, or bytes of no HTTP at all. */
const mutated = fc.tuple(fc.oneof(chunked, withLength), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([text, at, byte, cut]) => {
  const i = at % text.length;
  return cut ? text.slice(0, i) : text.slice(0, i) + String.fromCharCode(byte) + text.slice(i + 1);
});
const message = fc.oneof(chunked, chunked, withLength, mutated);

const edits = fc.oneof(
  fc.constant<HeldStep>({ action: 'edit', data: Buffer.from('edited') }),
  fc.constant<HeldStep>({ action: 'edit', sizeLine: '1;lies' }),
  fc.constant<HeldStep>({ action: 'edit', head: 'HTTP/1.1 299 Edited\nTransfer-Encoding: chunked' }),
  fc.constant<HeldStep>({ action: 'drop-last-chunk' }),
  fc.constant<HeldStep>({ action: 'end', how: 'fin' }),
  fc.constant<HeldStep>({ action: 'end', how: 'rst' }),
);

const step = fc.oneof(
  fc.constant<HeldStep>({ action: 'next' }),
  fc.constant<HeldStep>({ action: 'next' }),
  fc.constant<HeldStep>({ action: 'rest' }),
  fc.constant<HeldStep>({ action: 'stall' }),
  fc.constant<HeldStep>({ action: 'stall', seconds: 1 }),
  fc.constant<'timeout'>('timeout'),
  fc.constant<'attach'>('attach'),
);

/** Feed `text` in pieces cut at `cuts`, taking `steps` between them; the commands and the message's own bytes. */
function run(text: string, cuts: number[], steps: (HeldStep | 'timeout' | 'attach')[], breakpoint: number | null) {
  const q = new HeldQueue({ direction: 'response', chunks: breakpoint, releaseAfterMs: 1000 });
  const parser = new Http1Parser('response', { requestMethod: () => 'GET' });
  const input = new ByteQueue();
  const commands: HeldCommand[] = [];
  let own = '';
  let over = false;
  const take = (more: HeldCommand[]) => {
    commands.push(...more);
    expect(q.queuedBytes).toBeGreaterThanOrEqual(0);
  };
  const feed = (piece: string, end: boolean) => {
    const bytes = Buffer.from(piece, 'latin1');
    input.push(bytes);
    for (const e of [...parser.feed(bytes), ...(end ? parser.end('fin') : [])]) {
      if (over) break;
      if (e.type === 'framing' && e.message === 0) q.framing(e.framing, e.contentLength);
      if (!isSpanEvent(e)) {
        if (e.type === 'message-complete') over = true;
        continue;
      }
      const pieces = input.take(e.length);
      if (e.message !== 0) {
        over = true; // bytes past the message are not its to hold
        break;
      }
      own += Buffer.concat(pieces).toString('latin1');
      q.span(e, pieces);
    }
    take(over || end ? q.ended() : q.arrived());
  };
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].filter((p) => p < text.length).sort((a, b) => a - b);
  let from = 0;
  let s = 0;
  for (const point of [...points, text.length]) {
    if (!over) feed(text.slice(from, point), point === text.length);
    from = point;
    const act = steps[s++];
    if (act === undefined) continue;
    if (act === 'attach') take(q.attached());
    else if (act === 'timeout') take(q.timeout());
    else if (q.listed) {
      try {
        take(q.act(act));
      } catch (error) {
        expect(error).toBeInstanceOf(StepRefused);
      }
    }
  }
  // Then whatever it takes to finish: its turn, and the rest.
  take(q.attached());
  if (q.listed) take(q.act({ action: 'rest' }));
  return { q, commands, own };
}

describe('a held message, under generated input and steps', () => {
  it('sends exactly the message as sent, in order, and is done with an empty queue', () => {
    fc.assert(
      fc.property(message, fc.array(fc.nat(), { maxLength: 8 }), fc.array(step, { maxLength: 10 }), fc.option(fc.integer({ min: 0, max: 3 })), (text, cuts, steps, breakpoint) => {
        const { q, commands, own } = run(text, cuts, steps, breakpoint);
        const sent = Buffer.concat(commands.flatMap((c) => (c.do === 'send' ? c.pieces : []))).toString('latin1');
        expect(sent).toBe(own);
        expect(q.done).toBe(true);
        expect(q.queuedBytes).toBe(0);
        expect(commands.filter((c) => c.do === 'done')).toHaveLength(1);
        expect(commands.at(-1)).toEqual({ do: 'done' });
      }),
      { numRuns: RUNS, seed: Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 18) },
    );
  });

  it('with edits, drops and ends too: refusals in words only, the queue empty once done, nothing after done', () => {
    fc.assert(
      fc.property(message, fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.oneof(step, edits), { maxLength: 10 }), fc.option(fc.integer({ min: 0, max: 3 })), (text, cuts, steps, breakpoint) => {
        const { q, commands } = run(text, cuts, steps, breakpoint);
        expect(q.done).toBe(true);
        expect(q.queuedBytes).toBe(0);
        const done = commands.findIndex((c) => c.do === 'done');
        expect(done).toBe(commands.length - 1);
        expect(commands.filter((c) => c.do === 'end').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS, seed: Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 18) },
    );
  });
});
