// Every record goes to the capture file and to the live analysis of its connection,
// in the same order: what the proxy shows live is what the capture says afterwards.

import type { Http1Event } from '../../shared/http1';
import type { CaptureEvent, ClientTag, CloseKind, CloseSide, StreamId } from '../capture/format';
import type { CaptureSink } from '../capture/writer';
import type { AnalyzerOptions } from './analyzer-options';
import { ConnectionAnalyzer } from './connection';

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

interface Opening {
  event: Extract<CaptureEvent, { type: 'open' }>;
  launched: ClientTag | null;
}

export class Recorder {
  readonly live = new Map<number, ConnectionAnalyzer>();
  private next = 1;
  observer: RecordObserver = {};
  /** Connections opened but not recorded yet: their open event waits for their first record. */
  private readonly pending = new Map<ConnectionAnalyzer, Opening>();
  /** Connections never recorded (Chunkscope's own UI traffic): analysed for the relay, no more. */
  private readonly unrecorded = new WeakSet<ConnectionAnalyzer>();

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

  /**
   * `pending`: record the open only with the connection's first record (see unrecord).
   * `launched`: the client Chunkscope launched on this connection, recorded right after the open.
   */
  open(client: string, mode: 'forward' | 'reverse', pending = false, launched: ClientTag | null = null): ConnectionAnalyzer {
    const connection = this.next++;
    const time = this.clock();
    const analyzer = new ConnectionAnalyzer(connection, client, mode, time, this.analyzerOptions);
    this.live.set(connection, analyzer);
    const open: Opening = { event: { type: 'open', connection, time, client, mode }, launched };
    if (pending) this.pending.set(analyzer, open);
    else this.announce(analyzer, open);
    return analyzer;
  }

  private announce(analyzer: ConnectionAnalyzer, { event, launched }: Opening): void {
    this.sink?.event(event);
    this.observer.opened?.(analyzer);
    if (launched) this.event(analyzer, { type: 'client', connection: event.connection, time: event.time, ...launched });
  }

  private confirm(analyzer: ConnectionAnalyzer): void {
    const open = this.pending.get(analyzer);
    if (!open) return;
    this.pending.delete(analyzer);
    this.announce(analyzer, open);
  }

  /**
   * Never record this pending connection, nor show it; false if it is recorded already.
   * It stops counting as live: a session being replaced does not wait for it to end.
   */
  unrecord(analyzer: ConnectionAnalyzer): boolean {
    if (!this.pending.delete(analyzer)) return false;
    this.unrecorded.add(analyzer);
    this.live.delete(analyzer.number);
    this.observer.retired?.(analyzer);
    return true;
  }

  recorded(analyzer: ConnectionAnalyzer): boolean {
    return !this.unrecorded.has(analyzer);
  }

  /** A read, recorded and analysed; its parser events are handed back (the forward proxy routes by them). */
  data(analyzer: ConnectionAnalyzer, stream: StreamId, bytes: Uint8Array, time: number, generated = false): Http1Event[] {
    const events: Http1Event[] = [];
    this.read(analyzer, stream, bytes, time, generated, events);
    return events;
  }

  /** A read, recorded and analysed; its parser events go to `events`, or with null nowhere (see ConnectionAnalyzer.read). */
  read(analyzer: ConnectionAnalyzer, stream: StreamId, bytes: Uint8Array, time: number, generated = false, events: Http1Event[] | null = null): void {
    if (this.unrecorded.has(analyzer)) return analyzer.read(stream, bytes, time, generated, events);
    this.confirm(analyzer);
    const position = this.sink ? this.sink.data(analyzer.number, stream, generated, time, bytes) : -1;
    analyzer.read(stream, bytes, time, generated, events);
    this.observer.data?.(analyzer, stream, bytes, time, generated, position);
  }

  event(analyzer: ConnectionAnalyzer, event: Exclude<CaptureEvent, { type: 'session' | 'open' | 'end' }>): void {
    if (this.unrecorded.has(analyzer)) return analyzer.event(event);
    this.confirm(analyzer);
    this.sink?.event(event);
    analyzer.event(event);
    this.observer.event?.(analyzer, event);
  }

  close(analyzer: ConnectionAnalyzer, side: CloseSide, kind: CloseKind, by: 'peer' | 'proxy', detail: string | null = null): void {
    this.event(analyzer, { type: 'close', connection: analyzer.number, time: this.clock(), side, kind, by, detail });
  }

  /** The connection is over: its analysis is no longer live. */
  retire(analyzer: ConnectionAnalyzer): void {
    if (this.unrecorded.has(analyzer)) return;
    this.live.delete(analyzer.number);
    this.confirm(analyzer);
    this.observer.retired?.(analyzer);
  }

  end(): void {
    this.sink?.event({ type: 'end', time: this.clock() });
  }
}
