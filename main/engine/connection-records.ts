// Where a connection's records lie in the capture file, so its details can be
// re-derived by replaying it alone: data records by file position (in typed arrays,
// a few bytes each), events kept as they are (they are few).

import type { CaptureEvent, CaptureRecord, StreamId } from '../capture/format';

/** How far a replay got: data records and events yielded. */
export interface ReplayCursor {
  data: number;
  events: number;
  opened: boolean;
}

interface EventAt {
  /** How many data records came before it. */
  afterData: number;
  event: CaptureEvent;
}

export class ConnectionRecords {
  private positions = new Float64Array(16);
  private lengths = new Uint32Array(16);
  private times = new Float64Array(16);
  private flags = new Uint8Array(16); // bits 0-1: the stream, bit 2: generated
  private count = 0;
  private readonly events: EventAt[] = [];
  /** Stream offset at which each data record starts, per stream (for raw slices). */
  private readonly streamBytes = [0, 0, 0, 0];
  private streamOffsets = new Float64Array(16);
  /** Per stream, the numbers of its data records in order: a slice of one stream is found by a binary search among them. */
  private readonly ofStream = [new Uint32Array(16), new Uint32Array(16), new Uint32Array(16), new Uint32Array(16)];
  private readonly ofStreamCount = [0, 0, 0, 0];

  constructor(
    readonly number: number,
    readonly open: Extract<CaptureEvent, { type: 'open' }>,
  ) {}

  /** Records so far: a cache built from fewer is stale. */
  get version(): number {
    return this.count + this.events.length;
  }

  addData(stream: StreamId, generated: boolean, time: number, length: number, position: number): void {
    if (this.count === this.positions.length) this.grow();
    const i = this.count++;
    this.positions[i] = position;
    this.lengths[i] = length;
    this.times[i] = time;
    this.flags[i] = stream | (generated ? 4 : 0);
    this.streamOffsets[i] = this.streamBytes[stream]!;
    this.streamBytes[stream]! += length;
    if (this.ofStreamCount[stream] === this.ofStream[stream]!.length) {
      const bigger = new Uint32Array(this.ofStream[stream]!.length * 2);
      bigger.set(this.ofStream[stream]!);
      this.ofStream[stream] = bigger;
    }
    this.ofStream[stream]![this.ofStreamCount[stream]!++] = i;
  }

  addEvent(event: CaptureEvent): void {
    this.events.push({ afterData: this.count, event });
  }

  bytesOf(stream: StreamId): number {
    return this.streamBytes[stream]!;
  }

  /**
   * The connection's records in their original order (the open record first), data read
   * through `read`; from `cursor` on when given, which is moved past what is yielded, so a
   * live detail is fed only what arrived since its last look.
   */
  *replay(read: (position: number, length: number) => Uint8Array, cursor: ReplayCursor = { data: 0, events: 0, opened: false }): Generator<CaptureRecord> {
    if (!cursor.opened) {
      cursor.opened = true;
      yield this.open;
    }
    // Up to the records there are now: a replay suspended between records does not chase new ones.
    const count = this.count;
    const events = this.events.length;
    for (let i = cursor.data; i <= count; i++) {
      while (cursor.events < events && this.events[cursor.events]!.afterData === i) yield this.events[cursor.events++]!.event;
      if (i === count) break;
      cursor.data = i + 1;
      const flags = this.flags[i]!;
      yield {
        type: 'data',
        connection: this.number,
        stream: (flags & 3) as StreamId,
        generated: (flags & 4) !== 0,
        time: this.times[i]!,
        bytes: read(this.positions[i]!, this.lengths[i]!),
      };
    }
  }

  /** Each data record of the client's streams (0 and 1), in order: where its bytes lie in the file, and in their stream. */
  *clientReads(): Generator<{ stream: 0 | 1; time: number; position: number; length: number; offset: number; generated: boolean }> {
    for (let i = 0; i < this.count; i++) {
      const stream = this.flags[i]! & 3;
      if (stream > 1) continue;
      yield { stream: stream as 0 | 1, time: this.times[i]!, position: this.positions[i]!, length: this.lengths[i]!, offset: this.streamOffsets[i]!, generated: (this.flags[i]! & 4) !== 0 };
    }
  }

  /**
   * Read bytes [from, to) of one stream: its first record is found by a binary search, so a
   * raw page or a window of a body costs the records it spans, not every record of the
   * connection (a stream of a million reads).
   */
  readStream(stream: StreamId, from: number, to: number, read: (position: number, length: number) => Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.max(0, to - from));
    const records = this.ofStream[stream]!;
    const count = this.ofStreamCount[stream]!;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const i = records[mid]!;
      if (this.streamOffsets[i]! + this.lengths[i]! <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < count; k++) {
      const i = records[k]!;
      const start = this.streamOffsets[i]!;
      if (start >= to) break;
      const end = start + this.lengths[i]!;
      if (end <= from) continue;
      const a = Math.max(from, start);
      const b = Math.min(to, end);
      out.set(read(this.positions[i]! + (a - start), b - a), a - from);
    }
    return out;
  }

  private grow(): void {
    const size = this.positions.length * 2;
    const grow64 = (a: Float64Array<ArrayBuffer>) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.positions = grow64(this.positions);
    this.times = grow64(this.times);
    this.streamOffsets = grow64(this.streamOffsets);
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.flags = flags;
  }
}
