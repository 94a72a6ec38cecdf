// Stalls, derived from the read times: a silence of at least the threshold while a
// message was incomplete, or while a request waited for its response to start. Derived
// from the bytes and their times alone, so a live connection, a capture reopened later,
// a HAR and a packet capture all show the same stalls; the live proxy's `stall` events
// in the capture record what it reported at the time (FORMAT.md).

import type { AccountStall, AccountWaiting } from '../../shared/account';
import type { EndHow, Party } from '../../shared/words';
import type { Waiting } from '../http1';
import { waitingFor } from '../http1/sentences';

/** What the stall log asks of its connection's analysis. */
export interface StallSource {
  readonly openedAt: number;
  /** Seconds since the capture started when the last byte of a stream arrived. */
  lastByte(stream: 0 | 1): number;
  waiting(stream: 0 | 1): Waiting;
  /** Requests whose final response has not completed. */
  outstanding(): number;
  /** The exchange a response stream is on (its message's request), or the first unanswered. */
  exchangeOn(stream: 0 | 1): number;
  streamBytes(stream: 0 | 1): number;
  readonly tunnel: unknown;
}

/** What a stream waits for while silent, or null when a silence there is no stall (idle, ended). */
export function silence(source: StallSource, stream: 0 | 1): { since: number; waiting: AccountWaiting } | null {
  const w = source.waiting(stream);
  if (w.what === 'nothing') return null;
  if (w.what === 'message') {
    // Between messages: only a response that is due is awaited.
    if (stream === 0 || source.outstanding() === 0 || source.tunnel) return null;
    return { since: Math.max(source.lastByte(0), source.lastByte(1)), waiting: { what: 'response', chunk: null, received: null, expected: null } };
  }
  return { since: source.lastByte(stream), waiting: { what: w.what, chunk: w.chunk, received: w.received, expected: w.expected } };
}

export class StallLog {
  private readonly closed: AccountStall[] = [];
  private ended = false;

  constructor(readonly thresholdSeconds: number) {}

  /** Bytes are about to be read on a stream at `time`: a long enough silence before them was a stall. */
  beforeBytes(source: StallSource, stream: 0 | 1, time: number): void {
    // The cheap test first: most reads come soon after the previous one (a silence never starts before the stream's last byte).
    if (time - source.lastByte(stream) < this.thresholdSeconds) return;
    const quiet = silence(source, stream);
    if (!quiet || time - quiet.since < this.thresholdSeconds) return;
    this.closed.push(this.stall(source, stream, quiet, time, 'bytes'));
  }

  /** The connection ended (the first end, at `time`): silences still running end with it. */
  atEnd(source: StallSource, time: number, endedBy: { who: Party; how: EndHow }): void {
    if (this.ended) return;
    this.ended = true;
    for (const stream of [0, 1] as const) {
      const quiet = silence(source, stream);
      if (quiet && time - quiet.since >= this.thresholdSeconds) this.closed.push(this.stall(source, stream, quiet, time, endedBy));
    }
  }

  /** Every stall so far, with the ones still running as of `now` (null: none are, the capture is over). */
  all(source: StallSource, now: number | null): AccountStall[] {
    if (now === null || this.ended) return this.closed;
    const out = [...this.closed];
    for (const stream of [1, 0] as const) {
      const quiet = silence(source, stream);
      if (quiet && now - quiet.since >= this.thresholdSeconds) out.push({ ...this.stall(source, stream, quiet, now, null), ongoing: true });
    }
    return out;
  }

  private stall(source: StallSource, stream: 0 | 1, quiet: { since: number; waiting: AccountWaiting }, until: number, endedBy: AccountStall['endedBy']): AccountStall {
    return {
      direction: stream === 0 ? 'request' : 'response',
      exchange: source.exchangeOn(stream),
      since: quiet.since - source.openedAt,
      seconds: until - quiet.since,
      ongoing: false,
      offset: source.streamBytes(stream),
      waiting: quiet.waiting,
      waitingFor: waitingFor(quiet.waiting),
      endedBy,
    };
  }
}
