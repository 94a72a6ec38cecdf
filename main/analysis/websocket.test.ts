// The WebSocket of an upgraded connection, as playbooks: the upgrade and the frames in,
// the messages, the close handshake in the account and the findings out.

import { describe, expect, it, vi } from 'vitest';
import { MessageBuilder } from '../websocket/message';
import { concat, frame } from '../websocket/test-support/frames';
import { connectionAccount, exchangeAccount } from './account';
import { Playbook } from './test-support/playbook';

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: chat.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
const MASK = [0x12, 0x34, 0x56, 0x78];
const client = (spec: Parameters<typeof frame>[0]) => frame({ mask: MASK, ...spec });
const close = (code: number, reason = '') => concat([Uint8Array.from([code >> 8, code & 0xff]), Uint8Array.from(Buffer.from(reason))]);

function upgraded(options: ConstructorParameters<typeof Playbook>[0] = {}): Playbook {
  return new Playbook(options).client(0, UPGRADE).server(0.01, SWITCHING);
}

describe('a WebSocket after a 101', () => {
  it('reads the messages of both sides with their times, and a close handshake the client began', () => {
    const p = upgraded()
      .client(0.1, client({ opcode: 'text', payload: 'hello' }))
      .server(0.2, concat([frame({ opcode: 'text', fin: false, payload: 'hel' }), frame({ opcode: 'cont', payload: 'lo back' })]))
      .client(0.3, client({ opcode: 'ping', payload: 'p' }))
      .server(0.31, frame({ opcode: 'pong', payload: 'p' }))
      .client(0.5, client({ opcode: 'close', payload: close(1000, 'done') }))
      .server(0.51, frame({ opcode: 'close', payload: close(1000) }))
      .serverEnds(0.52)
      .clientEnds(0.53);
    const ws = p.a.webSocket!;
    expect(ws.exchange).toBe(0);
    expect(ws.messages.map((m) => [m.seq, m.sender, m.kind, Buffer.from(m.preview).toString('latin1'), m.frames, m.first, m.last])).toEqual([
      [0, 'client', 'text', 'hello', 1, 0.1, 0.1],
      [1, 'server', 'text', 'hello back', 2, 0.2, 0.2],
      [2, 'client', 'ping', 'p', 1, 0.3, 0.3],
      [3, 'server', 'pong', 'p', 1, 0.31, 0.31],
      [4, 'client', 'close', '\x03\xe8done', 1, 0.5, 0.5],
      [5, 'server', 'close', '\x03\xe8', 1, 0.51, 0.51],
    ]);
    // Offsets are those of each direction of the connection: the first frame follows the upgrade's head.
    expect(ws.messages[0]!.offset).toBe(UPGRADE.length);
    expect(ws.messages[1]!.offset).toBe(SWITCHING.length);
    const account = exchangeAccount(p.a, 0, null);
    expect(account.headline).toBe(
      'WebSocket closed cleanly: 6 messages (3 from the client, 3 from the server); the client sent Close (1000, normal closure: "done"), the server answered with Close (1000, normal closure); then the server closed the connection (FIN)',
    );
    expect(account.tone).toBe('ok');
    expect(account.webSocket).toMatchObject({ messages: { client: 3, server: 3 }, closedBy: 'client', answered: true, over: true });
    expect(connectionAccount(p.a, null).headline).toBe(account.headline);
    expect(p.a.report().verdict).toBe('ok');
  });

  it('reads frames that came in the same read as the 101', () => {
    const p = new Playbook().client(0, UPGRADE).server(0.01, concat([Uint8Array.from(Buffer.from(SWITCHING)), frame({ opcode: 'text', payload: 'welcome' })]));
    expect(p.a.webSocket!.messages.map((m) => Buffer.from(m.preview).toString())).toEqual(['welcome']);
    expect(exchangeAccount(p.a, 0, null)).toMatchObject({ tone: 'live', headline: 'WebSocket open: 1 message (0 from the client, 1 from the server)' });
  });

  it('puts a client frame’s finding on the upgrade request, a server frame’s on the 101, with their byte offsets', () => {
    const p = upgraded()
      .client(0.1, frame({ opcode: 'text', payload: 'unmasked' }))
      .server(0.2, frame({ opcode: 'ping', payload: 'x'.repeat(126) }));
    const { request, response } = p.a.exchangeMessages(0);
    expect(request!.anomalies).toEqual([expect.objectContaining({ code: 'ws-unmasked-client-frame', cls: 'D', offset: UPGRADE.length + 1 })]);
    expect(response!.anomalies).toEqual([expect.objectContaining({ code: 'ws-control-too-long', cls: 'D', offset: SWITCHING.length + 1 })]);
    expect(request!.anomalies[0]!.message).toBe("the client's frame #1 is not masked: every frame a client sends must be (RFC 6455 §5.1, §5.3); a server must close the connection when one is not");
    expect(exchangeAccount(p.a, 0, null).tone).toBe('problem');
    expect(p.a.report().verdict).toBe('error');
  });

  it('finds a WebSocket that ended without a Close frame, on the side that ended it', () => {
    const p = upgraded().client(0.1, client({ opcode: 'text', payload: 'hi' })).clientEnds(0.4).serverEnds(0.41);
    const { request } = p.a.exchangeMessages(0);
    expect(request!.anomalies).toEqual([
      expect.objectContaining({ code: 'ws-no-close-frame', cls: 'E', offset: UPGRADE.length + 8, message: 'the client closed the connection (FIN) with no Close frame from either side: the WebSocket was not closed cleanly (RFC 6455 §7.1.5: 1006, abnormal closure)' }),
    ]);
    expect(exchangeAccount(p.a, 0, null).headline).toBe('WebSocket ended without a Close frame: 1 message (1 from the client, 0 from the server); then the client closed the connection (FIN)');
  });

  it('finds a Close never answered, on the side that did not answer', () => {
    const p = upgraded().server(0.1, frame({ opcode: 'close', payload: close(1001, 'restarting') })).serverEnds(0.2).clientEnds(0.2);
    const { request } = p.a.exchangeMessages(0);
    expect(request!.anomalies.map((x) => x.code)).toEqual(['ws-no-close-frame']);
    expect(request!.anomalies[0]!.message).toMatch(/^the client never answered the server's Close \(1001, going away: "restarting"\) with a Close frame of its own before the server closed the connection \(FIN\)/);
    expect(exchangeAccount(p.a, 0, null)).toMatchObject({ tone: 'problem', headline: 'WebSocket closed without the close handshake: 1 message (0 from the client, 1 from the server); the server sent Close (1001, going away: "restarting") and the client never answered; then the server closed the connection (FIN)' });
  });

  it('says nothing is cut short when the capture ended with the socket open', () => {
    const p = upgraded().client(0.1, client({ opcode: 'text', payload: 'hi' }));
    p.a.finish();
    expect(p.a.exchangeMessages(0).request!.anomalies).toEqual([]);
    expect(exchangeAccount(p.a, 0, null)).toMatchObject({ tone: 'ok', headline: 'WebSocket still open when the capture ended: 1 message (1 from the client, 0 from the server)' });
  });

  it('counts every message of a long-lived socket and keeps the records of only the first ones', () => {
    const many = concat(Array.from({ length: 500 }, (_, i) => frame({ opcode: 'text', payload: `tick ${i}` })));
    const counting = upgraded({ keepChunks: false }).server(0.1, many);
    expect(counting.a.webSocket!.counts.server).toBe(500);
    expect(counting.a.webSocket!.messages).toEqual([]);
    const keeping = upgraded({ keepChunks: 3 }).server(0.1, many);
    expect(keeping.a.webSocket!.messages.map((m) => Buffer.from(m.preview).toString())).toEqual(['tick 0', 'tick 1', 'tick 2']);
    expect(keeping.a.webSocket!.omitted).toBe(497);
  });

  it('counts a flood of tiny frames without building a message for each, and still reads what comes after it', () => {
    const finish = vi.spyOn(MessageBuilder.prototype, 'finish');
    try {
      // 200,000 empty binary frames, 2 bytes each, in 64 KiB reads: a peer flooding the relay.
      const flood = Buffer.alloc(400_000, Buffer.from([0x82, 0x00]));
      const p = upgraded({ keepChunks: false });
      for (let at = 0; at < flood.length; at += 65536) p.server(0.1, flood.subarray(at, at + 65536));
      const masked = SWITCHING.length + flood.length;
      p.server(0.2, frame({ opcode: 'text', mask: MASK, payload: 'masked' }))
        .server(0.3, frame({ opcode: 'close', payload: close(1000) }))
        .client(0.4, client({ opcode: 'close', payload: close(1000) }))
        .serverEnds(0.5)
        .clientEnds(0.5);
      expect(p.a.webSocket!.counts).toEqual({ client: 1, server: 200_002 });
      expect(p.a.webSocket!.account()).toMatchObject({ closedBy: 'server', answered: true, closes: { server: { code: 1000, message: 200_001, at: 0.3 } } });
      expect(p.a.exchangeMessages(0).response!.anomalies).toEqual([expect.objectContaining({ code: 'ws-masked-server-frame', offset: masked + 1 })]);
      // The masked frame and the two Closes: the flood's frames were counted, not built.
      expect(finish).toHaveBeenCalledTimes(3);
    } finally {
      finish.mockRestore();
    }
  });

  it('is no WebSocket when the request asked for another protocol', () => {
    const p = new Playbook().client(0, UPGRADE.replace('Upgrade: websocket', 'Upgrade: h2c')).server(0.01, SWITCHING).server(0.1, frame({ opcode: 'text', payload: 'hi' }));
    expect(p.a.webSocket).toBeNull();
  });

  it('decompresses per-message-deflate when the 101 accepted it', () => {
    const p = new Playbook()
      .client(0, UPGRADE)
      .server(0.01, SWITCHING.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n'))
      .server(0.1, frame({ opcode: 'text', rsv: 4, payload: Uint8Array.from([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]) }));
    expect(p.a.webSocket!.messages[0]).toMatchObject({ compressed: true, decompressed: true, size: 5, wireLength: 7 });
  });
});
