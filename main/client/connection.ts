// One connection Chunkscope opens itself, as a client (`check`, `replay --to`, Try it,
// the composer's `send`): every byte it sends and receives read by one analysis
// (the proxy's, so the ledger, the anomalies and the account are the same), the server's
// end recorded as a reverse proxy would record it, and waits that are woken by what
// happens (a byte, an end, a drain) and by one timer for their deadline or idle time:
// no polling. The caller keeps only its own policy (what to send when, when to give up).

import type { CaptureEvent } from '../capture/format';
import type { Leg, LegHandlers } from '../proxy/leg';
import { ConnectionAnalyzer } from '../analysis/connection';
import type { Recorder } from '../analysis/recorder';
import type { Http1Event, PeerEnd } from '../../shared/http1';
import type { TlsSide } from '../../shared/capture';

type ConnectionEvent = Exclude<CaptureEvent, { type: 'session' | 'open' | 'end' }>;

/**
 * Where a client connection's bytes and events go: its analysis alone (check, replay, Try
 * it), or a session's recorder first (the composer's direct sends), so the capture keeps
 * the connection and every view shows it as any other.
 */
export interface ClientRecording {
  readonly analyzer: ConnectionAnalyzer;
  data(stream: 0 | 1, bytes: Uint8Array, time: number): Http1Event[];
  event(event: ConnectionEvent): void;
  /** The connection is over. */
  done(): void;
}

export function analysisOnly(analyzer: ConnectionAnalyzer): ClientRecording {
  return { analyzer, data: (stream, bytes, time) => analyzer.data(stream, bytes, time), event: (event) => analyzer.event(event), done: () => analyzer.finish() };
}

/** Through `recorder` (opened there, its `client` event already recorded): written to its capture, fed to its analysis. */
export function recorded(recorder: Recorder, analyzer: ConnectionAnalyzer): ClientRecording {
  return {
    analyzer,
    data: (stream, bytes, time) => recorder.data(analyzer, stream, bytes, time),
    event: (event) => recorder.event(analyzer, event),
    // Its closes are recorded: the analysis ended with them, as a relayed connection's does.
    done: () => recorder.retire(analyzer),
  };
}

/** How the server ended the connection, and when (seconds on the client's clock). */
export interface ServerEnd {
  how: PeerEnd | 'rst' | 'error';
  detail: string | null;
  at: number;
}

export type WaitOutcome = 'ready' | 'ended' | 'idle' | 'deadline';

export interface Wait {
  /** Give up at this time (performance.now() milliseconds). */
  deadline?: number;
  /** Give up after this many milliseconds without a byte from the server. */
  idleMs?: number;
}

export class ClientConnection {
  leg: Leg | null = null;
  serverEnd: ServerEnd | null = null;
  /** Chunkscope ended its side (FIN, close_notify, RST). */
  ended = false;
  /** The socket is closed (both sides over). */
  closed = false;
  /** Chunkscope let go of the socket itself (an RST, or done): its close says nothing of the server. */
  private released = false;
  /** Final responses that arrived whole. */
  answered = 0;
  /** When the server last sent a byte, or the last wait began (performance.now()). */
  lastActivity = performance.now();
  private readonly waiters = new Set<() => void>();
  private readonly recording: ClientRecording;
  readonly analyzer: ConnectionAnalyzer;

  constructor(
    analysis: ConnectionAnalyzer | ClientRecording,
    private readonly clock: () => number,
    /** Told of the parser's events of each read of the server's (check follows framing with it). */
    private readonly onResponse?: (events: Http1Event[]) => void,
    /**
     * After Chunkscope ended its side, how the server answers is recorded (replay shows it);
     * `check` judges only what came before its own end, and passes false.
     */
    private readonly recordAnswer = true,
  ) {
    this.recording = analysis instanceof ConnectionAnalyzer ? analysisOnly(analysis) : analysis;
    this.analyzer = this.recording.analyzer;
  }

  /** The leg's handlers: what the server sends goes to the analysis; its end is recorded. */
  readonly handlers: LegHandlers = {
    data: (bytes) => {
      this.lastActivity = performance.now();
      const events = this.recording.data(1, bytes, this.clock());
      for (const e of events) {
        if (e.type !== 'message-complete') continue;
        const m = this.analyzer.messages('response').at(e.message);
        const status = m?.response?.status ?? 0;
        if (m?.requestIndex !== null && (status >= 200 || status === 101)) this.answered++;
      }
      this.onResponse?.(events);
      this.wake();
    },
    end: (how) => this.serverEnded(how, null),
    error: (kind, detail) => this.serverEnded(kind, detail),
    close: () => {
      this.closed = true;
      this.serverEnded('error', 'the connection closed without a FIN or an RST');
      this.wake();
    },
  };

