// A file read in pieces of 1 MiB, so a capture (or a HAR, a pcap) of any size is read in
// bounded memory: the one way every reader of files does it (inspect, export, opening a
// capture in the app, the engine's worker).

import { closeSync, openSync, readSync } from 'node:fs';

const PIECE = 1024 * 1024;

/**
 * The bytes of an open file from `from` on, in fresh buffers (a consumer may keep slices of
 * them); `progress` is told how far it got. With `close`, the file is closed when the
 * pieces end (else its opener closes it).
 */
export function* fdPieces(fd: number, from = 0, progress?: (position: number) => void, close = true): Generator<Uint8Array> {
  let position = from;
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(PIECE);
      const n = readSync(fd, buffer, 0, PIECE, position);
      if (n === 0) return;
      position += n;
      progress?.(position);
      yield buffer.subarray(0, n);
    }
  } finally {
    if (close) closeSync(fd);
  }
}

export function filePieces(path: string): Generator<Uint8Array> {
  return fdPieces(openSync(path, 'r'));
}

/** The first `length` bytes of a file (what it is is told by its start, whatever its name). */
export function fileStart(fd: number, length = 256): Uint8Array {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
}
