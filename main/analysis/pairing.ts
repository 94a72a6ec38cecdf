// Pairing requests with their responses, and what a live connection keeps of them. A
// connection can carry a million exchanges (pipelined requests) or a million interim
// responses (`100 Continue`): messages of exchanges already shown are released, and
// between the first and the latest interim response of an exchange only the count is
// kept, so a live analysis stays bounded (issue 14). A released message is no longer in
// its ledger; its index stays valid for the events that name it.

import type { MessageRecord } from '../../shared/ledger';
import type { LedgerBuilder } from '../http1/ledger';

/** A 1xx other than 101: the final response still follows. */
export function isInterim(m: MessageRecord): boolean {
  const status = m.response?.status ?? 0;
  return status >= 100 && status < 200 && status !== 101;
}

export class Pairing {
  /** Exchanges before this one are released (their messages forgotten). */
  released = 0;
  /** Response messages before this one are released. */
  private releasedResponses = 0;
  /** Runs of forgotten interim responses: the run's last index -> its first. */
  private readonly holes = new Map<number, number>();
  /** Interim responses of the open exchange: the first is kept, and the latest. */
  private interim: { request: number; first: number; latest: number } | null = null;
  /** Interim responses forgotten per exchange (still counted). */
  private readonly forgottenInterim = new Map<number, { count: number; bytes: number }>();

  constructor(
    private readonly requests: LedgerBuilder,
    private readonly responses: LedgerBuilder,
    /** Forget the interim responses between an exchange's first and latest one (count-only analyses). */
    private readonly compact: boolean,
  ) {}

  /** Kept responses with requestIndex >= `from`, newest first. */
  *newestFirst(from: number): Generator<MessageRecord> {
    const all = this.responses.messages;
    for (let i = all.length - 1; i >= this.releasedResponses; ) {
      const m = all.at(i);
      if (!m) {
        i = (this.holes.get(i) ?? i) - 1;
        continue;
      }
      if ((m.requestIndex ?? -1) < from) return;
      yield m;
      i--;
    }
  }

  /** The kept responses to request #index, in order. */
  responsesTo(index: number): MessageRecord[] {
    if (index < this.released) return [];
    const out: MessageRecord[] = [];
    for (const m of this.newestFirst(index)) if (m.requestIndex === index) out.push(m);
    return out.reverse();
  }

  /** Interim responses of request #index no longer kept, and their bytes. */
  forgotten(index: number): { count: number; bytes: number } {
    return this.forgottenInterim.get(index) ?? { count: 0, bytes: 0 };
  }

  /** An interim response completed: keep the first and the latest of its exchange. */
  interimCompleted(m: MessageRecord): void {
    if (!this.compact || m.requestIndex === null) return;
    const current = this.interim;
    if (!current || current.request !== m.requestIndex) {
      this.interim = { request: m.requestIndex, first: m.index, latest: m.index };
      return;
    }
    // Responses come in order: the previous latest is the message right before this one.
    const previous = current.latest;
    if (previous !== current.first && previous === m.index - 1) {
      const gone = this.responses.messages.at(previous);
      const tally = this.forgottenInterim.get(m.requestIndex) ?? { count: 0, bytes: 0 };
      tally.count++;
      tally.bytes += gone ? gone.end - gone.offset : 0;
      this.forgottenInterim.set(m.requestIndex, tally);
      this.responses.forget(previous);
      const start = this.holes.get(previous - 1);
      if (start !== undefined) this.holes.delete(previous - 1);
      this.holes.set(previous, start ?? previous);
    }
    current.latest = m.index;
  }

  /**
   * Forget the messages of exchanges before #before, whose rows or lines are out; the one
   * just before stays (whether it announced a close matters to what follows).
   */
  release(before: number): void {
    const limit = before - 1;
    if (limit <= this.released) return;
    for (let i = this.released; i < limit; i++) this.requests.forget(i);
    const all = this.responses.messages;
    let r = this.releasedResponses;
    for (; r < all.length; r++) {
      const m = all.at(r);
      if (m && (m.requestIndex ?? -1) >= limit) break;
      this.responses.forget(r);
      this.holes.delete(r);
    }
    for (let i = this.released; i < limit; i++) this.forgottenInterim.delete(i);
    this.releasedResponses = r;
    this.released = limit;
  }

  exchangeCount(): number {
    const lastResponse = this.newestFirst(0).next().value as MessageRecord | undefined;
    return Math.max(this.requests.messages.length, lastResponse ? (lastResponse.requestIndex ?? -1) + 1 : 0);
  }
}

/**
 * When each exchange began and ended (seconds since the connection opened), noted as it
 * ends, so a connection's lane needs no message it has released (16 bytes an exchange;
 * without `keeps`, none: only the longest idle gap between an exchange's end and the next
 * one's start).
 */
export class ExchangeSpans {
  private times = new Float64Array(64);
  private count = 0;
  /** When the last exchange noted ended. */
  private lastEnd = 0;
  longestIdle: number | null = null;

  constructor(readonly keeps: boolean) {}

  /** Request #index began at `at`. */
  started(index: number, at: number): void {
    if (index === 0 || index > this.count) return;
    const previousEnd = index === this.count ? this.lastEnd : this.keeps ? this.times[2 * (index - 1) + 1]! : null;
    const idle = previousEnd === null ? -1 : at - previousEnd;
    if (idle >= 0 && (this.longestIdle === null || idle > this.longestIdle)) this.longestIdle = idle;
  }

  /** Exchange #index is over, from its request's first byte (null: none came) to its last byte at `end`; exchanges end in order. */
  ended(index: number, start: number | null, end: number): void {
    if (index !== this.count) return;
    this.count++;
    this.lastEnd = end;
    if (!this.keeps) return;
    if (2 * this.count > this.times.length) {
      const bigger = new Float64Array(this.times.length * 2);
      bigger.set(this.times);
      this.times = bigger;
    }
    this.times[2 * index] = start ?? end;
    this.times[2 * index + 1] = end;
  }

  /** Exchanges noted so far. */
  get size(): number {
    return this.count;
  }

  /** [start, end] of exchange #index, once it ended (and when spans are kept). */
  span(index: number): [number, number] | null {
    return this.keeps && index < this.count ? [this.times[2 * index]!, this.times[2 * index + 1]!] : null;
  }
}
