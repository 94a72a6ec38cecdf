// TCP reassembly: out of order, retransmitted, overlapping, wrapping, lost.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket } from './packets';
import { Reassembler, type Side, type TcpConnection } from './reassembly';
import { flow, type Frame, type FlowOptions } from './test-support/build';

function reassemble(frames: Frame[]): TcpConnection[] {
  const reassembler = new Reassembler();
  for (const frame of frames) {
    const decoded = decodePacket(frame.linkType, frame.bytes);
    if (decoded.kind !== 'tcp') throw new Error('not TCP');
    reassembler.push(decoded.segment, frame.time - 1_700_000_000);
  }
  return reassembler.finish();
}

/** What one side sent, as text, with lost bytes as ‹gap N› and the ends as ‹FIN›/‹RST›. */
function story(connection: TcpConnection, side: Side): string {
  return connection.events
    .map((e) => (e.type === 'rst' ? '‹RST›' : e.from !== side ? '' : e.type === 'data' ? Buffer.from(e.bytes).toString('latin1') : e.type === 'gap' ? `‹gap ${e.length}›` : '‹FIN›'))
    .join('');
}

function sent(connection: TcpConnection, side: Side): string {
  return connection.events.map((e) => (e.type === 'data' && e.from === side ? Buffer.from(e.bytes).toString('latin1') : '')).join('');
}

const request = 'GET /feed HTTP/1.1\r\nHost: example\r\n\r\n';

