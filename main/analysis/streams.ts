// Each stream of a connection as it was read: its bytes, when each read came, when its
// last byte arrived and how it ended. The analysis of what the bytes say
// (connection.ts) builds on these.

import type { ClientStream } from '../capture/format';
import type { TimeAt } from '../http1/ledger';
import type { StreamEnd } from './analyzer-options';
import { ConnectionFacts } from './facts';
import { ReadIndex } from './read-index';

export class ConnectionStreams extends ConnectionFacts {
  protected readonly readIndex: [ReadIndex, ReadIndex] = [new ReadIndex(), new ReadIndex()];
  protected readonly lastByteAt: [number, number];
  protected readonly ends: [StreamEnd | null, StreamEnd | null] = [null, null];

  constructor(
    /** Seconds since the capture started. */
    readonly openedAt: number,
  ) {
    super();
    this.lastByteAt = [openedAt, openedAt];
  }

  get ended(): boolean {
    return this.ends[0] !== null && this.ends[1] !== null;
  }

  streamEnd(stream: ClientStream): StreamEnd | null {
    return this.ends[stream];
  }

  /** Reads of a stream so far. */
  readCount(stream: ClientStream): number {
    return this.readIndex[stream].reads;
  }

  /** Bytes of a stream so far (the offset of its next byte). */
  streamBytes(stream: ClientStream): number {
    return this.readIndex[stream].bytes;
  }

  /** Seconds since the capture started when the last byte of a stream arrived. */
  lastByte(stream: ClientStream): number {
    return this.lastByteAt[stream];
  }

  /** Each read of a stream kept as [offset, length, time (seconds since the capture started)]. */
  reads(stream: ClientStream): Generator<[number, number, number]> {
    return this.readIndex[stream].entries();
  }

  /** The read of a stream that carried the byte at `offset`: [offset, length, time]. */
  readAt(stream: ClientStream, offset: number): [number, number, number] | null {
    return this.readIndex[stream].readAt(offset);
  }

  /** Seconds since the connection opened when the byte at an offset of a stream arrived. */
  timeAt(stream: ClientStream): TimeAt {
    return (offset) => this.readIndex[stream].timeAt(offset) - this.openedAt;
  }
}
