// One session: a capture file (live, being written; or opened for viewing), where each
// connection's records lie in it, and the rows shown for it. Rows come from count-only
// analyses (flat memory); details are re-derived from the file when asked for.

import { exchangeId, type ExchangeRef } from '../../shared/exchange-id';
import { closeSync, openSync, readSync } from 'node:fs';
import type { ConnectionRow, ExchangeMark, ExchangeRow } from '../../shared/api';
import type { CaptureEvent, StreamId } from '../capture/format';
import type { CaptureWriter } from '../capture/writer';
import type { Recorder } from '../analysis/recorder';
import { DEFAULT_STALL_SECONDS } from '../analysis/analyzer-options';
import { ConnectionAnalyzer } from '../analysis/connection';
import type { ExchangeSpans } from '../analysis/pairing';
import { ConnectionRecords } from './connection-records';
import { ConnectionDetail } from './detail';
import { SessionMarks } from './marks';
import { connectionRow, exchangeRows, notedSpans, type RowContext } from './rows';

const DETAIL_CACHE = 4;
/** Longest stretch of analysing a connection before the relay gets a turn. */
const ANALYSE_SLICE_MS = 8;

/**
 * A connection's lane as the pages were sent it. The spans of exchanges that ended are
 * final, noted once by the analysis (and kept here after it retires): a row carries only
 * the spans from `final` on, and a page that gets the session gets them whole from these.
 */
interface Lane {
  /** The last row made: its spans from its `spansFrom` on. */
  row: ConnectionRow | null;
  noted: ExchangeSpans;
  /** Exchanges noted when the last row was made: the next row's spans start there. */
  final: number;
}

export class Session {
  readonly records = new Map<number, ConnectionRecords>();
  /** Analyses of connections whose rows may still change. */
  readonly analyzers = new Map<number, ConnectionAnalyzer>();
  readonly rows = new Map<string, ExchangeRow>();
  /** Per connection, its lane: the last row sent and the spans that are final (lanes below). */
  private readonly lanes = new Map<number, Lane>();
  /** Per connection, the first exchange whose row may still change. */
  private readonly firstOpen = new Map<number, number>();
  private readonly dirty = new Set<number>();
  /** Per connection, each exchange's position in the session by its index: numbers, no key made per exchange. */
  private readonly seqs = new Map<number, number[]>();
  private nextSeq = 1;
  private readonly lastActivity = new Map<number, number>();
  private readonly details: ConnectionDetail[] = [];
  /** Pins and comments on its exchanges (marks.ts). */
  readonly marks = new SessionMarks();
  /** Rows whose mark changed: sent again, whether or not their connection moved. */
  private readonly remarked = new Set<string>();
  private fd: number | null = null;
  /** What the user opened: the capture itself, or the HAR or pcap it was imported from. */
  source: string;
  /** Its tab's id ("live", "s2", …), given by the engine. */
  id = '';
  /** Exchanges when the session was last saved, and where to. */
  private savedExchanges = 0;
  savedTo: string | null = null;
  /** Set while a file is read: how far. */
  loading: { done: number; total: number } | null = null;
  imported: { kind: 'har' | 'pcap'; notes: string[] } | null = null;
  /** A file's bytes up to the end of its last whole record (a record cut short at its end is left out of copies); null until read. */
  wholeBytes: number | null = null;
  /** The stall threshold its connections are read with (the capture's own, or the default). */
  stallSeconds = DEFAULT_STALL_SECONDS;

  constructor(
    readonly path: string,
    readonly kind: 'live' | 'file',
    /** Wall-clock start (ISO 8601); a file session takes it from the capture. */
    public startedAt: string,
    readonly writer: CaptureWriter | null,
    readonly recorder: Recorder | null,
  ) {
    this.source = path;
  }

  // ---- what is recorded (live) or read (from a file) ------------------------------

