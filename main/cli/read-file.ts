// Reading a file in pieces, so a capture of any size is analysed in bounded memory.

import { closeSync, openSync, readSync } from 'node:fs';
import { CliError, systemReason } from './errors';

const PIECE = 1024 * 1024;

export function openForReading(path: string, command: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw new CliError(`chunkscope ${command}: cannot read ${path}: ${systemReason(error)}`);
  }
}

export function readStart(fd: number, length: number): Uint8Array {
  const buffer = Buffer.alloc(length);
  const n = readSync(fd, buffer, 0, length, 0);
  return buffer.subarray(0, n);
}

/** Yields fresh buffers: consumers may keep slices of them. */
export function* readPieces(fd: number, from = 0): Generator<Uint8Array> {
  let position = from;
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(PIECE);
      const n = readSync(fd, buffer, 0, PIECE, position);
      if (n === 0) return;
      position += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
