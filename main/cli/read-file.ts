// Reading a file in pieces, so a capture of any size is analysed in bounded memory.

import { openSync } from 'node:fs';
import { CliError, systemReason } from './errors';

export function openForReading(path: string, command: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw new CliError(`chunkscope ${command}: cannot read ${path}: ${systemReason(error)}`);
  }
}

/** The start of an open file, and its pieces (main/capture/file-pieces.ts). */
export { fileStart as readStart, fdPieces as readPieces } from '../capture/file-pieces';
