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

export class Recorder {
  readonly live = new Map<number, ConnectionAnalyzer>();
  private next = 1;
  /** Told of every read and every retired connection (the stall watcher listens). */
  activity: (analyzer: ConnectionAnalyzer, stream?: StreamId) => void = () => undefined;

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
    return analyzer;
  }

  data(analyzer: ConnectionAnalyzer, stream: StreamId, bytes: Uint8Array, time: number, generated = false): Http1Event[] {
    this.sink?.data(analyzer.number, stream, generated, time, bytes);
    const events = analyzer.data(stream, bytes, time, generated);
    this.activity(analyzer, stream);
    return events;
  }

  event(analyzer: ConnectionAnalyzer, event: Exclude<CaptureEvent, { type: 'session' | 'open' | 'end' }>): void {
    this.sink?.event(event);
    analyzer.event(event);
  }

  close(analyzer: ConnectionAnalyzer, side: CloseSide, kind: CloseKind, by: 'peer' | 'proxy', detail: string | null = null): void {
    this.event(analyzer, { type: 'close', connection: analyzer.number, time: this.clock(), side, kind, by, detail });
  }

  /** The connection is over: its analysis is no longer live. */
  retire(analyzer: ConnectionAnalyzer): void {
    this.live.delete(analyzer.number);
    this.activity(analyzer);
  }

  end(): void {
    this.sink?.event({ type: 'end', time: this.clock() });
  }
}