  /** Our own end of the connection, host:port, when known (as a proxy records the client). */
  local: string | null = null;

  /** The connection is made: the analysis learns where to. */
  attached(leg: Leg, target: string, local: string | null = null): void {
    this.leg = leg;
    this.local = local;
    this.recording.event({ type: 'upstream', connection: this.analyzer.number, time: this.clock(), upstream: leg.address, target });
    this.lastActivity = performance.now();
  }

  /** The TLS session the connection made (the analysis reads the connection's ends with it). */
  recordTls(tls: TlsSide): void {
    this.recording.event({ type: 'tls', connection: this.analyzer.number, time: this.clock(), side: 'client', via: null, ...tls });
  }

  /** Send bytes (they are the analysis' request stream too); false when the socket is full. */
  send(bytes: Uint8Array): boolean {
    if (!this.leg || this.serverEnd || this.ended) return true;
    this.recording.data(0, bytes, this.clock());
    return this.leg.write(bytes);
  }

  /** Resolves when the socket took what was written (at once when it has), or the server ended. */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.waiters.delete(check);
        resolve();
      };
      // Nothing waiting to be written (any more): no drain event will come.
      const check = () => (this.serverEnd !== null || !this.leg || this.leg.writableLength === 0) && finish();
      this.waiters.add(check);
      this.leg?.onceDrain(finish);
      check();
    });
  }

  /** Wait until `ready()` holds, the server ends, the deadline passes, or it is silent for idleMs. */
  until(ready: () => boolean, wait: Wait = {}): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (outcome: WaitOutcome) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(check);
        resolve(outcome);
      };
      const check = () => {
        if (ready()) return done('ready');
        if (this.serverEnd) return done('ended');
        const now = performance.now();
        if (wait.deadline !== undefined && now >= wait.deadline) return done('deadline');
        if (wait.idleMs !== undefined && now - this.lastActivity >= wait.idleMs) return done('idle');
        // One timer, for whichever comes first; a byte re-arms it (wake calls check).
        const due = Math.min(wait.deadline ?? Infinity, wait.idleMs !== undefined ? this.lastActivity + wait.idleMs : Infinity);
        if (timer) clearTimeout(timer);
        timer = Number.isFinite(due) ? setTimeout(check, Math.max(1, due - now)) : null;
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Chunkscope ends its side: a FIN (after close_notify on TLS), or an RST. Recorded as the client's end. */
  end(how: PeerEnd | 'rst', detail: string | null = null): void {
    if (this.ended || this.serverEnd || !this.leg) return;
    this.ended = true;
    this.record({ side: 'client', kind: how, by: 'peer', detail });
    if (how === 'rst') {
      this.released = true;
      this.leg.resetAndDestroy();
    } else this.leg.end(how); // a half-close: the server's answer to it is still recorded
  }

  /** After ending: a moment (at most `ms`) for the FIN, or close_notify, to leave before the socket goes. */
  async letGo(ms = 50): Promise<void> {
    await this.until(() => this.closed, { deadline: performance.now() + ms });
  }

  /** The capture ended with the connection still open (it is let go now). */
  finish(): void {
    if (!this.serverEnd && !this.ended) this.record({ side: 'client', kind: 'open', by: 'peer', detail: null });
    this.released = true;
    this.leg?.destroy();
    this.recording.done();
  }

  private serverEnded(how: ServerEnd['how'], detail: string | null): void {
    if (this.serverEnd || this.released || (this.ended && !this.recordAnswer)) return;
    this.serverEnd = { how, detail, at: this.clock() };
    // As a reverse proxy would record it: the server's end, passed on to "the client" (the analysis' view of us).
    this.record({ side: 'upstream', kind: how, by: 'peer', detail });
    this.record({ side: 'client', kind: how, by: 'proxy', detail: null });
    this.wake();
  }

  private record(close: Omit<Extract<CaptureEvent, { type: 'close' }>, 'type' | 'connection' | 'time'>): void {
    this.recording.event({ type: 'close', connection: this.analyzer.number, time: this.clock(), ...close });
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}
