// What the fixtures cannot show: messages compressed with a shared window by a real
// deflater, frames far bigger than memory read by their lengths, and the words a user reads.

import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { WsEvent, WsMessageRecord } from '../../shared/websocket';
import { closeCodeAllowed, closeCodeMeaning } from '../../shared/websocket';
import { negotiatedExtensions } from './deflate';
import { WebSocketParser } from './parser';
import { concat, frame } from './test-support/frames';

/** Messages compressed one after the other by one deflater, each flushed (RFC 7692 §7.2.1), as a sender with context takeover does. */
async function sharedWindow(texts: string[]): Promise<Uint8Array[]> {
  const deflater = zlib.createDeflateRaw();
  const out: Uint8Array[] = [];
  let pending: Buffer[] = [];
  deflater.on('data', (d: Buffer) => pending.push(d));
  for (const text of texts) {
    deflater.write(text);
    await new Promise<void>((resolve) => deflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    const all = Buffer.concat(pending);
    pending = [];
    out.push(all.subarray(0, all.length - 4));
  }
  deflater.close();
  return out;
}

function messages(events: WsEvent[]): WsMessageRecord[] {
  return events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
}

describe('decompression bombs', () => {
  it('a stream of them is decompressed only up to 32 times what was sent (plus 16 MiB), then counted, and said', () => {
    // Each message: 8 MiB of zeros, about 8 KiB as sent (a thousand times smaller).
    const bomb = zlib.deflateRawSync(Buffer.alloc(8 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const payload = bomb.subarray(0, bomb.length - 4);
    const negotiated = negotiatedExtensions('permessage-deflate; server_no_context_takeover');
    const parser = new WebSocketParser('server', { deflate: negotiated.deflate!.server });
    const events = [...parser.feed(concat(Array.from({ length: 6 }, () => frame({ opcode: 'binary', rsv: 4, payload })))), ...parser.end('fin')];
    const found = messages(events);
    expect(found).toHaveLength(6);
    // 16 MiB free: two messages, then each would need a thousand times its size.
    expect(found.map((m) => m.decompressed)).toEqual([true, true, false, false, false, false]);
    expect(found[2]!.note).toBe("not decompressed: this side's messages would decompress to more than 32 times their size as sent (a guard against decompression bombs)");
    expect(events.filter((e) => e.type === 'anomaly')).toEqual([]); // a guard, not the peer's fault
  });
});

describe('per-message-deflate with context takeover', () => {
  const texts = ['{"event":"tick","price":101.25,"symbol":"ACME"}', '{"event":"tick","price":101.5,"symbol":"ACME"}', '{"event":"tick","price":101.75,"symbol":"ACME"}'];

  it('decompresses messages that refer back to the ones before them', async () => {
    const payloads = await sharedWindow(texts);
    // The later messages are shorter than the first: they copy from it.
    expect(payloads[2]!.length).toBeLessThan(payloads[0]!.length / 2);
    const negotiated = negotiatedExtensions('permessage-deflate; client_max_window_bits');
    const parser = new WebSocketParser('server', { deflate: negotiated.deflate!.server });
    const bytes = concat(payloads.map((payload) => frame({ opcode: 'text', rsv: 4, payload })));
    const found = messages([...parser.feed(bytes), ...parser.end('fin')]);
    expect(found.map((m) => Buffer.from(m.preview).toString())).toEqual(texts);
    expect(found.every((m) => m.decompressed && m.problems.length === 0)).toBe(true);
  });

  it('fails the later messages when the handshake said there is no context to share (server_no_context_takeover)', async () => {
    const payloads = await sharedWindow(texts);
    const negotiated = negotiatedExtensions('permessage-deflate; server_no_context_takeover');
    expect(negotiated.deflate!.server.contextTakeover).toBe(false);
    const parser = new WebSocketParser('server', { deflate: negotiated.deflate!.server });
    const events = [...parser.feed(concat(payloads.map((payload) => frame({ opcode: 'text', rsv: 4, payload })))), ...parser.end('fin')];
    const found = messages(events);
    expect(found[0]!.decompressed).toBe(true);
    expect(found[1]!.decompressed).toBe(false);
    const finding = events.find((e) => e.type === 'anomaly');
    expect(finding).toMatchObject({ code: 'ws-inflate-failed', offset: found[1]!.offset });
    expect((finding as { text: string }).text).toMatch(/^the server's message #2 is marked compressed \(RSV1, permessage-deflate\) but cannot be decompressed: zlib says "invalid distance too far back"/);
  });
});

describe('frames of any size', () => {
  it('reads a 3 GiB frame by its length in pieces, keeping only its preview', () => {
    const parser = new WebSocketParser('server', { limits: { previewBytes: 16 } });
    const length = 3 * 1024 ** 3;
    const head = frame({ opcode: 'binary', length });
    expect(parser.feed(head)[0]).toMatchObject({ type: 'frame-header', payloadLength: length, length: 10 });
    const piece = new Uint8Array(64 * 1024 * 1024).fill(0x61);
    let found: WsMessageRecord[] = [];
    for (let fed = 0; fed < length; fed += piece.length) found = messages(parser.feed(piece));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ wireLength: length, size: length, complete: true, previewCut: true, end: 10 + length });
    expect(found[0]!.preview).toHaveLength(16);
  });

  it('reports the frame cut short with where it stopped, in words', () => {
    const parser = new WebSocketParser('server');
    parser.feed(frame({ opcode: 'binary', length: 1000, payload: 'x'.repeat(400) }));
    const finding = parser.end('fin', 'server').find((e) => e.type === 'anomaly');
    expect(finding).toMatchObject({ code: 'ws-truncated-frame', offset: 404 });
    expect((finding as { text: string }).text).toBe("the server closed the connection (FIN) in the middle of the server's frame #1 (400 of 1,000 payload bytes), at byte 404 (RFC 6455 §7.1.5)");
  });
});

describe('close codes', () => {
  it('are told in words, and those only for reporting may not be sent', () => {
    expect(closeCodeMeaning(1000)).toBe('normal closure');
    expect(closeCodeMeaning(1011)).toBe('internal error');
    expect(closeCodeMeaning(3001)).toBe('registered for libraries and frameworks (3000-3999)');
    expect(closeCodeMeaning(4404)).toBe('private use (4000-4999)');
    expect([1000, 1001, 1011, 1014, 3000, 4999].every(closeCodeAllowed)).toBe(true);
    expect([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000].some(closeCodeAllowed)).toBe(false);
  });
});

describe('the handshake', () => {
  it('reads permessage-deflate and its parameters from Sec-WebSocket-Extensions', () => {
    expect(negotiatedExtensions('permessage-deflate; client_no_context_takeover; server_max_window_bits=10')).toEqual({
      deflate: { client: { contextTakeover: false, maxWindowBits: 15 }, server: { contextTakeover: true, maxWindowBits: 10 } },
      others: [],
    });
    expect(negotiatedExtensions('x-webkit-deflate-frame')).toEqual({ deflate: null, others: ['x-webkit-deflate-frame'] });
    expect(negotiatedExtensions(null)).toEqual({ deflate: null, others: [] });
  });
});
