// Reading pcap and pcapng files, and decoding their frames down to TCP.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket, type TcpSegment } from './packets';
import { isPcap, PcapFormatError, readPackets, type Packet, type PcapReadResult } from './read';
import { pcapToCapture } from './to-capture';
import { flow, type Frame, type Link } from './test-support/build';
import { pcapFile, pcapngFile } from './test-support/files';

function readAll(input: Uint8Array | Uint8Array[]): { packets: Packet[]; result: PcapReadResult } {
  const packets: Packet[] = [];
  const reader = readPackets(input);
  let step = reader.next();
  for (; !step.done; step = reader.next()) packets.push(step.value);
  return { packets, result: step.value };
}

function tcpOf(packet: Packet): TcpSegment {
  const decoded = decodePacket(packet.linkType, packet.bytes);
  if (decoded.kind !== 'tcp') throw new Error(`not TCP: ${JSON.stringify(decoded)}`);
  return decoded.segment;
}

/** Split bytes in pieces of `size` (the reader must not care). */
function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.slice(at, at + size));
  return out;
}

function sample(link: Link = 'ethernet', start = 100): Frame[] {
  const c = flow({ link, start });
  return [...c.handshake(), c.segment({ from: 'client', payload: 'GET / HTTP/1.1\r\n\r\n', at: 0.25 })];
}

describe('classic pcap', () => {
  for (const endian of ['little', 'big'] as const) {
    for (const nano of [false, true]) {
      it(`reads ${endian}-endian files with ${nano ? 'nanosecond' : 'microsecond'} times, in any piece size`, () => {
        const file = pcapFile(sample(), { endian, nano });
        expect(isPcap(file)).toBe(true);
        for (const size of [file.length, 7, 1]) {
          const { packets, result } = readAll(pieces(file, size));
          expect(result).toEqual({ format: 'pcap', packets: 4, notes: [] });
          expect(packets.map((p) => p.number)).toEqual([1, 2, 3, 4]);
          expect(packets[3]!.time).toBeCloseTo(100.25, 9);
          expect(packets[3]!.linkType).toBe(1);
          expect(Buffer.from(tcpOf(packets[3]!).payload).toString()).toBe('GET / HTTP/1.1\r\n\r\n');
        }
      });
    }
  }

  it('keeps nanoseconds exact', () => {
    const file = pcapFile(sample(), { nano: true });
    file.writeUInt32LE(123_456_789, 24 + 4); // the first packet's fraction
    expect(readAll(file).packets[0]!.time).toBe(100.123456789);
  });

  it('stops at a packet cut short at the end, with a note, not an error', () => {
    const file = pcapFile(sample());
    const { packets, result } = readAll(file.subarray(0, file.length - 10));
    expect(packets).toHaveLength(3);
    expect(result.notes).toEqual([expect.stringMatching(/ends in the middle of a packet at byte \d+ .*3 packets read/)]);
  });

  it('says where a damaged record is', () => {
    const file = pcapFile(sample());
    file.writeUInt32LE(0x7fffffff, 24 + 8); // the first packet claims 2 GiB
    expect(() => readAll(file)).toThrow(new PcapFormatError('packet 1 claims 2147483647 captured bytes: the file is damaged', 32));
  });
});

describe('pcapng', () => {
  it('reads both byte orders, and a second section in the other order', () => {
    for (const endian of ['little', 'big'] as const) {
      const file = pcapngFile(sample(), { endian, newSectionAt: 2 });
      expect(isPcap(file)).toBe(true);
      const { packets, result } = readAll(pieces(file, 5));
      expect(result).toMatchObject({ format: 'pcapng', packets: 4, notes: [] });
      expect(packets.map((p) => p.time)).toEqual([100.001, 100.002, 100.003, 100.25]);
      expect(tcpOf(packets[3]!).payload.length).toBe(18);
    }
  });

  it('honours if_tsresol: decimal and power-of-two resolutions', () => {
    const frames = sample('ethernet', 1_700_000_000);
    expect(readAll(pcapngFile(frames, { tsresol: 9 })).packets[3]!.time).toBe(1_700_000_000.25);
    expect(readAll(pcapngFile(frames, { tsresol: 0x80 | 20 })).packets[3]!.time).toBe(1_700_000_000.25);
    expect(readAll(pcapngFile(frames, { tsresol: 3 })).packets[2]!.time).toBe(1_700_000_000.003);
  });

  it('reads obsolete packet blocks, and simple packet blocks (which carry no time) with a note', () => {
    expect(readAll(pcapngFile(sample(), { packetBlock: 'opb' })).packets.map((p) => p.time)).toEqual([100.001, 100.002, 100.003, 100.25]);
    const { packets, result } = readAll(pcapngFile(sample(), { packetBlock: 'spb' }));
    expect(packets).toHaveLength(4);
    expect(tcpOf(packets[3]!).payload.length).toBe(18);
    expect(result.notes).toEqual(['4 packets are simple packet blocks, which carry no time: each is given the time of the packet before it']);
  });

  it('stops at a block cut short at the end, with a note', () => {
    const file = pcapngFile(sample());
    const { packets, result } = readAll(file.subarray(0, file.length - 3));
    expect(packets).toHaveLength(3);
    expect(result.notes[0]).toMatch(/ends in the middle of a block at byte \d+/);
  });

  it('says where a block length is impossible, or its two lengths differ', () => {
    const file = pcapngFile(sample());
    const damaged = Buffer.from(file);
    damaged.writeUInt32LE(13, 28 + 4); // the first block after the section header
    expect(() => readAll(damaged)).toThrow(/impossible length 13 .*\(at byte 32\)/);
    const mismatched = Buffer.from(file);
    mismatched.writeUInt32LE(99, 24); // the section header's closing length
    expect(() => readAll(mismatched)).toThrow(/ends with a length that differs from its first \(99 vs 28\) \(at byte 24\)/);
  });
});

