// Appends records to a capture file in large writes, at least once a second, so that
// after kill -9 at most the last second is lost. Bytes are queued by reference, never
// copied; when the disk falls behind, `busy` tells the relay to stop reading.
//
// A write that fails (the disk is full, an I/O error, the file system turned read-only)
// stops the capture, never the relay: the file is cut back to the end of its last whole
// record, so it opens with every record before the failure; nothing more is queued or
// written; relays paused for the disk are let go; and the failure is told once, at once.

import { closeSync, ftruncateSync, writeSync, writev } from 'node:fs';
import { HEADER_LENGTH, encodeDataHeader, encodeEvent, fileHeader, type CaptureEvent, type StreamId } from './format';
import { openOutputFile } from './output-file';

export interface CaptureSink {
  event(event: CaptureEvent): void;
  /** Queue a data record; returns the file position its bytes will have. */
  data(connection: number, stream: StreamId, generated: boolean, time: number, bytes: Uint8Array): number;
  /** True while the queue is over its high-water mark: readers should pause. */
  readonly busy: boolean;
  /** Called once, when the queue next drains below the mark (or the capture stops). */
  onDrain(listener: () => void): void;
}

/** Why the capture stopped. */
export interface CaptureFailure {
  /** The system's error code (ENOSPC, EIO, EROFS, EACCES...), when it gave one. */
  code: string | null;
  /** Bytes the file keeps: every whole record written before the failure. */
  bytes: number;
  /** In words: "capture stopped: the disk is full at F after N bytes; traffic is still relayed". */
  message: string;
}

/** Appends buffers at the file's end; `written` may be less than asked (then it is called again). */
export type AppendBuffers = (fd: number, buffers: Uint8Array[], done: (error: NodeJS.ErrnoException | null, written: number) => void) => void;

export interface CaptureWriterOptions {
  /** Replace an existing file that holds bytes (--force); without it such a file is refused. */
  replace?: boolean;
  /** How buffers reach the file: fs.writev, unless a test puts a disk that fails here. */
  append?: AppendBuffers;
}

const FLUSH_BYTES = 4 * 1024 * 1024;
const FLUSH_MS = 250;
const HIGH_WATER = 16 * 1024 * 1024;
/** Buffers one write takes. A full write's worth queued is written at once, not at the next tick of the timer. */
const MAX_IOV = 1024;
/**
 * Buffers queued past which the relay pauses, however few their bytes: each costs memory
 * of its own, and a flood of tiny records (a million pipelined GETs) once queued millions.
 */
const HIGH_WATER_BUFFERS = 64 * 1024;

const appendWithWritev: AppendBuffers = (fd, buffers, done) => writev(fd, buffers, (error, written) => done(error, written));

export class CaptureWriter implements CaptureSink {
  private readonly fd: number;
  private readonly append: AppendBuffers;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private drainListeners: (() => void)[] = [];
  private failureListeners: ((failure: CaptureFailure) => void)[] = [];
  private wasBusy = false;
  private failed: CaptureFailure | null = null;
  private closed = false;
  /** File position of the next byte queued. */
  private position = HEADER_LENGTH;
  /** Bytes in the file so far. */
  private written = HEADER_LENGTH;
  /** Where each queued record ends, oldest first (from `endsHead`): the file is cut back to one. */
  private ends: number[] = [];
  private endsHead = 0;
  /** End of the last record wholly in the file. */
  private kept = HEADER_LENGTH;
  private flushWaiters: (() => void)[] = [];

