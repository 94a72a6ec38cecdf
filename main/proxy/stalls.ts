// Live stall reports: a message in progress with no byte for a while, or a request
// whose response has not started. Time comes from the proxy's clock; the parser says
// what it waits for.

import type { ConnectionAnalyzer } from '../session/connection';
import type { Waiting } from '../http1';

export interface Stall {
  connection: ConnectionAnalyzer;
  direction: 'request' | 'response';
  /** When the last byte before the silence arrived (seconds since the capture started). */
  since: number;
  /** Seconds without a byte: so far, or in all once resumed. */
  waited: number;
  waiting: Waiting | { what: 'response'; message: null; chunk: null; received: null; expected: null };
}

export interface StallListener {
  stalled(stall: Stall): void;
  resumed(stall: Stall): void;
}

export class StallWatcher {
  private readonly reported = new Map<string, Stall>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: () => Iterable<ConnectionAnalyzer>,
    private readonly clock: () => number,
    private readonly thresholdSeconds: number,
    private readonly listener: StallListener,
  ) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Bytes arrived on a stream (or the connection ended): a stall there is over now. */
  activity(connection: ConnectionAnalyzer, stream?: 0 | 1): void {
    if (this.reported.size === 0) return;
    for (const s of stream === undefined ? ([0, 1] as const) : [stream]) {
      const key = `${connection.number}:${s}`;
      const stall = this.reported.get(key);
      if (!stall) continue;
      this.reported.delete(key);
      const last = connection.lastByte(s);
      this.listener.resumed({ ...stall, waited: (last > stall.since ? last : this.clock()) - stall.since });
    }
  }

  /** The current stalls, with their waits as of now (for live views). */
  current(): Stall[] {
    return [...this.reported.values()];
  }

  check(): void {
    const now = this.clock();
    const seen = new Set<string>();
    for (const connection of this.connections()) {
      for (const stream of [1, 0] as const) {
        const stall = this.stallOf(connection, stream, now);
        const key = `${connection.number}:${stream}`;
        const previous = this.reported.get(key);
        if (stall) {
          seen.add(key);
          if (!previous) this.listener.stalled(stall);
          this.reported.set(key, stall);
        }
      }
    }
    for (const [key, stall] of this.reported) {
      if (!seen.has(key)) {
        this.reported.delete(key);
        const stream = stall.direction === 'request' ? 0 : 1;
        const last = stall.connection.lastByte(stream);
        this.listener.resumed({ ...stall, waited: (last > stall.since ? last : now) - stall.since });
      }
    }
  }

  private stallOf(connection: ConnectionAnalyzer, stream: 0 | 1, now: number): Stall | null {
    if (connection.streamEnd(stream)) return null;
    const since = connection.lastByte(stream);
    const waited = now - since;
    if (waited < this.thresholdSeconds) return null;
    const direction = stream === 0 ? 'request' : 'response';
    const waiting = connection.waiting(stream);
    if (waiting.what === 'message') {
      // Between responses with a request outstanding: the response has not started.
      if (stream === 1 && connection.outstanding() > 0 && !connection.tunnel) {
        const asked = Math.max(connection.lastByte(0), connection.lastByte(1));
        if (now - asked < this.thresholdSeconds) return null;
        return { connection, direction, since: asked, waited: now - asked, waiting: { what: 'response', message: null, chunk: null, received: null, expected: null } };
      }
      return null;
    }
    if (waiting.what === 'nothing') return null;
    return { connection, direction, since, waited, waiting };
  }
}