  opened(analyzer: ConnectionAnalyzer, open: Extract<CaptureEvent, { type: 'open' }>): void {
    this.records.set(analyzer.number, new ConnectionRecords(analyzer.number, open));
    this.analyzers.set(analyzer.number, analyzer);
    this.lanes.set(analyzer.number, { row: null, noted: analyzer.exchangeSpans, final: 0 });
    this.firstOpen.set(analyzer.number, 0);
    this.touch(analyzer.number, open.time);
  }

  data(connection: number, stream: StreamId, generated: boolean, time: number, length: number, position: number): void {
    this.records.get(connection)?.addData(stream, generated, time, length, position);
    this.touch(connection, time);
  }

  event(connection: number, event: CaptureEvent): void {
    this.records.get(connection)?.addEvent(event);
    this.touch(connection, 'time' in event ? event.time : null);
  }

  /** Something changed that is not a record (a relay finished): its rows may change. */
  changed(connection: number): void {
    this.dirty.add(connection);
    this.onDirty?.();
  }

  /** Told when a row may have changed: the engine then sends changes soon, and runs no timer otherwise. */
  onDirty: (() => void) | null = null;

  private touch(connection: number, time: number | null): void {
    this.dirty.add(connection);
    this.onDirty?.();
    if (time !== null) this.lastActivity.set(connection, time);
  }

  /** An exchange's mark changed (made, or read from the file): its row goes out again with it. */
  markChanged(id: string): void {
    this.remarked.add(id);
    this.onDirty?.();
  }

  /**
   * A person pinned or commented an exchange (`now`: the live clock): written into the
   * live capture at once, into a file's copy when it is saved. Its row, marked.
   */
  mark(ref: ExchangeRef, mark: ExchangeMark, now: number): ExchangeRow | null {
    const row = this.rows.get(exchangeId(ref.connection, ref.index));
    if (!row) return null;
    // A file is marked after the fact: the mark takes its exchange's time.
    const id = this.marks.set(ref, mark, this.kind === 'live' ? now : row.startedAt, this.kind === 'live' ? this.writer : null);
    this.markChanged(id);
    return { ...row, mark: this.marks.get(id) };
  }

  /** Rows of connections still in progress change with time (durations, rates, stalls). */
  markRunning(): boolean {
    // A request still unanswered or a message still arriving: its duration, rate or stall changes with time.
    // An idle kept-alive connection changes nothing until its next byte.
    let running = false;
    for (const [number, a] of this.analyzers) {
      if (a.outstanding() > 0) {
        this.dirty.add(number);
        running = true;
      }
    }
    return running;
  }

  // ---- rows ----------------------------------------------------------------------------

  /**
   * Rows and connection rows that changed since the last call. With `until` (a
   * performance.now() time), it stops once that time has passed and leaves the
   * connections it did not get to for the next call: a capture's 100,000 rows are made
   * over many turns of the event loop, and the relay runs between them.
   */
  takeChanges(context: RowContext, retire: (a: ConnectionAnalyzer) => boolean, until = Infinity): { rows: ExchangeRow[]; connections: ConnectionRow[] } {
    const rows: ExchangeRow[] = [];
    const connections: ConnectionRow[] = [];
    for (const number of this.dirty) {
      if (performance.now() > until) break;
      this.dirty.delete(number);
      const a = this.analyzers.get(number);
      if (!a) continue;
      const from = this.firstOpen.get(number) ?? 0;
      const changed = exchangeRows(a, from, (index) => this.seqOf(number, index), context);
      let open = from;
      for (const row of changed) {
        row.mark = this.marks.get(row.id);
        this.remarked.delete(row.id);
        this.rows.set(row.id, row);
        rows.push(row);
        // A complete exchange followed by another is final: its row will not change.
        if (row.index === open && row.state === 'complete' && row.keptAlive) open++;
      }
      this.firstOpen.set(number, open);
      // Rows before `open` are final and kept here: the analysis lets their messages go.
      a.release(open);
      // Its spans from the first exchange not final when the last row was made: the pages have those before.
      const lane = this.lanes.get(number)!;
      const connection = connectionRow(a, this.lastActivity.get(number) ?? a.openedAt, context.now, lane.final);
      lane.row = connection;
      lane.final = a.exchangeSpans.size;
      connections.push(connection);
      if (retire(a)) this.analyzers.delete(number);
    }
    for (const id of this.remarked) {
      const row = this.rows.get(id);
      if (!row) continue;
      // A new object: the UI keeps a row until it is replaced.
      const remarked = { ...row, mark: this.marks.get(id) };
      this.rows.set(id, remarked);
      rows.push(remarked);
    }
    this.remarked.clear();
    rows.sort((x, y) => x.seq - y.seq);
    return { rows, connections };
  }

