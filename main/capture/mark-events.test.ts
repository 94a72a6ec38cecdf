// A `mark` event as a reader takes it (FORMAT.md): checked like every event, so a damaged
// one is skipped and said while the rest of the capture reads on; unknown fields are left
// out; one of a connection the capture does not hold marks nothing.

import { describe, expect, it } from 'vitest';
import { analyseCapture } from '../analysis/capture-analysis';
import { checkEvent } from './events';
import { encodeEvent, fileHeader, type CaptureEvent } from './format';
import { readRecords, type Damage } from './reader';

const open: CaptureEvent = { type: 'open', connection: 1, time: 0, client: '127.0.0.1:5', mode: 'forward' };
const end: CaptureEvent = { type: 'end', time: 1 };

function capture(...events: (CaptureEvent | object)[]): Buffer {
  return Buffer.concat([fileHeader(), ...events.map((e) => encodeEvent(e as CaptureEvent))]);
}

describe('mark events', () => {
  it('are read as written, unknown fields left out', () => {
    expect(checkEvent({ type: 'mark', connection: 1, time: 0.5, exchange: 0, pinned: true, comment: 'x', colour: 'red' })).toEqual({ event: { type: 'mark', connection: 1, time: 0.5, exchange: 0, pinned: true, comment: 'x' } });
  });

  it('a damaged one is skipped and said, with its offset; the rest reads on', () => {
    const damage: Damage[] = [];
    const bad = { type: 'mark', connection: 1, time: 0.5, exchange: -1, pinned: 'yes', comment: 'x' };
    const tooLong = { type: 'mark', connection: 1, time: 0.5, exchange: 0, pinned: false, comment: 'x'.repeat(100_001) };
    const good = { type: 'mark', connection: 1, time: 0.6, exchange: 0, pinned: true, comment: 'kept' };
    const records = [...readRecords([capture(open, bad, tooLong, good, end)], { onDamage: (d) => damage.push(d) })];
    expect(records.map((r) => r.type)).toEqual(['open', 'mark', 'end']);
    expect(damage.map((d) => d.reason)).toEqual([expect.stringMatching(/^a "mark" event whose exchange is wrong/), expect.stringMatching(/^a "mark" event whose comment is wrong/)]);
    expect([...analyseCapture(records).marks]).toEqual([['1:0', { pinned: true, comment: 'kept' }]]);
  });

  it('of a connection the capture does not hold, it marks nothing', () => {
    const records = [...readRecords([capture(open, { type: 'mark', connection: 9, time: 0, exchange: 0, pinned: true, comment: '' }, end)])];
    expect(analyseCapture(records).marks.size).toBe(0);
  });
});
