// What a file is, recognised by its content whatever its name: a Chunkscope capture, a
// HAR, or a packet capture (pcap, pcapng). Each becomes the same capture records, so
// inspecting, viewing and exporting do not care where the traffic came from.

import { readFileSync, statSync } from 'node:fs';
import { isCapture, type CaptureRecord } from '../capture/format';
import { describeDamage, readRecords } from '../capture/reader';
import { harToRecords, isHar, parseHar } from './har';
import { isPcap, pcapToCapture } from './pcap';

/** HAR and pcap files are parsed whole, in memory: past this, say so rather than fail deep inside. */
const MAX_WHOLE_FILE = 1024 * 1024 * 1024;

export class SourceTooLarge extends Error {}

/** Damaged records named one by one in a capture's notes, up to this many. */
const MAX_DAMAGE_NOTES = 20;

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
      return captureSource(pieces);
    case 'har':
      if (statSync(path).size > MAX_WHOLE_FILE / 2) throw new SourceTooLarge('the HAR is larger than 512 MiB, more than Chunkscope reads at once (export fewer entries, or with smaller bodies)');
      return sourceOf(kind, readFileSync(path));
    case 'pcap':
      if (statSync(path).size > MAX_WHOLE_FILE) throw new SourceTooLarge('the packet capture is larger than 1 GiB, more than Chunkscope reads at once (split it: editcap -c 1000000 in.pcap out.pcap)');
      return sourceOf(kind, readFileSync(path));
  }
}

/** The records of a whole file held in memory. */
export function sourceOf(kind: SourceKind, bytes: Uint8Array): Source {
  switch (kind) {
    case 'capture':
      return captureSource(() => [bytes]);
    case 'har': {
      const { har, notes: skipped } = parseHar(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
      const { records, notes } = harToRecords(har);
      return { kind, records, notes: [...skipped, ...notes] };
    }
    case 'pcap': {
      const { records, notes } = pcapToCapture(bytes);
      return { kind, records, notes };
    }
  }
}

/** A capture's records, read lazily; damaged records skipped are added to the notes as they are met. */
function captureSource(pieces: () => Iterable<Uint8Array>): Source {
  const notes: string[] = [];
  const records = {
    [Symbol.iterator]: () => {
      notes.length = 0; // each reading says it again
      return readRecords(pieces(), { onDamage: (damage) => notes.length < MAX_DAMAGE_NOTES && notes.push(`skipped ${describeDamage(damage)}`) }) as Iterator<CaptureRecord>;
    },
  };
  return { kind: 'capture', records, notes };
}
