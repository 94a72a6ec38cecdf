import { describe, expect, it } from 'vitest';
import type { HeldMessage } from '../../../shared/breakpoints';
import { applyHeld, emptyHeld, RELEASED_KEPT } from '../store/held';
import { asText, exchangeLabel, fromBase64, heldFacts, parseHex, textBytes, toBase64, toHex } from './held';

function held(overrides: Partial<HeldMessage> = {}): HeldMessage {
  return {
    id: '3:1',
    direction: 'response',
    rule: 'break-response:2 path:/feed',
    state: 'held',
    before: 'chunk',
    chunk: 2,
    where: 'before chunk #3 (2 chunks delivered)',
    head: null,
    next: { part: 'chunk', sizeLine: '5DC', sizeToken: '5DC', size: 1500, queued: 1500, complete: true },
    edited: null,
    queuedBytes: 4541,
    queuedChunks: 2,
    senderEnded: null,
    receiverEnded: null,
    releaseAt: 1_000_300_000,
    heldSince: 1_000_000_000,
    ...overrides,
  };
}

describe('a held message in words', () => {
  it('says how long it has been held, what goes next with its size token, what is queued and when the timeout lets go', () => {
    expect(heldFacts(held(), 1_000_004_200)).toEqual({
      state: 'held 4.2 s',
      next: 'next: chunk #3, size 5DC (1,500 bytes), whole',
      queued: 'queued: 4,541 bytes (2 whole chunks after the next)',
      timeout: 'released in 4 min 56 s unless stepped',
      edited: null,
    });
    expect(exchangeLabel('3:1')).toBe('c3 · request #2');
  });

  it('chunks that came too many at once to be held one by one say they step together', () => {
    const next = { part: 'chunk' as const, sizeLine: '1', sizeToken: '1', size: 1, queued: 1, complete: true, joined: 170_000 };
    expect(heldFacts(held({ chunk: 4095, next }), 1_000_004_200).next).toBe('next: chunks #4096 to #174096 together (they came too many at once to step one by one)');
  });

  it('a chunk still arriving, a head, a size line with extensions, edits waiting', () => {
    const arriving = held({ next: { part: 'chunk', sizeLine: '5dc;x=1', sizeToken: '5dc', size: 1500, queued: 200, complete: false }, queuedChunks: 0, queuedBytes: 205 });
    expect(heldFacts(arriving, 1_000_000_000)).toMatchObject({ next: 'next: chunk #3, size 5dc (1,500 bytes) (size line "5dc;x=1"), 200 bytes arrived so far', queued: 'queued: 205 bytes' });
    const head = held({ before: 'head', chunk: 0, where: 'before the head', next: { part: 'head', sizeLine: null, sizeToken: null, size: null, queued: 64, complete: true } });
    expect(heldFacts(head, 1_000_000_000).next).toBe('next: the head, whole');
    expect(heldFacts(held({ next: null }), 1_000_000_000).next).toBe('next: chunk #3, nothing of it arrived yet');
    expect(heldFacts(held({ edited: { head: false, sizeLine: 'a', dataLength: 10 } }), 1_000_000_000).edited).toBe('edited: size line "a", 10 bytes; sent with the next step');
  });

  it('stalled without a timeout, and releasing', () => {
    expect(heldFacts(held({ state: 'stalled', releaseAt: null }), 1_000_012_000)).toMatchObject({ state: 'stalled 12.0 s (no timeout)', timeout: null });
    expect(heldFacts(held({ state: 'releasing', releaseAt: null, heldSince: null }), 1_000_012_000)).toMatchObject({ state: 'releasing chunk #3 as it arrives', timeout: null });
  });
});

describe('the held list from the updates', () => {
  it('is replaced by each list, kept when a batch has none, and the timeout notes are kept (the newest few)', () => {
    const first = applyHeld(emptyHeld(), [{ held: [held()] }], 1);
    expect(first.held.map((h) => h.id)).toEqual(['3:1']);
    expect(applyHeld(first, [{ rows: [] }], 2)).toBe(first);
    const timedOut = { id: '3:1', direction: 'response' as const, rule: 'break-response', effect: 'released the rest (…): nobody stepped it for 5 min 0 s' };
    const after = applyHeld(first, [{ held: [], heldTimedOut: [timedOut] }], 3);
    expect(after).toEqual({ held: [], released: [{ ...timedOut, at: 3 }] });
    let many = after;
    for (let i = 0; i < 10; i++) many = applyHeld(many, [{ heldTimedOut: [{ ...timedOut, id: `${i}:0` }] }], 4);
    expect(many.released).toHaveLength(RELEASED_KEPT);
    expect(many.released.at(-1)!.id).toBe('9:0');
  });
});

describe("a held part's bytes in the editor", () => {
  it('text when it is text, hex always, and back to the same bytes', () => {
    const bytes = textBytes('drip 1\nné\r\n');
    expect(asText(bytes)).toBe('drip 1\nné\r\n');
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    const binary = new Uint8Array([0, 1, 0xff, 0x1f, 0x41]);
    expect(asText(binary)).toBeNull();
    expect(asText(new Uint8Array([0xc3]))).toBeNull(); // a UTF-8 sequence cut short
    expect(toHex(binary)).toBe('00 01 ff 1f 41');
    expect(parseHex(toHex(binary))).toEqual(binary);
    expect(toHex(new Uint8Array(17)).split('\n')).toHaveLength(2);
  });

  it('refuses hex it cannot read, saying where', () => {
    expect(parseHex('41 4g')).toEqual({ error: '"g" at character 5 is not a hex digit (0-9, a-f)' });
    expect(parseHex('41 4')).toEqual({ error: '3 hex digits: each byte takes two' });
    expect(parseHex(' \n')).toEqual(new Uint8Array(0));
  });

  it('a large part goes to base64 and back whole', () => {
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    expect(fromBase64(toBase64(big))).toEqual(big);
  });
});
