// What a file is, recognised by its content whatever its name: a Chunkscope capture, a
// HAR, or a packet capture (pcap, pcapng). Each becomes the same capture records, so
// inspecting, viewing and exporting do not care where the traffic came from.

import { readFileSync, statSync } from 'node:fs';
import { isCapture, type CaptureRecord } from '../capture/format';
import { readRecords } from '../capture/reader';
import { harToRecords, isHar, parseHar } from '../har/import';
import { isPcap, pcapToCapture } from '../pcap';

/** HAR and pcap files are parsed whole, in memory: past this, say so rather than fail deep inside. */
const MAX_WHOLE_FILE = 1024 * 1024 * 1024;

export class SourceTooLarge extends Error {}

export type SourceKind = 'capture' | 'har' | 'pcap';

export function sourceKind(start: Uint8Array): SourceKind | null {
  if (isCapture(start)) return 'capture';
  if (isPcap(start)) return 'pcap';
  if (isHar(start)) return 'har';
  return null;
}

export interface Source {
  kind: SourceKind;
  /** Records in order; a capture's are read lazily (bounded memory). */
  records: Iterable<CaptureRecord>;
  /** What the import could not carry over, in words. */
  notes: string[];
}

/**
 * The records of a file already recognised as `kind`; `pieces` reads a capture in
 * bounded memory. HAR and pcap files are read whole (they are parsed as a whole).
 */
export function readSource(kind: SourceKind, path: string, pieces: () => Iterable<Uint8Array>): Source {
  switch (kind) {
    case 'capture':
      return { kind, records: { [Symbol.iterator]: () => readRecords(pieces()) as Iterator<CaptureRecord> }, notes: [] };
    case 'har': {
      if (statSync(path).size > MAX_WHOLE_FILE / 2) throw new SourceTooLarge('the HAR is larger than 512 MiB, more than Chunkscope reads at once (export fewer entries, or with smaller bodies)');
      const { records, notes } = harToRecords(parseHar(readFileSync(path, 'utf8')));
      return { kind, records, notes };
    }
    case 'pcap': {
      if (statSync(path).size > MAX_WHOLE_FILE) throw new SourceTooLarge('the packet capture is larger than 1 GiB, more than Chunkscope reads at once (split it: editcap -c 1000000 in.pcap out.pcap)');
      const { records, notes } = pcapToCapture(readFileSync(path));
      return { kind, records, notes };
    }
  }
}
