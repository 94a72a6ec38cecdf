// What the pcap and pcapng parsers share: the error they raise, the packets they
// yield, and the input they read from as it comes in pieces.

import { atByte, plural } from '../../../shared/words';
import { FileFormatError } from '../../capture/file-format-error';

export class PcapFormatError extends FileFormatError {}

export interface Packet {
  /** Seconds since 1970 (wall clock of the capturing machine), fractional. */
  time: number;
  /** LINKTYPE_* of the interface it was captured on (1 Ethernet, 113 Linux SLL, ...). */
  linkType: number;
  /** The bytes captured: fewer than originalLength when the snap length cut the packet. */
  bytes: Uint8Array;
  originalLength: number;
  /** 1-based position in the file, as Wireshark numbers packets. */
  number: number;
}

export interface PcapReadResult {
  format: 'pcap' | 'pcapng';
  packets: number;
  /** Things the reader met that the user should know (a cut-short end, packets without a time). */
  notes: string[];
}

/** No real packet is this big; a larger length means the file is damaged, not a huge packet. */
export const MAX_PACKET = 256 * 1024 * 1024;

/** Keeps the unread rest of the input, and the file offset of its first byte. */
export class Input {
  private buffer: Uint8Array = new Uint8Array(0);
  /** File offset of buffer[0]. */
  base = 0;
  at = 0;

  append(piece: Uint8Array): void {
    const rest = this.buffer.subarray(this.at);
    if (rest.length === 0) this.buffer = piece;
    else {
      const joined = new Uint8Array(rest.length + piece.length);
      joined.set(rest, 0);
      joined.set(piece, rest.length);
      this.buffer = joined;
    }
    this.base += this.at;
    this.at = 0;
  }

  available(): number {
    return this.buffer.length - this.at;
  }

  get offset(): number {
    return this.base + this.at;
  }

  /** A view of the next `length` bytes (no copy); the caller checked they are there. */
  view(length: number): DataView {
    return new DataView(this.buffer.buffer, this.buffer.byteOffset + this.at, length);
  }

  bytes(from: number, length: number): Uint8Array {
    return this.buffer.subarray(this.at + from, this.at + from + length);
  }
}

export interface Parser {
  parse(source: Input): Generator<Packet>;
  finish(source: Input): PcapReadResult;
}

export function cutShort(what: string, offset: number, packets: number): string {
  return `the capture file ends in the middle of ${what} ${atByte(offset)} (the capturer was stopped mid-write?): ${plural(packets, 'packet')} read, the rest ignored`;
}
