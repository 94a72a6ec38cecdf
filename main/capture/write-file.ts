// Capture records (of a HAR or a packet capture) written as a capture file, so the app,
// replay and inspect read an import the way they read any capture.

import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { encodeDataHeader, encodeEvent, fileHeader, type CaptureRecord } from './format';

/** Gather small records into writes of about this size. */
const WRITE_SIZE = 1024 * 1024;

/** Write `records` as a capture file at `path` (created or replaced, mode 0600: captures hold private traffic). */
export function writeCaptureFile(path: string, records: Iterable<CaptureRecord>): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600); // an existing file keeps its mode on open: make sure
    writeCaptureTo(fd, records);
  } finally {
    closeSync(fd);
  }
}

/** Write `records` as a capture to an open file, from where it stands (its opener closes it). */
export function writeCaptureTo(fd: number, records: Iterable<CaptureRecord>): void {
  let batch: Uint8Array[] = [fileHeader()];
  let batched = batch[0]!.length;
  const flush = () => {
    const bytes = Buffer.concat(batch);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    batch = [];
    batched = 0;
  };
  for (const record of records) {
    if (record.type === 'data') {
      batch.push(encodeDataHeader(record.connection, record.stream, record.generated, record.time, record.bytes.length), record.bytes);
      batched += record.bytes.length + 19;
    } else {
      const encoded = encodeEvent(record);
      batch.push(encoded);
      batched += encoded.length;
    }
    if (batched >= WRITE_SIZE) flush();
  }
  flush();
}
