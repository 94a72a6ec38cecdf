// A packet capture file imported into a capture file.

import { readFileSync } from 'node:fs';
import { writeCaptureFile } from '../../capture/write-file';
import { pcapToCapture, type PcapImportOptions } from './to-capture';

export { writeCaptureFile };

/** Import the pcap or pcapng file at `pcapPath` into a capture file at `capturePath`; returns the import's notes. */
export function pcapFileToCaptureFile(pcapPath: string, capturePath: string, options: PcapImportOptions = {}): string[] {
  const { records, notes } = pcapToCapture(readFileSync(pcapPath), options);
  writeCaptureFile(capturePath, records);
  return notes;
}
