// Buffers for reading from the origin (net.connect's `onread`). Reads start at 64 KiB,
// as Node's own, and double up to 1 MiB while they come back full: a big download then
// costs far fewer read and write calls. Each read gets a fresh region of a slab, so a
// read stays valid while the client's socket and the capture still hold it.
//
// Node asks for the next buffer right after each read, so every socket needs its own
// slab: a shared one would hand two sockets the same region.

const MIN_READ = 64 * 1024;
const MAX_READ = 1024 * 1024;
const SLAB = 4 * 1024 * 1024;

export class ReadBuffers {
  private slab: Buffer | null = null;
  private used = 0;
  private size = MIN_READ;

  /** The buffer for the next read. */
  next = (): Buffer => {
    if (!this.slab || this.slab.length - this.used < this.size) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB, this.size));
      this.used = 0;
    }
    return this.slab.subarray(this.used, this.used + this.size);
  };

  /** A read put `n` bytes at the start of the last buffer: they are the caller's now. */
  took(n: number): Buffer {
    const bytes = this.slab!.subarray(this.used, this.used + n);
    this.used += n;
    if (n === this.size && this.size < MAX_READ) this.size *= 2;
    else if (n < this.size / 8 && this.size > MIN_READ) this.size /= 2;
    return bytes;
  }
}
