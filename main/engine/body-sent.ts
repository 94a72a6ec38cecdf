// One message's body as sent (chunk framing removed), read from the capture as far as a
// slice needs and no further: the connection's records are replayed through its analysis
// from the start until the body is known up to the slice's end, so the first slice of a
// 1 GiB body comes after its first bytes, not after all of them. Where each piece of the
// body lies in the stream is kept (typed arrays, 24 bytes a piece), so a later slice reads
// only its own bytes, and the replay goes on from where it stopped.

import type { Direction } from '../../shared/anomalies';
import type { Framing, Http1Event } from '../../shared/http1';
import type { StreamId } from '../capture/format';
import { ConnectionAnalyzer } from '../analysis/connection';
import type { ConnectionRecords, ReplayCursor } from './connection-records';

/** Longest stretch of replaying before the relay gets a turn. */
const SLICE_MS = 8;

export class SentBody {
  private readonly analyzer: ConnectionAnalyzer;
  private readonly cursor: ReplayCursor = { data: 0, events: 0, opened: false };
  private readonly stream: 0 | 1;
  /** The message of this body in its stream, once its start-line said it is the one. */
  private message: number | null = null;
  private candidate: number | null = null;
  private starts = new Float64Array(64);
  private streamStarts = new Float64Array(64);
  private count = 0;
  /** Body bytes known so far. */
  length = 0;
  headers: [string, string][] = [];
  headSeen = false;
  framing: Framing | null = null;
  /** No more of the body will come: it completed, or its stream ended. */
  done = false;
  /** Every record the connection has so far was replayed (a file's: all it will ever have). */
  exhausted = false;
  complete = false;

  constructor(
    private readonly records: ConnectionRecords,
    private readonly read: (position: number, length: number) => Uint8Array,
    readonly direction: Direction,
    /** The exchange (request #index on its connection). */
    readonly index: number,
    stallSeconds: number,
  ) {
    this.stream = direction === 'request' ? 0 : 1;
    const open = records.open;
    this.analyzer = new ConnectionAnalyzer(open.connection, open.client, open.mode, open.time, { keepChunks: false, stallSeconds });
  }

  /**
   * Replay until the head is known and the body up to `to` bytes (or its end), in slices
   * that let the relay run. Stops early when the capture has no more records yet (live).
   */
  async reach(to: number): Promise<void> {
    let slice = performance.now();
    for (;;) {
      if (this.headSeen && (this.length >= to || this.done)) return;
      let fed = false;
      for (const record of this.records.replay(this.read, this.cursor)) {
        fed = true;
        this.exhausted = false;
        if (record.type === 'data') {
          const events = this.analyzer.data(record.stream, record.bytes, record.time, record.generated);
          if (record.stream === this.stream) this.take(events, record.stream);
        } else if (record.type !== 'open') {
          this.analyzer.event(record);
          if (!this.done && this.analyzer.streamEnd(this.stream) !== null) this.ended();
        }
        if (this.headSeen && (this.length >= to || this.done)) return;
        if (performance.now() - slice >= SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      if (!fed) {
        this.exhausted = true; // the records there are, all read: a live body goes on later
        return;
      }
    }
  }

  /** Bytes [from, to) of the body as sent, within what is known. */
  bytes(from: number, to: number): Uint8Array {
    const end = Math.min(to, this.length);
    if (from >= end) return new Uint8Array(0);
    const first = this.segmentAt(from);
    const last = this.segmentAt(end - 1);
    const streamFrom = this.streamStarts[first]! + (from - this.starts[first]!);
    const streamTo = this.streamStarts[last]! + (end - this.starts[last]!);
    // One read of the stream's span, then the body's pieces taken out of it.
    const span = this.records.readStream(this.stream as StreamId, streamFrom, streamTo, this.read);
    if (first === last) return span;
    const out = new Uint8Array(end - from);
    for (let i = first; i <= last; i++) {
      const a = Math.max(from, this.starts[i]!);
      const b = Math.min(end, i + 1 < this.count ? this.starts[i + 1]! : this.length);
      const at = this.streamStarts[i]! + (a - this.starts[i]!) - streamFrom;
      out.set(span.subarray(at, at + (b - a)), a - from);
    }
    return out;
  }

  private take(events: Http1Event[], stream: 0 | 1): void {
    for (const e of events) {
      if (e.type === 'message-start') {
        const mine = stream === 0 ? e.message === this.index : e.requestIndex === this.index && this.message === null;
        if (mine) this.candidate = e.message;
      } else if (e.type === 'start-line' && e.message === this.candidate) {
        // An interim response (100 Continue) is not the one whose body is asked for.
        const status = e.response?.status ?? 200;
        if (stream === 0 || status >= 200 || status === 101) this.message = e.message;
        this.candidate = null;
      } else if (e.message !== this.message || this.message === null) {
        continue;
      } else if (e.type === 'header') {
        this.headers.push([e.name, e.value]);
      } else if (e.type === 'head-end') {
        this.headSeen = true;
      } else if (e.type === 'framing') {
        this.framing = e.framing;
      } else if (e.type === 'chunk-data' || e.type === 'body-data') {
        this.add(e.offset, e.length);
      } else if (e.type === 'message-complete') {
        this.done = this.complete = true;
      }
    }
  }

  private ended(): void {
    this.done = true;
    const m = this.message === null ? undefined : this.analyzer.messages(this.direction).at(this.message);
    this.complete = m?.complete === true;
    // A message that never arrived: nothing more will.
    this.headSeen ||= this.message === null;
  }

  private add(streamOffset: number, length: number): void {
    const last = this.count - 1;
    if (last >= 0 && this.streamStarts[last]! + (this.length - this.starts[last]!) === streamOffset) {
      this.length += length; // contiguous with the piece before (a content-length body, one chunk over two reads)
      return;
    }
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = this.length;
    this.streamStarts[this.count] = streamOffset;
    this.count++;
    this.length += length;
  }

  private segmentAt(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private grow(): void {
    const starts = new Float64Array(this.starts.length * 2);
    starts.set(this.starts);
    const streamStarts = new Float64Array(this.streamStarts.length * 2);
    streamStarts.set(this.streamStarts);
    this.starts = starts;
    this.streamStarts = streamStarts;
  }

  /** Whether a message for this body exists at all in what was replayed. */
  get found(): boolean {
    return this.message !== null;
  }
}
