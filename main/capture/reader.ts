// Reads a capture's records in order, in bounded memory. A record cut short at the
// end (the proxy was killed mid-write) ends the capture quietly.

import { DATA_HEADER, HEADER_LENGTH, RECORD_HEADER, RecordType, VERSION, isCapture, type CaptureRecord, type StreamId } from './format';

export class CaptureFormatError extends Error {}

export interface ReadResult {
  version: number;
  /** Bytes at the end that did not form a whole record (0 for a cleanly closed file). */
  truncatedBytes: number;
}

/**
 * Parse records from pieces of a capture file. Yields each record; the return value
 * says whether the end was cut short.
 */
export function* readRecords(pieces: Iterable<Uint8Array>): Generator<CaptureRecord, ReadResult> {
  let buffer: Buffer = Buffer.alloc(0);
  let version = -1;
  let bufferAt = 0; // file position of buffer[0]
  for (const piece of pieces) {
    buffer = buffer.length === 0 ? Buffer.from(piece.buffer, piece.byteOffset, piece.length) : Buffer.concat([buffer, piece]);
    let at = 0;
    if (version < 0) {
      if (buffer.length < HEADER_LENGTH) continue;
      if (!isCapture(buffer)) throw new CaptureFormatError('not a Chunkscope capture (the file does not start with the capture magic bytes)');
      version = buffer.readUInt16LE(HEADER_LENGTH - 2);
      if (version > VERSION) throw new CaptureFormatError(`capture format version ${version} is newer than this Chunkscope reads (${VERSION})`);
      at = HEADER_LENGTH;
    }
    while (buffer.length - at >= RECORD_HEADER) {
      const type = buffer.readUInt8(at);
      const length = buffer.readUInt32LE(at + 1);
      if (buffer.length - at - RECORD_HEADER < length) break;
      const payload = buffer.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length);
      at += RECORD_HEADER + length;
      if (type === RecordType.Event) {
        yield JSON.parse(payload.toString('utf8')) as CaptureRecord;
      } else if (type === RecordType.Data) {
        yield {
          type: 'data',
          connection: payload.readUInt32LE(0),
          stream: payload.readUInt8(4) as StreamId,
          generated: (payload.readUInt8(5) & 1) === 1,
          time: payload.readDoubleLE(6),
          bytes: payload.subarray(DATA_HEADER),
          position: bufferAt + (at - length) + DATA_HEADER,
        };
      }
      // Unknown record types are skipped (later versions may add some).
    }
    buffer = buffer.subarray(at);
    bufferAt += at;
  }
  if (version < 0) throw new CaptureFormatError('not a Chunkscope capture (too short)');
  return { version, truncatedBytes: buffer.length };
}
