// A whole capture, re-analysed from its records: the capture form of spec/INSPECT.md. The
// one place a capture's records are dispatched to their connections' analyses; what a
// reader adds (rows, HAR bodies, a curl body) it adds as an observer.

import type { ExchangeMark } from '../../shared/api';
import type { ConnectionReport } from '../../shared/capture';
import { exchangeId } from '../../shared/exchange-id';
import type { Http1Event } from '../../shared/http1';
import type { CaptureEvent, CaptureRecord, DataRecord, MarkEvent } from '../capture/format';
import type { AnalyzerOptions } from './analyzer-options';
import { ConnectionAnalyzer } from './connection';

export interface CaptureReport {
  session: Extract<CaptureEvent, { type: 'session' }> | null;
  connections: ConnectionReport[];
  /** The capture was closed cleanly (an `end` record), or was cut short. */
  closedCleanly: boolean;
  /** The exchanges a person pinned or commented, by exchange id: the last mark of each. */
  marks: Map<string, ExchangeMark>;
}

/** One record of its connection into the connection's analysis: the parser's events of a read. */
export function feedRecord(a: ConnectionAnalyzer, record: CaptureRecord): Http1Event[] {
  if (record.type === 'data') return a.data(record.stream, record.bytes, record.time, record.generated);
  a.event(record); // an open, the session or the end are no news to a connection's analysis
  return [];
}

/** What a reader of a capture adds as the records go by. */
export interface AnalysisObserver {
  session?(record: Extract<CaptureEvent, { type: 'session' }>): void;
  opened?(a: ConnectionAnalyzer, record: Extract<CaptureEvent, { type: 'open' }>): void;
  /** A read, analysed: its events, and the offset of its first byte in its stream. */
  data?(a: ConnectionAnalyzer, record: DataRecord, events: Http1Event[], base: number): void;
  event?(a: ConnectionAnalyzer, record: Exclude<CaptureEvent, { type: 'session' | 'end' | 'open' | 'mark' }>): void;
  /** A person's mark on an exchange (not the traffic's: no analysis reads it). */
  mark?(record: MarkEvent): void;
}

export class CaptureAnalysis {
  session: CaptureReport['session'] = null;
  readonly connections = new Map<number, ConnectionAnalyzer>();
  closedCleanly = false;
  /** The marks read so far, the last of each exchange; an empty one takes the mark away. */
  readonly marks = new Map<string, ExchangeMark>();

  constructor(
    private options: AnalyzerOptions = {},
    private readonly observer: AnalysisObserver = {},
    /** Analyse this connection only (the others' records are skipped). */
    private readonly only: number | null = null,
  ) {}

  /** The analyses' stall threshold: the capture's own once its session record is read. */
  get stallSeconds(): number | undefined {
    return this.options.stallSeconds;
  }

  add(record: CaptureRecord): void {
    switch (record.type) {
      case 'session':
        this.session = record;
        // The capture's own stall threshold (--stall-after when it was taken), else the default.
        if (record.stallSeconds !== undefined && this.options.stallSeconds === undefined) this.options = { ...this.options, stallSeconds: record.stallSeconds };
        this.observer.session?.(record);
        return;
      case 'end':
        this.closedCleanly = true;
        return;
      case 'open': {
        if (this.only !== null && record.connection !== this.only) return;
        const a = new ConnectionAnalyzer(record.connection, record.client, record.mode, record.time, this.options);
        this.connections.set(record.connection, a);
        this.observer.opened?.(a, record);
        return;
      }
      case 'data': {
        const a = this.connections.get(record.connection);
        if (!a) return;
        const base = record.stream === 0 || record.stream === 1 ? a.streamBytes(record.stream) : 0;
        const events = feedRecord(a, record); // fed whether or not anyone observes it
        this.observer.data?.(a, record, events, base);
        return;
      }
      case 'mark': {
        if (!this.connections.has(record.connection)) return;
        const id = exchangeId(record.connection, record.exchange);
        if (record.pinned || record.comment !== '') this.marks.set(id, { pinned: record.pinned, comment: record.comment });
        else this.marks.delete(id);
        this.observer.mark?.(record);
        return;
      }
      default: {
        const a = this.connections.get(record.connection);
        if (!a) return;
        feedRecord(a, record);
        this.observer.event?.(a, record);
      }
    }
  }

  report(): CaptureReport {
    for (const connection of this.connections.values()) connection.finish();
    return {
      session: this.session,
      connections: [...this.connections.values()].map((c) => c.report()),
      closedCleanly: this.closedCleanly,
      marks: this.marks,
    };
  }
}

export function analyseCapture(records: Iterable<CaptureRecord>, options: AnalyzerOptions = {}): CaptureReport {
  const analysis = new CaptureAnalysis(options);
  for (const record of records) analysis.add(record);
  return analysis.report();
}
