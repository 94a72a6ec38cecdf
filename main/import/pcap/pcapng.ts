// pcapng (tshark, dumpcap, Wireshark): blocks of type, length, body, length. Each
// section header sets the byte order of its section and starts its interface list;
// interface descriptions give each packet its link type and time resolution.

import { atByte } from '../../../shared/words';
import { cutShort, MAX_PACKET, PcapFormatError, type Input, type Packet, type Parser, type PcapReadResult } from './input';

export const SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second, as a BigInt for exact 64-bit arithmetic. */
  unitsPerSecond: bigint;
  /** if_tsoffset: seconds to add to every timestamp. */
  offsetSeconds: number;
}

/** Seconds either side of 1970 that a Date can hold (ECMA-262 §21.4.1.22). */
const MAX_SECONDS = 8.64e12;

const IDB = 1;
const OPB = 2; // the obsolete Packet Block: dumpcap no longer writes it, old files have it
const SPB = 3;
const EPB = 6;

/** pcapng: blocks of type, length, body, length; each section sets its own byte order. */
export class PcapngParser implements Parser {
  private little = true;
  private interfaces: Interface[] = [];
  private count = 0;
  private lastTime = 0;
  private timelessPackets = 0;
  /** Byte offsets of timestamps no clock can show. */
  private impossibleTimes: number[] = [];

  *parse(source: Input): Generator<Packet> {
    while (source.available() >= 12) {
      const start = source.offset;
      let type = source.view(4).getUint32(0, this.little);
      if (source.view(4).getUint32(0, false) === SHB) {
        // A new section: its byte-order magic decides how to read everything in it.
        const magic = source.view(12).getUint32(8, false);
        if (magic === BYTE_ORDER_MAGIC) this.little = false;
        else if (magic === 0x4d3c2b1a) this.little = true;
        else throw new PcapFormatError(`pcapng section header with an unknown byte-order magic 0x${magic.toString(16)}`, start + 8);
        type = SHB;
      }
      const length = source.view(8).getUint32(4, this.little);
      if (length < 12 || length % 4 !== 0 || length > MAX_PACKET) {
        throw new PcapFormatError(`pcapng block of type 0x${type.toString(16)} has an impossible length ${length} (must be a multiple of 4, at least 12)`, start + 4);
      }
      if (source.available() < length) return;
      const block = source.view(length);
      if (block.getUint32(length - 4, this.little) !== length) {
        throw new PcapFormatError(`pcapng block of type 0x${type.toString(16)} ends with a length that differs from its first (${block.getUint32(length - 4, this.little)} vs ${length})`, start + length - 4);
      }
      const packet = this.block(type, block, source.bytes(0, length), start);
      source.at += length;
      if (packet) yield packet;
    }
  }

