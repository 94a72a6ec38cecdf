// Appends records to a capture file in large writes, at least once a second, so that
// after kill -9 at most the last second is lost. Bytes are queued by reference, never
// copied; when the disk falls behind, `busy` tells the relay to stop reading.

import { closeSync, openSync, writeSync, writev } from 'node:fs';
import { HEADER_LENGTH, encodeDataHeader, encodeEvent, fileHeader, type CaptureEvent, type StreamId } from './format';

export interface CaptureSink {
  event(event: CaptureEvent): void;
  /** Queue a data record; returns the file position its bytes will have. */
  data(connection: number, stream: StreamId, generated: boolean, time: number, bytes: Uint8Array): number;
  /** True while the queue is over its high-water mark: readers should pause. */
  readonly busy: boolean;
  /** Called once, when the queue next drains below the mark. */
  onDrain(listener: () => void): void;
}

const FLUSH_BYTES = 4 * 1024 * 1024;
const FLUSH_MS = 250;
const HIGH_WATER = 16 * 1024 * 1024;
const MAX_IOV = 1024;

export class CaptureWriter implements CaptureSink {
  private readonly fd: number;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private drainListeners: (() => void)[] = [];
  private wasBusy = false;
  private failed: Error | null = null;
  private closed = false;
  /** File position of the next byte queued. */
  private position = HEADER_LENGTH;
  private flushWaiters: (() => void)[] = [];

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w', 0o600);
    writeSync(this.fd, fileHeader());
  }

  get busy(): boolean {
    return this.queued + this.inFlight > HIGH_WATER;
  }

  get error(): Error | null {
    return this.failed;
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  event(event: CaptureEvent): void {
    this.push(encodeEvent(event));
  }

  data(connection: number, stream: StreamId, generated: boolean, time: number, bytes: Uint8Array): number {
    this.push(encodeDataHeader(connection, stream, generated, time, bytes.length));
    const at = this.position;
    this.push(bytes);
    return at;
  }

  /** Resolves once everything queued so far is in the file (readers may then read it). */
  flush(): Promise<void> {
    if (this.queue.length === 0 && !this.writing) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push(resolve);
      this.flushNow();
    });
  }

  private push(bytes: Uint8Array): void {
    if (this.closed) return;
    this.position += bytes.length;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (this.busy) this.wasBusy = true;
    if (this.queued >= FLUSH_BYTES) this.flushNow();
    else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing || this.queue.length === 0) return;
    if (this.failed) {
      // Nothing more can be written: do not keep readers waiting.
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const done of waiters) done();
      return;
    }
    const batch = this.queue.splice(0, MAX_IOV);
    let length = 0;
    for (const b of batch) length += b.length;
    this.queued -= length;
    this.inFlight = length;
    this.writing = true;
    this.writeAll(batch, (error) => {
      this.writing = false;
      this.inFlight = 0;
      if (error) this.failed = error;
      if (this.wasBusy && !this.busy) {
        this.wasBusy = false;
        const listeners = this.drainListeners;
        this.drainListeners = [];
        for (const listener of listeners) listener();
      }
      if (this.queue.length > 0) {
        if (this.queued >= FLUSH_BYTES || this.busy || this.flushWaiters.length > 0) this.flushNow();
        else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
      } else {
        const waiters = this.flushWaiters;
        this.flushWaiters = [];
        for (const done of waiters) done();
      }
    });
  }

  /** writev may write part of a batch: carry on from where it stopped. */
  private writeAll(batch: Uint8Array[], done: (error: Error | null) => void): void {
    writev(this.fd, batch, (error, written) => {
      if (error) return done(error);
      let rest = written;
      let i = 0;
      while (i < batch.length && rest >= batch[i]!.length) rest -= batch[i++]!.length;
      if (i === batch.length) return done(null);
      const remaining = batch.slice(i);
      remaining[0] = remaining[0]!.subarray(rest);
      this.writeAll(remaining, done);
    });
  }

  /** Write everything still queued, after any write in flight, and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.writing) await new Promise((resolve) => setImmediate(resolve));
    for (const bytes of this.queue) {
      let at = 0;
      while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
    }
    this.queue = [];
    this.queued = 0;
    closeSync(this.fd);
    for (const done of this.flushWaiters.splice(0)) done();
  }
}
