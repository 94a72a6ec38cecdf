// The messages of one direction by index, of which only those still of use are kept. A
// live connection can carry a million messages (pipelined requests, `100 Continue`s):
// one forgotten leaves nothing behind, not even a slot, so what the log holds is what it
// keeps, however many it has numbered; and the requests that wait for their responses by
// the thousand can be packed (packed-tail.ts). Indices stay those the parser's events name.

import type { MessageRecord } from '../../shared/ledger';
import { PackedTail } from './packed-tail';

export class MessageLog implements Iterable<MessageRecord> {
  /** By index, in index order (messages are added in order and never re-added), up to the tail. */
  private readonly kept = new Map<number, MessageRecord>();
  /** From the first message packed on, every message, for good (see pack). */
  private tail: PackedTail | null = null;
  private count = 0;
  /** No message before this one is kept. */
  private oldest = 0;
  /** The newest message, looked up by most events without a map lookup. */
  private newest: MessageRecord | undefined = undefined;

  /** Messages numbered so far, forgotten ones included. */
  get length(): number {
    return this.count;
  }

  /** Messages still kept, packed or not. */
  get size(): number {
    return this.kept.size + (this.tail?.size ?? 0);
  }

  /** Requests kept packed now. */
  get packed(): number {
    return this.tail?.packed ?? 0;
  }

  /** Message #index, or undefined if it was forgotten or has not begun. */
  at(index: number): MessageRecord | undefined {
    if (index === this.count - 1 && this.newest) return this.newest;
    if (this.tail && index >= this.tail.firstIndex) return this.tail.at(index);
    return this.kept.get(index);
  }

  /** The next message (its index, the parser's, is the log's length). */
  add(message: MessageRecord): void {
    if (this.tail) this.tail.add(message);
    else this.kept.set(message.index, message);
    this.count = message.index + 1;
    this.newest = message;
  }

  /**
   * Pack request #index, complete (packed-tail.ts); false if it is not plain enough to
   * pack, or came before the tail: the first call begins the tail with the next message.
   */
  pack(index: number): boolean {
    if (!this.tail) {
      this.tail = new PackedTail(this.count);
      return false;
    }
    if (!this.tail.pack(index)) return false;
    if (index === this.count - 1) this.newest = undefined;
    return true;
  }

  /** Forget message #index: it was shown and is of no more use. */
  forget(index: number): void {
    if (this.tail && index >= this.tail.firstIndex) this.tail.forget(index);
    else this.kept.delete(index);
    if (index === this.count - 1) this.newest = undefined;
  }

  /** The oldest message still kept. */
  first(): MessageRecord | undefined {
    // Messages are forgotten for good: the search goes on from where the last one ended.
    for (; this.oldest < this.count; this.oldest++) {
      const m = this.at(this.oldest);
      if (m) return m;
    }
    return undefined;
  }

  some(test: (m: MessageRecord) => boolean): boolean {
    for (const m of this) if (test(m)) return true;
    return false;
  }

  /** The kept messages, oldest first (packed ones unpacked). */
  *[Symbol.iterator](): Generator<MessageRecord> {
    yield* this.kept.values();
    if (this.tail) yield* this.tail.records();
  }
}
