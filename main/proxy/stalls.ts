// Live stall reports: each live connection's analysis is asked, a few times a second,
// whether a silence has become a stall (the account's own derivation, stall-log.ts), so
// the live line, the row and the detail say the same. A stall is recorded in the
// capture as it is reported (`stall` event), and reported over when bytes come again.

import type { AccountStall } from '../../shared/account';
import type { ConnectionAnalyzer } from '../analysis/connection';

export interface Stall {
  connection: ConnectionAnalyzer;
  stall: AccountStall;
}

export interface StallListener {
  stalled(stall: Stall): void;
  resumed(stall: Stall): void;
}

/** A live connection as the watcher sees it: its analysis, and where to record a stall. */
export interface Watched {
  readonly analyzer: ConnectionAnalyzer;
  recordStall(stall: AccountStall): void;
}

export class StallWatcher {
  private readonly reported = new Map<string, Stall>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: () => Iterable<Watched>,
    private readonly clock: () => number,
    private readonly listener: StallListener,
  ) {}

  /** Watch while there are connections; with none, no timer runs. */
  watching(on: boolean, intervalMs = 250): void {
    if (on && !this.timer) {
      this.timer = setInterval(() => this.check(), intervalMs);
      this.timer.unref();
    } else if (!on) this.stop();
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
      const reported = this.reported.get(key);
      if (!reported) continue;
      this.reported.delete(key);
      this.listener.resumed(this.over(reported));
    }
  }

  /** The current stalls, with their waits as of now (for live views). */
  current(): Stall[] {
    return [...this.reported.values()];
  }

  check(): void {
    const now = this.clock();
    const seen = new Set<string>();
    for (const watched of this.connections()) {
      const a = watched.analyzer;
      for (const stall of a.stalls(now)) {
        if (!stall.ongoing) continue;
        const key = `${a.number}:${stall.direction === 'request' ? 0 : 1}`;
        seen.add(key);
        if (!this.reported.has(key)) {
          watched.recordStall(stall);
          this.listener.stalled({ connection: a, stall });
        }
        this.reported.set(key, { connection: a, stall });
      }
    }
    for (const [key, reported] of this.reported) {
      if (seen.has(key)) continue;
      this.reported.delete(key);
      this.listener.resumed(this.over(reported));
    }
  }

  /** A stall that is over, as the analysis now has it (its whole length), or as last seen. */
  private over(reported: Stall): Stall {
    const a = reported.connection;
    const done = a.stalls().find((s) => s.direction === reported.stall.direction && s.since === reported.stall.since);
    return { connection: a, stall: done ?? { ...reported.stall, ongoing: false } };
  }
}
