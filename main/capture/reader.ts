// Reads a capture's records in order, in bounded memory. A record cut short at the
// end (the proxy was killed mid-write) ends the capture quietly. A damaged record (a
// flipped byte in its JSON, an impossible header) is skipped and said, with its byte
// offset, and reading goes on from the next record that is whole: the rest of the
// capture still opens.

import { atByte, plural } from '../../shared/words';
import { FileFormatError } from './file-format-error';
import { DATA_HEADER, HEADER_LENGTH, MAGIC, RECORD_HEADER, RecordType, VERSION, isCapture, type CaptureRecord, type StreamId } from './format';
import { checkEvent } from './events';
import { PieceReader } from './pieces';

/** A file that cannot be read as a capture at all: what is wrong, and where (the message ends "at byte N"). */
export class CaptureFormatError extends FileFormatError {}

/** A part of the file that was skipped because it could not be read as records. */
export interface Damage {
  /** Byte offset in the file where it starts. */
  offset: number;
  /** Bytes skipped. */
  length: number;
  /** What was wrong, in words. */
  reason: string;
}

export interface ReadResult {
  version: number;
  /** Bytes at the end that did not form a whole record (0 for a cleanly closed file). */
  truncatedBytes: number;
  /** The first damaged parts skipped (at most MAX_DAMAGE_LISTED), in file order. */
  damage: Damage[];
  /** How many damaged parts were skipped in all. */
  damageCount: number;
}

export interface ReadOptions {
  /** Told of each damaged part as it is skipped. */
  onDamage?(damage: Damage): void;
}

const MAX_DAMAGE_LISTED = 100;
/** No record is this long (HAR and pcap imports are read whole under 1 GiB): the length is damaged. */
const MAX_RECORD = 1024 * 1024 * 1024;
/** How every event's JSON starts (JSON.stringify of an object whose first key is type). */
const EVENT_START = Buffer.from('{"type":"', 'latin1');

/** "a damaged record at byte 1,234 (57 bytes skipped): ..." */
export function describeDamage(damage: Damage): string {
  return `a damaged record ${atByte(damage.offset)} (${plural(damage.length, 'byte')} skipped): ${damage.reason}`;
}

type Decoded = { record: CaptureRecord } | { unknown: true } | { damage: string };

/**
 * Parse records from pieces of a capture file. Yields each record; the return value
 * says whether the end was cut short and what was skipped as damaged.
 */
export function* readRecords(pieces: Iterable<Uint8Array>, options: ReadOptions = {}): Generator<CaptureRecord, ReadResult> {
  const input = new PieceReader(pieces);
  const notCapture = 'not a Chunkscope capture: the file does not start with the capture magic bytes';
  if (!input.ensure(HEADER_LENGTH)) {
    if (input.available() >= MAGIC.length && !isCapture(input.peek(MAGIC.length))) throw new CaptureFormatError(notCapture, 0);
    throw new CaptureFormatError(`not a Chunkscope capture: the file is too short (${input.available()} bytes) to hold the capture header`, input.available());
  }
  if (!isCapture(input.peek(HEADER_LENGTH))) throw new CaptureFormatError(notCapture, 0);
  const version = input.peek(HEADER_LENGTH).readUInt16LE(HEADER_LENGTH - 2);
  if (version > VERSION) throw new CaptureFormatError(`capture format version ${version} is newer than this Chunkscope reads (${VERSION})`, HEADER_LENGTH - 2);
  input.skip(HEADER_LENGTH);

  const damage: Damage[] = [];
  let damageCount = 0;
  const skipped = (offset: number, length: number, reason: string) => {
    const part = { offset, length, reason };
    damageCount++;
    if (damage.length < MAX_DAMAGE_LISTED) damage.push(part);
    options.onDamage?.(part);
  };

  for (;;) {
    if (!input.ensure(RECORD_HEADER)) break;
    const start = input.offset;
    const type = input.u8(0);
    const length = input.u32(1);
    if (length > MAX_RECORD || !input.ensure(RECORD_HEADER + length)) {
      // Past the end of the file: a capture cut short, unless whole records follow (then
      // the length itself was damaged). Past MAX_RECORD it is damaged whatever follows.
      const next = resync(input, start + 1);
      if (next === null) {
        if (length <= MAX_RECORD) break;
        skipped(start, input.end() - start, `a record claims ${length.toLocaleString('en-US')} bytes, more than any record holds`);
        input.skip(input.available());
        break;
      }
      skipped(start, next - start, `a record claims ${length.toLocaleString('en-US')} bytes, more than the rest of the file holds`);
      input.skipTo(next);
      continue;
    }
    const decoded = decode(type, input.slice(RECORD_HEADER, RECORD_HEADER + length), start + RECORD_HEADER);
    if ('record' in decoded) {
      input.skip(RECORD_HEADER + length);
      yield decoded.record;
      continue;
    }
    // An unknown type is a later version's record, if what follows is a record too.
    const after = start + RECORD_HEADER + length;
    if (plausibleAt(input, after)) {
      if ('damage' in decoded) skipped(start, RECORD_HEADER + length, decoded.damage);
      input.skip(RECORD_HEADER + length);
      continue;
    }
    const reason = 'damage' in decoded ? decoded.damage : `an unknown record type ${type} not followed by a record`;
    const next = resync(input, start + 1);
    skipped(start, (next ?? input.end()) - start, reason);
    if (next === null) {
      input.skip(input.available());
      break;
    }
    input.skipTo(next);
  }
  return { version, truncatedBytes: input.available(), damage, damageCount };
}

