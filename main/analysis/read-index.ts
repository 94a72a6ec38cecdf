// Where each read of a stream started and when it arrived: maps a byte offset to the
// time its byte arrived. One entry per read, so it stays small however big the reads;
// a live analysis drops the reads of the messages it let go.

export class ReadIndex {
  private offsets = new Float64Array(64);
  private times = new Float64Array(64);
  /** Reads kept (see dropBefore). */
  private count = 0;
  /** Reads forgotten, the oldest ones. */
  private dropped = 0;
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  get reads(): number {
    return this.dropped + this.count;
  }

  add(length: number, time: number): void {
    if (length === 0) return;
    if (this.count === this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.times = grow(this.times);
    }
    this.offsets[this.count] = this.total;
    this.times[this.count] = time;
    this.count++;
    this.total += length;
  }

  /**
   * Forget the reads wholly before `offset`: the times of bytes no message kept reads
   * (a live connection's analysis lets its shown messages go; see connection.ts release).
   * Offsets before it then read as the first read kept.
   */
  dropBefore(offset: number): void {
    const keepFrom = this.readOf(offset);
    // Moved once at least half of them go: a release per exchange costs nothing more.
    if (keepFrom < 64 || keepFrom * 2 < this.count) return;
    this.dropped += keepFrom;
    this.offsets.copyWithin(0, keepFrom, this.count);
    this.times.copyWithin(0, keepFrom, this.count);
    this.count -= keepFrom;
  }

  /** Arrival time of the byte at `offset` (the time of the read that carried it). */
  timeAt(offset: number): number {
    const i = this.readOf(offset);
    return i < 0 ? 0 : this.times[i]!;
  }

  /** The read that carried the byte at `offset`, as [offset, length, time]. */
  readAt(offset: number): [number, number, number] | null {
    const i = this.readOf(offset);
    if (i < 0) return null;
    const end = i + 1 < this.count ? this.offsets[i + 1]! : this.total;
    return [this.offsets[i]!, end - this.offsets[i]!, this.times[i]!];
  }

  private readOf(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Each read as [offset, length, time], in order. */
  *entries(): Generator<[number, number, number]> {
    for (let i = 0; i < this.count; i++) {
      const end = i + 1 < this.count ? this.offsets[i + 1]! : this.total;
      yield [this.offsets[i]!, end - this.offsets[i]!, this.times[i]!];
    }
  }
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
