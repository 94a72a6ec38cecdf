// A file that cannot be read as what it claims to be (a capture, a HAR, a pcap): what is
// wrong and where, in one form for every reader (the message ends "(at byte 4,184)").

import { atByte } from '../../shared/words';

export class FileFormatError extends Error {
  constructor(
    message: string,
    /** Byte offset in the file where the problem lies. */
    readonly offset: number,
  ) {
    super(`${message} (${atByte(offset)})`);
    this.name = new.target.name;
  }
}
