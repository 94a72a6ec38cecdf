// Writes frames (from build.ts) as classic pcap or pcapng files, with the variations
// the reader must handle: byte orders, nanoseconds, if_tsresol, old and simple packet
// blocks, several sections, a snap length.

import type { Frame } from './build';

export interface PcapOptions {
  endian?: 'little' | 'big';
  nano?: boolean;
  /** Keep only this many bytes of each frame (the original length stays). */
  snapLength?: number;
}

/** A classic pcap file; every frame must have the same link type. */
export function pcapFile(frames: Frame[], options: PcapOptions = {}): Buffer {
  const little = (options.endian ?? 'little') === 'little';
  const nano = options.nano ?? false;
  const header = Buffer.alloc(24);
  const u32 = (b: Buffer, v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  u32(header, nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, options.snapLength ?? 262144, 16);
  u32(header, frames[0]?.linkType ?? 1, 20);
  const parts: Buffer[] = [header];
  for (const frame of frames) {
    const bytes = frame.bytes.subarray(0, options.snapLength ?? frame.bytes.length);
    const record = Buffer.alloc(16);
    const seconds = Math.floor(frame.time);
    u32(record, seconds, 0);
    u32(record, Math.round((frame.time - seconds) * (nano ? 1e9 : 1e6)), 4);
    u32(record, bytes.length, 8);
    u32(record, frame.originalLength ?? frame.bytes.length, 12);
    parts.push(record, Buffer.from(bytes));
  }
  return Buffer.concat(parts);
}

export interface PcapngOptions {
  endian?: 'little' | 'big';
  /** if_tsresol byte: 6 = µs (the default), 9 = ns, 0x80 | n = 2^-n seconds. */
  tsresol?: number;
  /** How packets are written: enhanced (default), obsolete packet blocks, or simple (no time). */
  packetBlock?: 'epb' | 'opb' | 'spb';
  /** Start a new section (a new SHB, in the other byte order) before this frame index. */
  newSectionAt?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface (a signed 64-bit field). */
  tsoffset?: bigint;
}

/** A pcapng file: an interface per link type, packets as asked; an unknown block in between for good measure. */
export function pcapngFile(frames: Frame[], options: PcapngOptions = {}): Buffer {
  let little = (options.endian ?? 'little') === 'little';
  const parts: Buffer[] = [];
  let interfaces: number[] = [];
  const block = (type: number, body: Buffer) => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const b = Buffer.alloc(12 + padded.length);
    const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
    u32(type, 0);
    u32(b.length, 4);
    padded.copy(b, 8);
    u32(b.length, b.length - 4);
    parts.push(b);
  };
  const writer = () => {
    const b = Buffer.alloc(64);
    let at = 0;
    return {
      u8: (v: number) => (b[at++] = v),
      u16: (v: number) => ((little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at)), (at += 2)),
      u32: (v: number) => ((little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at)), (at += 4)),
      done: () => b.subarray(0, at),
    };
  };
  const section = () => {
    const w = writer();
    w.u32(0x1a2b3c4d);
    w.u16(1);
    w.u16(0);
    w.u32(0xffffffff);
    w.u32(0xffffffff); // section length unknown
    block(0x0a0d0d0a, Buffer.from(w.done()));
    interfaces = [];
  };
  const resolution = options.tsresol ?? 6;
  const unitsPerSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
  section();
  frames.forEach((frame, i) => {
    if (i === options.newSectionAt) {
      little = !little;
      section();
    }
    let id = interfaces.indexOf(frame.linkType);
    if (id < 0) {
      const w = writer();
      w.u16(frame.linkType);
      w.u16(0);
      w.u32(262144);
      if (options.tsresol !== undefined) {
        w.u16(9);
        w.u16(1);
        w.u8(options.tsresol);
        w.u8(0);
        w.u8(0);
        w.u8(0);
      }
      if (options.tsoffset !== undefined) {
        w.u16(14);
        w.u16(8);
        const offset = BigInt.asUintN(64, options.tsoffset);
        const [high, low] = [Number(offset >> 32n), Number(offset & 0xffffffffn)];
        if (little) {
          w.u32(low);
          w.u32(high);
        } else {
          w.u32(high);
          w.u32(low);
        }
      }
      w.u16(0);
      w.u16(0); // opt_endofopt
      block(1, Buffer.from(w.done()));
      block(0x00000bad, Buffer.from('a custom block nobody reads')); // unknown: skipped
      interfaces.push(frame.linkType);
      id = interfaces.length - 1;
    }
    const seconds = Math.floor(frame.time);
    const micros = BigInt(Math.round((frame.time - seconds) * 1e6));
    const units = BigInt(seconds) * BigInt(unitsPerSecond) + (micros * BigInt(unitsPerSecond)) / 1_000_000n;
    const w = writer();
    if (options.packetBlock === 'spb') {
      w.u32(frame.originalLength ?? frame.bytes.length);
      block(3, Buffer.concat([w.done(), frame.bytes]));
      return;
    }
    if (options.packetBlock === 'opb') {
      w.u16(id);
      w.u16(0);
    } else w.u32(id);
    w.u32(Number(units >> 32n));
    w.u32(Number(units & 0xffffffffn));
    w.u32(frame.bytes.length);
    w.u32(frame.originalLength ?? frame.bytes.length);
    block(options.packetBlock === 'opb' ? 2 : 6, Buffer.concat([w.done(), frame.bytes]));
  });
  return Buffer.concat(parts);
}
