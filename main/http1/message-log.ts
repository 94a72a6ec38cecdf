// The messages of one direction by index, of which only those still of use are kept. A
// live connection can carry a million messages (pipelined requests, `100 Continue`s):
// one forgotten leaves nothing behind, not even a slot, so what the log holds is what it
// keeps, however many it has numbered. Indices stay those the parser's events name.

import type { MessageRecord } from '../../shared/ledger';

export class MessageLog implements Iterable<MessageRecord> {
  /** By index, in index order (messages are added in order and never re-added). */
  private readonly kept = new Map<number, MessageRecord>();
  private count = 0;
  /** No message before this one is kept. */
  private oldest = 0;
  /** The newest message, looked up by most events without a map lookup. */
  private newest: MessageRecord | undefined = undefined;

  /** Messages numbered so far, forgotten ones included. */
  get length(): number {
    return this.count;
  }

  /** Messages still kept. */
  get size(): number {
    return this.kept.size;
  }

  /** Message #index, or undefined if it was forgotten or has not begun. */
  at(index: number): MessageRecord | undefined {
    if (index === this.count - 1 && this.newest) return this.newest;
    return this.kept.get(index);
  }

  /** The next message (its index, the parser's, is the log's length). */
  add(message: MessageRecord): void {
    this.kept.set(message.index, message);
    this.count = message.index + 1;
    this.newest = message;
  }

  /** Forget message #index: it was shown and is of no more use. */
  forget(index: number): void {
    this.kept.delete(index);
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

  /** The kept messages, oldest first. */
  [Symbol.iterator](): IterableIterator<MessageRecord> {
    return this.kept.values();
  }
}
