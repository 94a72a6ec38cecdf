// What the UI is sent: the current session whole when it is shown, then its changed rows
// within FLUSH_MS of a change, made a slice at a time so the relay runs between. Sessions
// not shown have their rows made too (so their analyses let go of what is final); the
// tabs' counts are sent at most once a second.

import type { ConnectionRow, ExchangeRow, SessionInfo, UpdateBatch } from '../../shared/api';
import type { HeldMessage } from '../../shared/breakpoints';
import type { ConnectionAnalyzer } from '../analysis/connection';
import type { Session } from './session';

/** How often changed rows are sent: the UI batches them again per frame. */
export const FLUSH_MS = 100;
/** Rows per update message when a whole session is sent. */
const BATCH_ROWS = 5000;
/** Longest stretch of making rows before the relay gets a turn. */
const FLUSH_SLICE_MS = 8;
/** Tabs of sessions not shown are told at most this often. */
const TABS_MS = 1000;

export interface UpdatesSource {
  current(): Session;
  all(): Session[];
  info(): SessionInfo;
  /** The clock of live rows and stalls (null for a file, read as it stands). */
  now(session: Session): number | null;
  /** What breakpoints hold now (the live session's), sent with every whole session. */
  held(): HeldMessage[];
}

export class Updates {
  private readonly listeners = new Set<(batch: UpdateBatch) => void>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private tabsSent = -Infinity;
  private tabsTimer: NodeJS.Timeout | null = null;
  private readonly dirty = new Set<Session>();

  constructor(private readonly source: UpdatesSource) {}

  /** Listen: the current session whole first, in batches, then changes as they come. */
  listen(listener: (batch: UpdateBatch) => void): () => void {
    this.listeners.add(listener);
    // Changes made before its whole reach it too (a search's first matches, a probe's first
    // step); the whole is made from the state after them, so it replaces the rows and lanes they said.
    setImmediate(() => {
      if (!this.listeners.has(listener)) return;
      for (const batch of this.whole()) listener(batch);
    });
    return () => this.listeners.delete(listener);
  }

  emit(batch: UpdateBatch): void {
    for (const listener of this.listeners) listener(batch);
  }

  /** The current session changed to another: everyone gets it whole. */
  resend(): void {
    for (const batch of this.whole()) this.emit(batch);
  }

  private *whole(): Generator<UpdateBatch> {
    const session = this.source.current();
    const rows = session.allRows();
    yield { reset: true, session: this.source.info(), connections: session.wholeConnections(), rows: rows.slice(0, BATCH_ROWS), held: this.source.held() };
    for (let at = BATCH_ROWS; at < rows.length; at += BATCH_ROWS) yield { rows: rows.slice(at, at + BATCH_ROWS) };
  }

  /** A session's rows may have changed: they go out within FLUSH_MS; with nothing changing, no timer runs (a laptop may sleep). */
  dirtied(session: Session): void {
    this.dirty.add(session);
    if (this.timer || this.closed || session.loading) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Send what changed: rows of connections that moved or (live) still run. Rows are made
   * for FLUSH_SLICE_MS at most; true when some are left for the next call.
   */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return false;
    const current = this.source.current();
    const deadline = performance.now() + FLUSH_SLICE_MS;
    let counted = false;
    for (const session of [current, ...[...this.dirty].filter((s) => s !== current)]) {
      if (!this.dirty.has(session) && session !== current) continue;
      this.dirty.delete(session);
      const { rows, connections } = this.changes(session, deadline);
      if (session === current) this.send(rows, connections);
      counted ||= rows.length > 0;
      if (session.changesWaiting || (session.kind === 'live' && session.markRunning())) {
        this.dirty.add(session);
      }
    }
    if (counted) this.countsChanged();
    for (const session of this.dirty) if (!session.loading) this.dirtied(session);
    return current.changesWaiting;
  }

  /** The tabs' counts changed: they are sent at most once a TABS_MS, the last change included. */
  private countsChanged(): void {
    if (this.tabsTimer || this.closed) return;
    const wait = Math.max(0, this.tabsSent + TABS_MS - performance.now());
    this.tabsTimer = setTimeout(() => {
      this.tabsTimer = null;
      this.tabsSent = performance.now();
      if (!this.closed) this.emit({ session: this.source.info() });
    }, wait);
    this.tabsTimer.unref();
  }

  private changes(session: Session, until: number): { rows: ExchangeRow[]; connections: ConnectionRow[] } {
    const live = session.kind === 'live';
    const retire = (a: ConnectionAnalyzer) => a.ended && a.outstanding() === 0 && (!live || !session.recorder?.live.has(a.number));
    return session.takeChanges({ now: this.source.now(session) }, retire, until);
  }

  private send(rows: ExchangeRow[], connections: ConnectionRow[]): void {
    if (rows.length === 0 && connections.length === 0) return;
    for (let at = 0; at < rows.length; at += BATCH_ROWS) {
      this.emit({ rows: rows.slice(at, at + BATCH_ROWS), connections: at === 0 ? connections : undefined });
    }
    if (rows.length === 0) this.emit({ connections });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.tabsTimer) clearTimeout(this.tabsTimer);
    this.timer = null;
  }
}