  /** Throws FileExistsError for an existing capture unless `options.replace`. */
  constructor(
    readonly path: string,
    options: CaptureWriterOptions = {},
  ) {
    this.append = options.append ?? appendWithWritev;
    this.fd = openOutputFile(path, { replace: options.replace === true });
    try {
      writeSync(this.fd, fileHeader());
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
  }

  get busy(): boolean {
    return this.queued + this.inFlight > HIGH_WATER || this.queue.length > HIGH_WATER_BUFFERS;
  }

  /** Why the capture stopped, or null while it is written. */
  get failure(): CaptureFailure | null {
    return this.failed;
  }

  onDrain(listener: () => void): void {
    if (this.failed) return listener();
    this.drainListeners.push(listener);
  }

  /** Called once if a write fails (at once if one already has). */
  onFailure(listener: (failure: CaptureFailure) => void): void {
    if (this.failed) return listener(this.failed);
    this.failureListeners.push(listener);
  }

  event(event: CaptureEvent): void {
    this.push(encodeEvent(event), true);
  }

  data(connection: number, stream: StreamId, generated: boolean, time: number, bytes: Uint8Array): number {
    this.push(encodeDataHeader(connection, stream, generated, time, bytes.length), false);
    const at = this.position;
    this.push(bytes, true);
    return at;
  }

  /** Resolves once everything queued so far is in the file (readers may then read it), or the capture stopped. */
  flush(): Promise<void> {
    if (this.queue.length === 0 && !this.writing) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push(resolve);
      this.flushNow();
    });
  }

  private push(bytes: Uint8Array, endsRecord: boolean): void {
    // After a failure nothing is kept: memory stays flat while the relay goes on.
    if (this.closed || this.failed) return;
    this.position += bytes.length;
    if (endsRecord) this.ends.push(this.position);
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (this.busy) this.wasBusy = true;
    if (this.queued >= FLUSH_BYTES || this.queue.length >= MAX_IOV) this.flushNow();
    else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_IOV);
    let length = 0;
    for (const b of batch) length += b.length;
    this.queued -= length;
    this.inFlight = length;
    this.writing = true;
    this.writeAll(batch, (error) => {
      this.writing = false;
      this.inFlight = 0;
      if (error) return this.fail(error);
      if (this.wasBusy && !this.busy) {
        this.wasBusy = false;
        for (const listener of this.drainListeners.splice(0)) listener();
      }
      if (this.queue.length > 0) {
        if (this.queued >= FLUSH_BYTES || this.queue.length >= MAX_IOV || this.busy || this.flushWaiters.length > 0) this.flushNow();
        else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
      } else {
        for (const done of this.flushWaiters.splice(0)) done();
      }
    });
  }

  /** writev may write part of a batch: carry on from where it stopped. */
  private writeAll(batch: Uint8Array[], done: (error: NodeJS.ErrnoException | null) => void): void {
    this.append(this.fd, batch, (error, written) => {
      if (error) return done(error);
      this.wrote(written);
      let rest = written;
      let i = 0;
      while (i < batch.length && rest >= batch[i]!.length) rest -= batch[i++]!.length;
      if (i === batch.length) return done(null);
      const remaining = batch.slice(i);
      remaining[0] = remaining[0]!.subarray(rest);
      this.writeAll(remaining, done);
    });
  }

  /** `n` more bytes are in the file: note the last record they complete. */
  private wrote(n: number): void {
    this.written += n;
    while (this.endsHead < this.ends.length && this.ends[this.endsHead]! <= this.written) this.kept = this.ends[this.endsHead++]!;
    if (this.endsHead > 4096 && this.endsHead * 2 > this.ends.length) {
      this.ends = this.ends.slice(this.endsHead);
      this.endsHead = 0;
    }
  }

  private fail(error: NodeJS.ErrnoException): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      // A record half written stays out of the file: it ends on a whole one. (Should the
      // cut fail too, the half record is at the very end, where readers skip it anyway.)
      if (this.written > this.kept) ftruncateSync(this.fd, this.kept);
    } catch {
      // see above
    }
    this.queue = [];
    this.queued = 0;
    this.ends = [];
    this.endsHead = 0;
    this.failed = { code: error.code ?? null, bytes: this.kept, message: failureMessage(error, this.path, this.kept) };
    for (const listener of this.drainListeners.splice(0)) listener();
    for (const listener of this.failureListeners.splice(0)) listener(this.failed);
    for (const done of this.flushWaiters.splice(0)) done();
  }

  /** Write everything still queued, after any write in flight, and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    closeSync(this.fd);
  }
}

const REASONS: Record<string, (path: string) => string> = {
  ENOSPC: (path) => `the disk is full at ${path}`,
  EDQUOT: (path) => `the disk quota is used up at ${path}`,
  EIO: (path) => `the disk reported an I/O error (EIO) writing ${path}`,
  EROFS: (path) => `the file system of ${path} became read-only (EROFS)`,
  EACCES: (path) => `writing ${path} is no longer permitted (EACCES)`,
  EPERM: (path) => `writing ${path} is no longer permitted (EPERM)`,
  EFBIG: (path) => `${path} reached the largest file size allowed (EFBIG)`,
};

function failureMessage(error: NodeJS.ErrnoException, path: string, bytes: number): string {
  const reason = REASONS[error.code ?? '']?.(path) ?? `writing ${path} failed (${error.message})`;
  return `capture stopped: ${reason} after ${bytes.toLocaleString('en-US')} bytes; traffic is still relayed`;
}
