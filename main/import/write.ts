// Capture records (of a HAR or a packet capture) written as a capture file, so the app
// reads an import the way it reads any capture.

import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeDataHeader, encodeEvent, fileHeader, type CaptureRecord } from '../capture/format';

export function writeCaptureFile(path: string, records: Iterable<CaptureRecord>): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, fileHeader());
    for (const record of records) {
      if (record.type === 'data') {
        writeSync(fd, encodeDataHeader(record.connection, record.stream, record.generated, record.time, record.bytes.length));
        writeSync(fd, record.bytes);
      } else {
        writeSync(fd, encodeEvent(record));
      }
    }
  } finally {
    closeSync(fd);
  }
}