function decode(type: number, payload: Buffer, position: number): Decoded {
  if (type === RecordType.Event) {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return { damage: `its event is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    const checked = checkEvent(json);
    if ('event' in checked) return { record: checked.event };
    if ('unknown' in checked) return { unknown: true };
    return { damage: checked.damage };
  }
  if (type === RecordType.Data) {
    if (payload.length < DATA_HEADER) return { damage: `a data record of ${payload.length} bytes, shorter than its ${DATA_HEADER}-byte header` };
    const connection = payload.readUInt32LE(0);
    const stream = payload.readUInt8(4);
    const flags = payload.readUInt8(5);
    const time = payload.readDoubleLE(6);
    if (connection === 0) return { damage: 'a data record of connection 0' };
    if (stream > 3) return { damage: `a data record of stream ${stream} (streams are 0 to 3)` };
    if (flags > 1) return { damage: `a data record with unknown flags 0x${flags.toString(16)}` };
    if (!Number.isFinite(time)) return { damage: `a data record whose time is ${time}` };
    return { record: { type: 'data', connection, stream: stream as StreamId, generated: flags === 1, time, bytes: payload.subarray(DATA_HEADER), position: position + DATA_HEADER } };
  }
  return { unknown: true };
}

/**
 * Whether a record can start at file offset `at`: the end of the file, a cut-short end,
 * or the header of an event or data record as Chunkscope writes them.
 */
function plausibleAt(input: PieceReader, at: number): boolean {
  const from = at - input.offset;
  if (!input.ensure(from + RECORD_HEADER + DATA_HEADER)) {
    if (input.available() - from < RECORD_HEADER) return true; // the end, or a record cut short there
  }
  const bytes = input.peek(Math.min(input.available(), from + RECORD_HEADER + DATA_HEADER)).subarray(from);
  const type = bytes[0];
  const length = bytes.readUInt32LE(1);
  if (type === RecordType.Event) {
    const start = bytes.subarray(RECORD_HEADER, RECORD_HEADER + Math.min(length, EVENT_START.length));
    return length > EVENT_START.length && EVENT_START.subarray(0, start.length).equals(start);
  }
  if (type === RecordType.Data) {
    if (length < DATA_HEADER || length > MAX_RECORD) return false;
    const payload = bytes.subarray(RECORD_HEADER);
    return (payload.length < 6 || (payload.readUInt32LE(0) > 0 && payload[4]! <= 3 && payload[5]! <= 1)) && (payload.length < DATA_HEADER || Number.isFinite(payload.readDoubleLE(6)));
  }
  return false;
}

/**
 * The file offset of the next whole record at or after `from`, or null when none is left:
 * a record that decodes, followed by a plausible record (or the end). Bytes before the
 * candidate are let go as the search moves on, so memory stays bounded.
 */
function resync(input: PieceReader, from: number): number | null {
  for (let at = from; ; at++) {
    if (!input.ensure(at - input.offset + RECORD_HEADER)) return null;
    const header = input.peek(at - input.offset + RECORD_HEADER).subarray(at - input.offset);
    const type = header[0];
    if (type === RecordType.Event || type === RecordType.Data) {
      const length = header.readUInt32LE(1);
      if (length <= MAX_RECORD && plausibleAt(input, at) && input.ensure(at - input.offset + RECORD_HEADER + length)) {
        const payload = input.peek(at - input.offset + RECORD_HEADER + length).subarray(at - input.offset + RECORD_HEADER);
        if ('record' in decode(type, payload, at + RECORD_HEADER) && plausibleAt(input, at + RECORD_HEADER + length)) return at;
      }
    }
    // Keep only what the search still needs: the bytes from here on.
    if (at - input.offset > 64 * 1024) input.skipTo(at);
  }
}
