// Buffers for reading from the origin (net.connect's `onread`), sized to need. Reads
// start at 64 KiB, as Node's own, and double up to 1 MiB while they come back full: a big
// download then costs far fewer read and write calls. A read that comes back short
// shrinks the next one to fit, so a connection that goes quiet waits with a small buffer.
//
// What a read returns stays valid while the client's socket and the capture still hold
// it: a read that filled at least half its buffer takes the buffer with it (the next read
// gets a new one); a shorter one is copied out (at most half a buffer), and the buffer is
// read into again. So no read keeps a larger block alive than twice its own size.
//
// Node asks for the next buffer right after each read, so every connection always holds
// one, even idle. All connections together get READ_BUDGET: with many at once, each reads
// in smaller pieces (200 downloads once held a 4 MiB slab each, 1.3 GB).

const MIN_READ = 64 * 1024;
const MAX_READ = 1024 * 1024;
/** The read buffers of all origin connections together, about. */
export const READ_BUDGET = 32 * 1024 * 1024;

/** Origin connections reading now (each holds a buffer for its next read). */
let readers = 0;

/** The largest read a connection gets while `readers` share the budget: a power of two. */
function largestRead(): number {
  const share = READ_BUDGET / Math.max(1, readers);
  let size = MIN_READ;
  while (size * 2 <= share && size < MAX_READ) size *= 2;
  return size;
}

/** The least power of two, at least MIN_READ, that holds `n` bytes. */
function fit(n: number): number {
  let size = MIN_READ;
  while (size < n) size *= 2;
  return size;
}

export class ReadBuffers {
  private buffer: Buffer | null = null;
  private size = MIN_READ;
  private released = false;

  constructor() {
    readers++;
  }

  /** The buffer for the next read. */
  next = (): Buffer => {
    this.buffer ??= Buffer.allocUnsafe(this.size);
    return this.buffer;
  };

  /** A read put `n` bytes at the start of the last buffer: they are the caller's now. */
  took(n: number): Buffer {
    const buffer = this.buffer!;
    let bytes: Buffer;
    if (n >= buffer.length / 2) {
      bytes = buffer.subarray(0, n);
      this.buffer = null;
    } else {
      bytes = Buffer.from(buffer.subarray(0, n));
    }
    if (n === buffer.length) this.size = Math.min(this.size * 2, largestRead());
    else if (n < buffer.length / 2) this.size = fit(n);
    this.size = Math.min(this.size, largestRead());
    if (this.buffer && this.buffer.length !== this.size) this.buffer = null;
    return bytes;
  }

  /** The connection closed: it reads no more, and leaves its share to the others. */
  release(): void {
    if (this.released) return;
    this.released = true;
    readers--;
    this.buffer = null;
  }

  /** Origin connections reading now (for tests). */
  static get readers(): number {
    return readers;
  }
}