describe('reassembly', () => {
  it('delivers in sequence order, each piece when the packet that completes it arrives', () => {
    const c = flow();
    const [conn] = reassemble([
      ...c.handshake(),
      c.segment({ from: 'client', seq: 4, payload: 'EFGH', at: 1 }),
      c.segment({ from: 'client', seq: 8, payload: 'IJ', at: 2 }),
      c.segment({ from: 'client', seq: 0, payload: 'ABCD', at: 3 }),
      c.segment({ from: 'client', seq: 10, flags: 'FA', at: 4 }),
    ]);
    expect(conn!.opener).toBe(0);
    expect(conn!.endpoints).toEqual(['10.0.0.1:50000', '10.0.0.2:8080']);
    expect(conn!.events.map((e) => [e.type, e.time, e.type === 'data' ? Buffer.from(e.bytes).toString() : null])).toEqual([
      ['data', 3, 'ABCDEFGHIJ'],
      ['fin', 4, null],
    ]);
  });

  it('drops retransmissions and keeps the first of overlapping bytes (as Wireshark does)', () => {
    const c = flow();
    const [conn] = reassemble([
      ...c.handshake(),
      c.segment({ from: 'server', seq: 0, payload: 'hello ' }),
      c.segment({ from: 'server', seq: 0, payload: 'hello ' }), // retransmitted
      c.segment({ from: 'server', seq: 10, payload: 'WXYZ' }), // waits for 6..10
      c.segment({ from: 'server', seq: 8, payload: 'rlDONE' }), // overlaps the waiting WXYZ with other bytes
      c.segment({ from: 'server', seq: 3, payload: 'lo wo' }), // overlaps delivered bytes, fills 6..8
    ]);
    expect(sent(conn!, 1)).toBe('hello worlWXYZ');
    expect(conn!.retransmissions).toBe(1);
    expect(conn!.conflictingBytes).toBe(4);
  });

  it('follows sequence numbers across the 2^32 wrap', () => {
    const c = flow({ clientIsn: 0xfffffff0 });
    const [conn] = reassemble([
      ...c.handshake(),
      c.segment({ from: 'client', seq: 10, payload: 'KLMNOPQRST' }), // crosses 2^32
      c.segment({ from: 'client', seq: 0, payload: 'ABCDEFGHIJ' }),
      c.segment({ from: 'client', seq: 20, payload: 'UV', flags: 'FPA' }),
    ]);
    expect(story(conn!, 0)).toBe('ABCDEFGHIJKLMNOPQRSTUV‹FIN›');
  });

  it('starts at the first sequence number seen when the capture began mid-connection', () => {
    const c = flow();
    const [conn] = reassemble([
      c.segment({ from: 'server', seq: 500, payload: 'tail of an old response' }),
      c.segment({ from: 'client', seq: 300, payload: request }),
      c.segment({ from: 'server', seq: 490, payload: 'older data' }), // before the start: old
      c.segment({ from: 'server', seq: 523, payload: 'HTTP/1.1 200 OK\r\n' }),
    ]);
    expect(conn!.opener).toBeNull();
    expect(conn!.endpoints[0]).toBe('10.0.0.2:8080');
    expect(story(conn!, 0)).toBe('tail of an old responseHTTP/1.1 200 OK\r\n');
    expect(story(conn!, 1)).toBe(request);
  });

  it('knows the opener from a SYN-ACK when the capture began just after the SYN', () => {
    const c = flow();
    const [conn] = reassemble([c.segment({ from: 'server', flags: 'SA' }), c.segment({ from: 'client', flags: 'A', seq: 0 }), c.segment({ from: 'client', payload: request })]);
    expect(conn!.endpoints[0]).toBe('10.0.0.2:8080');
    expect(conn!.opener).toBe(1);
    expect(sent(conn!, 1)).toBe(request);
  });

  it('declares a gap when the receiver acknowledges bytes the capture never saw', () => {
    const c = flow();
    const [conn] = reassemble([
      ...c.handshake(),
      c.segment({ from: 'server', seq: 0, payload: 'AAAA', at: 1 }),
      // 4..1452 lost by the capture
      c.segment({ from: 'server', seq: 1452, payload: 'CCCC', at: 2 }),
      c.segment({ from: 'client', flags: 'A', seq: 0, ack: 1456, at: 3 }),
      c.segment({ from: 'server', seq: 1456, payload: 'DD', flags: 'FPA', at: 4 }),
    ]);
    expect(story(conn!, 1)).toBe('AAAA‹gap 1448›CCCCDD‹FIN›');
    const gap = conn!.events.find((e) => e.type === 'gap')!;
    expect(gap).toMatchObject({ from: 1, time: 3, offset: 4, length: 1448 });
  });

  it('declares what is still missing when the connection is reset, or the file ends', () => {
    const c = flow();
    const [reset] = reassemble([
      ...c.handshake(),
      c.segment({ from: 'server', seq: 10, payload: 'later' }),
      c.segment({ from: 'client', seq: 0, payload: 'abc' }),
      c.segment({ from: 'server', seq: 15, flags: 'R' }),
      c.segment({ from: 'server', seq: 0, payload: 'too late' }), // after the RST: ignored
    ]);
    expect(story(reset!, 1)).toBe('‹gap 10›later‹RST›');
    expect(story(reset!, 0)).toBe('abc‹RST›');
    expect(reset!.ignoredAfterReset).toBe(1);

    const d = flow();
    const [cut] = reassemble([...d.handshake(), d.segment({ from: 'client', seq: 5, payload: 'xyz', flags: 'FPA' })]);
    expect(story(cut!, 0)).toBe('‹gap 5›xyz‹FIN›');
  });

  it('delivers a FIN that arrives before the data it follows only after that data', () => {
    const c = flow();
    const [conn] = reassemble([...c.handshake(), c.segment({ from: 'server', seq: 5, flags: 'FA', at: 1 }), c.segment({ from: 'server', seq: 0, payload: 'bytes', at: 2 })]);
    expect(conn!.events.map((e) => `${e.type}@${e.time}`)).toEqual(['data@2', 'fin@2']);
  });

  it('starts a new connection when a new SYN reuses the ports of a closed one', () => {
    const c = flow();
    const d = flow({ clientIsn: 777_777, start: 1_700_000_001 });
    const connections = reassemble([
      ...c.handshake(),
      c.segment({ from: 'client', payload: 'one' }),
      c.segment({ from: 'client', flags: 'FA' }),
      c.segment({ from: 'server', flags: 'FA' }),
      c.segment({ from: 'client', flags: 'S' }), // a retransmitted SYN would be the same connection
      ...d.handshake(),
      d.segment({ from: 'client', payload: 'two' }),
    ]);
    expect(connections.map((x) => [x.number, sent(x, 0)])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('reads IPv6 and VLAN-tagged frames the same way', () => {
    for (const options of [{ client: '[2001:db8::1]:40000', server: '[2001:db8::2]:80' }, { link: 'vlan' }] as FlowOptions[]) {
      const c = flow(options);
      const [conn] = reassemble([...c.handshake(), c.segment({ from: 'client', payload: request })]);
      expect(sent(conn!, 0)).toBe(request);
    }
  });
});

describe('reassembly, whatever the capture did to the segments', () => {
  it('any order and any duplication of a stream’s segments gives the same bytes', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const stream = fc.record({
      isn: fc.oneof(fc.constant(0xffffffe0), fc.nat({ max: 0xffffffff })),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }),
      extra: fc.array(fc.record({ start: fc.nat({ max: text.length - 1 }), length: fc.integer({ min: 1, max: 20 }) }), { maxLength: 6 }),
      fin: fc.boolean(),
    });
    fc.assert(
      fc.property(stream, fc.infiniteStream(fc.nat()), ({ isn, cuts, extra, fin }, randoms) => {
        const c = flow({ serverIsn: isn });
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), text.length];
        const pieces = bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end }));
        // Retransmissions and overlapping resends of the same bytes.
        for (const e of extra) pieces.push({ start: e.start, end: Math.min(text.length, e.start + e.length) });
        const order = [...pieces.keys()];
        const r = randoms[Symbol.iterator]();
        for (let i = order.length - 1; i > 0; i--) {
          const j = r.next().value! % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const frames = [...c.handshake(), ...order.map((i) => c.segment({ from: 'server', seq: pieces[i]!.start, payload: text.slice(pieces[i]!.start, pieces[i]!.end) }))];
        if (fin) frames.push(c.segment({ from: 'server', seq: text.length, flags: 'FA' }));
        const [conn] = reassemble(frames);
        expect(story(conn!, 1)).toBe(text + (fin ? '‹FIN›' : ''));
        // Each delivery is one contiguous run, in order.
        let offset = 0;
        for (const e of conn!.events) {
          if (e.type !== 'data') continue;
          expect(e.offset).toBe(offset);
          offset += e.bytes.length;
        }
      }),
      { numRuns: 1500 },
    );
  });
});