  /** Connections (or marks) whose rows changed and have not been taken yet. */
  get changesWaiting(): boolean {
    return this.dirty.size > 0 || this.remarked.size > 0;
  }

  seqOf(connection: number, index: number): number {
    let seqs = this.seqs.get(connection);
    if (!seqs) this.seqs.set(connection, (seqs = []));
    let seq = seqs[index];
    if (seq === undefined) {
      seq = this.nextSeq++;
      seqs[index] = seq;
    }
    return seq;
  }

  /** Every connection's row as a page that gets the session needs it: its spans whole. */
  wholeConnections(): ConnectionRow[] {
    const whole: ConnectionRow[] = [];
    for (const { row, noted } of this.lanes.values()) {
      if (!row) continue;
      const from = row.spansFrom ?? 0;
      whole.push(from === 0 ? row : { ...row, spans: notedSpans(noted, row.openedAt, 0, from).concat(row.spans), spansFrom: 0 });
    }
    return whole;
  }

  allRows(): ExchangeRow[] {
    return [...this.rows.values()].sort((a, b) => a.seq - b.seq);
  }

  // ---- details, re-derived from the file -------------------------------------------------

  async detail(connection: number): Promise<ConnectionDetail> {
    const records = this.records.get(connection);
    if (!records) throw new Error(`no connection c${connection} in this session`);
    await this.writer?.flush();
    // Only what arrived since its last look is fed: no re-analysis of the whole connection.
    const detail = this.details.find((d) => d.analyzer.number === connection) ?? new ConnectionDetail(records, (position, length) => this.read(position, length), this.stallSeconds);
    if (this.details.includes(detail)) this.details.splice(this.details.indexOf(detail), 1);
    this.details.unshift(detail);
    this.details.length = Math.min(this.details.length, DETAIL_CACHE);
    await detail.catchUp();
    return detail;
  }

  /**
   * A fresh count-only analysis of one connection as it stands, fed from the file in
   * slices (the relay runs between them): for replaying it, beside the details the UI reads.
   */
  async analyse(connection: number): Promise<{ analyzer: ConnectionAnalyzer; records: ConnectionRecords }> {
    const records = this.records.get(connection);
    if (!records) throw new Error(`no connection c${connection} in this session`);
    await this.writer?.flush();
    const open = records.open;
    const analyzer = new ConnectionAnalyzer(open.connection, open.client, open.mode, open.time, { keepChunks: false, stallSeconds: this.stallSeconds });
    let slice = performance.now();
    for (const record of records.replay((position, length) => this.read(position, length))) {
      if (record.type === 'data') analyzer.data(record.stream, record.bytes, record.time, record.generated);
      else if (record.type !== 'open') analyzer.event(record);
      if (performance.now() - slice >= ANALYSE_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    return { analyzer, records };
  }

  private read(position: number, length: number): Uint8Array {
    this.fd ??= openSync(this.path, 'r');
    const buffer = Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const n = readSync(this.fd, buffer, at, length - at, position + at);
      if (n === 0) throw new Error(`the capture ${this.path} is shorter than its index says`);
      at += n;
    }
    return buffer;
  }

  /** Saved whole to `path`, with its first `exchanges` exchanges (all, by default) and every mark made. */
  saved(path: string, exchanges = this.rows.size): void {
    this.savedExchanges = exchanges;
    this.savedTo = path;
    this.marks.saved(path === this.path);
  }

  /** Exchanges of a live session not in any saved copy (a file's are in its file). */
  get unsaved(): number {
    return this.kind === 'live' ? this.rows.size - this.savedExchanges : 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