describe('not a capture', () => {
  it('refuses garbage, empty and short input with PcapFormatError', () => {
    expect(isPcap(Buffer.from('GET / HTTP/1.1'))).toBe(false);
    expect(() => readAll(Buffer.from('hello, world'))).toThrow(/not a pcap or pcapng capture: it starts with 68 65 6c 6c 6f 2c 20 77/);
    expect(() => readAll(new Uint8Array(0))).toThrow(new PcapFormatError('the file is empty: not a pcap or pcapng capture', 0));
    expect(() => readAll(Uint8Array.from([0xd4, 0xc3]))).toThrow(PcapFormatError);
    expect(() => pcapToCapture(Buffer.from('\x89CSCAP\r\n'))).toThrow(PcapFormatError);
  });

  it('never throws anything but PcapFormatError, whatever follows a valid start', () => {
    const starts = [pcapFile(sample()).subarray(0, 24), pcapngFile(sample()).subarray(0, 28), pcapFile(sample()), pcapngFile(sample()), new Uint8Array(0)];
    fc.assert(
      fc.property(fc.constantFrom(...starts), fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (start, tail, size) => {
        const file = Buffer.concat([start, tail]);
        try {
          pcapToCapture(pieces(file, size));
        } catch (error) {
          if (!(error instanceof PcapFormatError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('link layers down to TCP', () => {
  const cases: [Link, string, string][] = [
    ['ethernet', '10.0.0.1:50000', '10.0.0.2:8080'],
    ['vlan', '10.0.0.1:50000', '10.0.0.2:8080'],
    ['sll', '127.0.0.1:50000', '127.0.0.1:8080'],
    ['sll2', '[::1]:50000', '[::1]:8080'],
    ['null', '[2001:db8::1]:50000', '[2001:db8:0:1::2]:80'],
    ['loop', '192.0.2.7:1', '192.0.2.8:2'],
    ['raw', '[fe80::1:0:0:2]:443', '[::ffff:10.1.2.3]:443'],
  ];
  for (const [link, client, server] of cases) {
    it(`${link}: ${client} → ${server}`, () => {
      const c = flow({ link, client, server, tcpOptions: true, hopByHop: true });
      const [packet] = readAll(pcapFile([c.segment({ from: 'client', seq: 0, payload: 'hi', flags: 'PA', ack: 0 })])).packets;
      const tcp = tcpOf(packet!);
      expect(`${tcp.src.includes(':') ? `[${tcp.src}]` : tcp.src}:${tcp.srcPort}`).toBe(client);
      expect(`${tcp.dst.includes(':') ? `[${tcp.dst}]` : tcp.dst}:${tcp.dstPort}`).toBe(server);
      expect(Buffer.from(tcp.payload).toString()).toBe('hi'); // not the Ethernet padding, not the TCP options
      expect(tcp).toMatchObject({ seq: 1001, ack: 5001, syn: false, fin: false, rst: false, hasAck: true, payloadLength: 2 });
    });
  }

  it('skips IP fragments, other protocols and unknown link types, saying why', () => {
    const c = flow();
    const frame = Buffer.from(c.segment({ from: 'client', payload: 'x' }).bytes);
    frame.writeUInt16BE(0x2000, 14 + 6); // more fragments
    expect(decodePacket(1, frame)).toEqual({ kind: 'skipped', reason: 'fragment' });
    frame[14 + 9] = 17; // UDP
    expect(decodePacket(1, frame)).toEqual({ kind: 'other' });
    expect(decodePacket(1, frame.subarray(0, 20))).toEqual({ kind: 'skipped', reason: 'truncated' });
    expect(decodePacket(147, frame)).toEqual({ kind: 'skipped', reason: 'link-type' });
  });

  it('knows a payload the snap length cut: fewer bytes captured than carried', () => {
    const c = flow();
    const file = pcapFile([c.segment({ from: 'client', payload: 'x'.repeat(100) })], { snapLength: 80 });
    const tcp = tcpOf(readAll(file).packets[0]!);
    expect(tcp.payload.length).toBe(80 - 14 - 20 - 20);
    expect(tcp.payloadLength).toBe(100);
  });
});