  private block(type: number, block: DataView, bytes: Uint8Array, start: number): Packet | null {
    const little = this.little;
    const bodyEnd = block.byteLength - 4;
    const need = (n: number, what: string) => {
      if (n > bodyEnd) throw new PcapFormatError(`pcapng ${what} is too short for its fields`, start);
    };
    switch (type) {
      case SHB:
        need(24, 'section header block');
        if (block.getUint16(12, little) !== 1) throw new PcapFormatError(`pcapng version ${block.getUint16(12, little)} is not supported (only 1.x)`, start + 12);
        this.interfaces = []; // interface ids are numbered per section
        return null;
      case IDB: {
        need(16, 'interface description block');
        const iface: Interface = { linkType: block.getUint16(8, little), snapLength: block.getUint32(12, little), unitsPerSecond: 1_000_000n, offsetSeconds: 0 };
        for (const [code, at, len] of options(block, 16, bodyEnd, little)) {
          if (code === 9 && len >= 1) iface.unitsPerSecond = tsResolution(block.getUint8(at), start + at);
          if (code === 14 && len >= 8) iface.offsetSeconds = Number(block.getBigInt64(at, little));
        }
        this.interfaces.push(iface);
        return null;
      }
      case EPB:
      case OPB: {
        need(28, type === EPB ? 'enhanced packet block' : 'packet block');
        const id = type === EPB ? block.getUint32(8, little) : block.getUint16(8, little);
        const iface = this.interface(id, start);
        const high = block.getUint32(12, little);
        const low = block.getUint32(16, little);
        const captured = block.getUint32(20, little);
        const original = block.getUint32(24, little);
        if (28 + captured > bodyEnd) throw new PcapFormatError(`packet ${this.count + 1} claims ${captured} captured bytes, more than its block holds`, start + 20);
        const time = timeOf(iface, (BigInt(high) << 32n) | BigInt(low));
        // A time no Date can hold (a damaged timestamp or if_tsoffset) would break every
        // time shown after it: the packet keeps the time of the one before, and a note says so.
        if (Math.abs(time) <= MAX_SECONDS) this.lastTime = time;
        else this.impossibleTimes.push(start + 12);
        return this.packet(iface, bytes.subarray(28, 28 + captured), original);
      }
      case SPB: {
        need(16, 'simple packet block');
        // A simple packet block has no interface id (always the first) and no time.
        const iface = this.interface(0, start);
        const original = block.getUint32(8, little);
        const captured = Math.min(original, bodyEnd - 12, iface.snapLength || Infinity);
        this.timelessPackets++;
        return this.packet(iface, bytes.subarray(12, 12 + captured), original);
      }
      default:
        return null; // name resolution, statistics, custom blocks...: nothing for TCP
    }
  }

  private interface(id: number, start: number): Interface {
    const iface = this.interfaces[id];
    if (!iface) throw new PcapFormatError(`packet of interface ${id}, but the section describes ${this.interfaces.length} interface${this.interfaces.length === 1 ? '' : 's'}`, start + 8);
    return iface;
  }

  private packet(iface: Interface, bytes: Uint8Array, original: number): Packet {
    this.count++;
    return { time: this.lastTime, linkType: iface.linkType, bytes, originalLength: Math.max(original, bytes.length), number: this.count };
  }

  finish(source: Input): PcapReadResult {
    const notes: string[] = [];
    if (source.available() > 0) notes.push(cutShort('a block', source.offset, this.count));
    if (this.timelessPackets > 0) {
      notes.push(`${this.timelessPackets} packet${this.timelessPackets === 1 ? ' is a simple packet block' : 's are simple packet blocks'}, which carry no time: each is given the time of the packet before it`);
    }
    const impossible = this.impossibleTimes.length;
    if (impossible > 0) {
      notes.push(
        `${impossible} packet${impossible === 1 ? ' has a time' : 's have times'} no clock can show (the first ${atByte(this.impossibleTimes[0]!)}: a damaged timestamp, or interface time offset): ${impossible === 1 ? 'it is' : 'each is'} given the time of the packet before it`,
      );
    }
    return { format: 'pcapng', packets: this.count, notes };
  }
}

/** The options of a block: [code, value offset, value length], until opt_endofopt. */
function* options(block: DataView, from: number, end: number, little: boolean): Generator<[number, number, number]> {
  let at = from;
  while (at + 4 <= end) {
    const code = block.getUint16(at, little);
    const length = block.getUint16(at + 2, little);
    if (code === 0 || at + 4 + length > end) return;
    yield [code, at + 4, length];
    at += 4 + Math.ceil(length / 4) * 4;
  }
}

/** if_tsresol: top bit clear, units of 10^-n seconds; set, units of 2^-n seconds. */
function tsResolution(value: number, offset: number): bigint {
  const exponent = value & 0x7f;
  if (exponent > 63) throw new PcapFormatError(`if_tsresol ${value} asks for a resolution finer than 2^-63 seconds`, offset);
  return value & 0x80 ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
}

function timeOf(iface: Interface, units: bigint): number {
  const seconds = units / iface.unitsPerSecond;
  const fraction = units % iface.unitsPerSecond;
  return Number(seconds) + Number(fraction) / Number(iface.unitsPerSecond) + iface.offsetSeconds;
}
