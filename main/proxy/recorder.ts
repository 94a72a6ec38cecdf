// Every record goes to the capture file and to the live analysis of its connection,
// in the same order: what the proxy shows live is what the capture says afterwards.

import type { Http1Event } from '../../shared/http1';
import type { CaptureEvent, CloseKind, CloseSide, StreamId } from '../capture/format';
import type { CaptureSink } from '../capture/writer';
import { ConnectionAnalyzer, type AnalyzerOptions } from '../session/connection';

/** Seconds since the capture started, from a monotonic clock. */
export type Clock = () => number;

export function monotonicClock(): Clock {
  const origin = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - origin) / 1e9;
}

/** Told of everything recorded, in order (the engine indexes captures and updates rows). */
export interface RecordObserver {
  opened?(analyzer: ConnectionAnalyzer): void;
  /** `position`: where the bytes lie in the capture file (-1 without one). */
  data?(analyzer: ConnectionAnalyzer, stream: StreamId, bytes: Uint8Array, time: number, generated: boolean, position: number): void;
  event?(analyzer: ConnectionAnalyzer, event: CaptureEvent): void;
  retired?(analyzer: ConnectionAnalyzer): void;
}

export class Recorder {
  readonly live = new Map<number, ConnectionAnalyzer>();
  private next = 1;
  observer: RecordObserver = {};

  constructor(
    private readonly sink: CaptureSink | null,
    readonly clock: Clock,
    private readonly analyzerOptions: AnalyzerOptions = {},
  ) {}

  get busy(): boolean {
    return this.sink?.busy ?? false;
  }

  onDrain(listener: () => void): void {
    this.sink?.onDrain(listener);
  }

  session(event: Extract<CaptureEvent, { type: 'session' }>): void {
    this.sink?.event(event);
  }

  open(client: string, mode: 'forward' | 'reverse'): ConnectionAnalyzer {
    const connection = this.next++;
    const time = this.clock();
    const analyzer = new ConnectionAnalyzer(connection, client, mode, time, this.analyzerOptions);
    this.live.set(connection, analyzer);
    this.sink?.event({ type: 'open', connection, time, client, mode });
    this.observer.opened?.(analyzer);
    return analyzer;
  }

  data(analyzer: ConnectionAnalyzer, stream: StreamId, bytes: Uint8Array, time: number, generated = false): Http1Event[] {
    const position = this.sink ? this.sink.data(analyzer.number, stream, generated, time, bytes) : -1;
    const events = analyzer.data(stream, bytes, time, generated);
    this.observer.data?.(analyzer, stream, bytes, time, generated, position);
    return events;
  }

  event(analyzer: ConnectionAnalyzer, event: Exclude<CaptureEvent, { type: 'session' | 'open' | 'end' }>): void {
    this.sink?.event(event);
    analyzer.event(event);
    this.observer.event?.(analyzer, event);
  }

  close(analyzer: ConnectionAnalyzer, side: CloseSide, kind: CloseKind, by: 'peer' | 'proxy', detail: string | null = null): void {
    this.event(analyzer, { type: 'close', connection: analyzer.number, time: this.clock(), side, kind, by, detail });
  }

  /** The connection is over: its analysis is no longer live. */
  retire(analyzer: ConnectionAnalyzer): void {
    this.live.delete(analyzer.number);
    this.observer.retired?.(analyzer);
  }

  end(): void {
    this.sink?.event({ type: 'end', time: this.clock() });
  }
}
