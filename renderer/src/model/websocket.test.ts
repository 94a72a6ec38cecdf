import { describe, expect, it } from 'vitest';
import type { AnomalyRecord } from '../../../shared/ledger';
import type { WebSocketMessage } from '../../../shared/websocket';
import { closeLabel, compressionLabel, countLabel, handshakeLabel, kindLabel, preview, problemsOf, sizeLabel, visibleText } from './websocket';

function message(overrides: Partial<WebSocketMessage> = {}): WebSocketMessage {
  return {
    seq: 0,
    from: 'client',
    index: 0,
    kind: 'text',
    opcode: 1,
    first: 0.1,
    last: 0.1,
    stream: 0,
    offset: 200,
    end: 211,
    frames: 1,
    wireLength: 5,
    size: 5,
    compressed: false,
    decompressed: false,
    note: null,
    text: 'hello',
    data: null,
    cut: false,
    close: null,
    complete: true,
    problems: [],
    ...overrides,
  };
}

const base64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

describe('a WebSocket message in words', () => {
  it('says its size decoded, and as sent when compressed or not decompressed', () => {
    expect(sizeLabel(message())).toBe('5 B');
    expect(sizeLabel(message({ compressed: true, decompressed: true, wireLength: 7, size: 2048 }))).toBe('2.0 KB (7 B sent)');
    expect(sizeLabel(message({ compressed: true, decompressed: false, wireLength: 11, size: null }))).toBe('11 B sent');
  });

  it('shows text with its control characters visible, cut with an ellipsis', () => {
    expect(visibleText('a\tb\u0000c')).toBe('a\\x09b\\x00c');
    expect(preview(message({ text: 'x'.repeat(200) }))).toEqual({ text: `${'x'.repeat(160)}…`, hex: false, cut: true });
    expect(preview(message({ text: 'kept part', cut: true }))).toEqual({ text: 'kept part…', hex: false, cut: true });
  });

  it('shows binary data as hex, its first bytes only', () => {
    expect(preview(message({ kind: 'binary', opcode: 2, text: null, data: base64([0, 1, 0xfe, 0xff]) }))).toEqual({ text: '00 01 fe ff', hex: true, cut: false });
    const long = preview(message({ kind: 'binary', opcode: 2, text: null, data: base64(Array.from({ length: 30 }, (_, i) => i)) }));
    expect(long.text.endsWith('17 …')).toBe(true);
    expect(long.cut).toBe(true);
  });

  it('gives a close its code, meaning and reason, and a reserved opcode its number', () => {
    const close = { code: 4000, reason: 'bye', meaning: 'private use (4000-4999)' };
    expect(closeLabel(close)).toBe('4000 private use (4000-4999) "bye"');
    expect(preview(message({ kind: 'close', opcode: 8, text: null, close }))).toEqual({ text: '4000 private use (4000-4999) "bye"', hex: false, cut: false });
    expect(closeLabel({ code: null, reason: '', meaning: 'no status received (1005)' })).toBe('(no code) no status received (1005)');
    expect(kindLabel({ kind: 'reserved', opcode: 3 })).toBe('opcode 0x3 (reserved)');
    expect(kindLabel({ kind: 'ping', opcode: 9 })).toBe('ping');
  });

  it('says why a compressed message is not shown decompressed', () => {
    expect(compressionLabel(message())).toBeNull();
    expect(compressionLabel(message({ compressed: true, decompressed: false, note: 'the deflate data is corrupt' }))).toBe('compressed (permessage-deflate), not decompressed: the deflate data is corrupt');
    expect(preview(message({ compressed: true, decompressed: false, note: 'the deflate data is corrupt', text: null }))).toMatchObject({ text: '(not decompressed: the deflate data is corrupt)' });
  });

  it("gives each problem the finding inside the message's bytes, with its offset and sentence", () => {
    const findings: AnomalyRecord[] = [
      { code: 'ws-reserved-opcode', cls: 'D', offset: 150, message: 'an earlier message' },
      { code: 'ws-reserved-opcode', cls: 'D', offset: 204, message: 'opcode 0x3 is reserved (RFC 6455 §5.2)' },
    ];
    const m = message({ problems: ['ws-reserved-opcode', 'ws-unmasked-client-frame'] });
    expect(problemsOf(m, findings)).toEqual([
      { code: 'ws-reserved-opcode', offset: 204, sentence: 'opcode 0x3 is reserved (RFC 6455 §5.2)' },
      // Only the first of a code is a finding: the others point at their message.
      { code: 'ws-unmasked-client-frame', offset: 200, sentence: null },
    ]);
  });
});

describe('a WebSocket in words', () => {
  it('says the handshake and the count, with what was not kept and whether it is open', () => {
    expect(handshakeLabel({ protocol: 'chat', extensions: null, deflate: null })).toEqual(['subprotocol chat', 'no extension']);
    const deflate = { client: { contextTakeover: false, maxWindowBits: 15 }, server: { contextTakeover: true, maxWindowBits: 10 } };
    expect(handshakeLabel({ protocol: null, extensions: 'permessage-deflate', deflate })[2]).toBe('permessage-deflate: the client resets its context, window 2^15; the server keeps its context, window 2^10');
    const account = { messages: { client: 3, server: 1 }, closes: { client: null, server: null }, closedBy: null, answered: false, over: false };
    expect(countLabel({ account, omitted: 0, open: false })).toBe('4 messages (3 from the client, 1 from the server)');
    expect(countLabel({ account, omitted: 1200, open: true })).toBe('4 messages (3 from the client, 1 from the server) · 1,200 more counted, not kept · still open: messages appear as they arrive');
  });
});
