// Reading packet captures: classic pcap (libpcap, tcpdump -w) and pcapng (tshark,
// dumpcap, tcpdump on newer systems). Only what importing TCP needs is kept: each
// packet's time, link type and bytes. Input comes in pieces and is parsed as it comes,
// so a large file is never held whole by the reader.
//
// A damaged file raises PcapFormatError with the byte offset of the damage; a file cut
// short inside its last packet (the capturer was killed) is not damage: reading stops
// there with a note, as Wireshark does.

import { cutShort, Input, MAX_PACKET, PcapFormatError, type Packet, type Parser, type PcapReadResult } from './input';
import { PcapngParser, SHB } from './pcapng';

export { PcapFormatError, type Packet, type PcapReadResult } from './input';

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;

/** True when the bytes start like a pcap (either byte order, µs or ns) or a pcapng file. */
export function isPcap(start: Uint8Array): boolean {
  if (start.length < 4) return false;
  const view = new DataView(start.buffer, start.byteOffset, start.length);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  if (be === PCAP_MICRO || be === PCAP_NANO || le === PCAP_MICRO || le === PCAP_NANO) return true;
  return be === SHB;
}

function* pieces(input: Uint8Array | Iterable<Uint8Array>): Generator<Uint8Array> {
  if (input instanceof Uint8Array) yield input;
  else yield* input;
}

/**
 * Each packet of a pcap or pcapng file, in file order. The return value tells the
 * format and notes. Throws PcapFormatError for a file that is not a capture or is damaged.
 */
export function* readPackets(input: Uint8Array | Iterable<Uint8Array>): Generator<Packet, PcapReadResult> {
  const source = new Input();
  let parser: Parser | null = null;
  for (const piece of pieces(input)) {
    if (piece.length === 0) continue;
    source.append(piece);
    if (!parser) {
      if (source.available() < 4) continue;
      parser = chooseParser(source);
    }
    yield* parser.parse(source);
  }
  if (!parser) {
    const got = source.available();
    if (got === 0) throw new PcapFormatError('the file is empty: not a pcap or pcapng capture', 0);
    throw new PcapFormatError(`not a pcap or pcapng capture: only ${got} byte${got === 1 ? '' : 's'}`, 0);
  }
  return parser.finish(source);
}

function chooseParser(source: Input): Parser {
  const start = source.bytes(0, 4);
  if (!isPcap(start)) {
    const hex = [...source.bytes(0, Math.min(8, source.available()))].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new PcapFormatError(`not a pcap or pcapng capture: it starts with ${hex}, not a pcap magic number (a1 b2 c3 d4, a1 b2 3c 4d in either byte order) or a pcapng section header (0a 0d 0d 0a)`, 0);
  }
  return source.view(4).getUint32(0, false) === SHB ? new PcapngParser() : new ClassicParser();
}

/** Classic pcap: a 24-byte file header, then a 16-byte header before each packet. */
class ClassicParser implements Parser {
  private little = true;
  private nano = false;
  private linkType = -1;
  private snapLength = 0;
  private count = 0;

  *parse(source: Input): Generator<Packet> {
    if (this.linkType < 0) {
      if (source.available() < 24) return;
      const header = source.view(24);
      const be = header.getUint32(0, false);
      this.little = be !== PCAP_MICRO && be !== PCAP_NANO;
      this.nano = header.getUint32(0, this.little) === PCAP_NANO;
      const major = header.getUint16(4, this.little);
      if (major !== 2) throw new PcapFormatError(`pcap version ${major}.${header.getUint16(6, this.little)} is not supported (only 2.x)`, 4);
      // The upper bits of this field may carry FCS information (pcap-savefile(5)).
      this.linkType = header.getUint32(20, this.little) & 0x0fffffff;
      this.snapLength = header.getUint32(16, this.little);
      source.at += 24;
    }
    while (source.available() >= 16) {
      const header = source.view(16);
      const captured = header.getUint32(8, this.little);
      const original = header.getUint32(12, this.little);
      // libpcap refuses records bigger than the snap length (or 256 KiB): such a length
      // means the file is damaged, and waiting for that many bytes would hide it.
      if (captured > Math.min(MAX_PACKET, Math.max(this.snapLength, 262_144))) {
        throw new PcapFormatError(`packet ${this.count + 1} claims ${captured} captured bytes: the file is damaged`, source.offset + 8);
      }
      if (source.available() < 16 + captured) return;
      const seconds = header.getUint32(0, this.little);
      const fraction = header.getUint32(4, this.little);
      const bytes = source.bytes(16, captured);
      source.at += 16 + captured;
      this.count++;
      yield { time: seconds + fraction / (this.nano ? 1e9 : 1e6), linkType: this.linkType, bytes, originalLength: Math.max(original, captured), number: this.count };
    }
  }

  finish(source: Input): PcapReadResult {
    const notes: string[] = [];
    if (this.linkType < 0) throw new PcapFormatError('the pcap file header is cut short', source.offset);
    if (source.available() > 0) notes.push(cutShort('a packet', source.offset, this.count));
    return { format: 'pcap', packets: this.count, notes };
  }
}
