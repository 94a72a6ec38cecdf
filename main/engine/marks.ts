// A session's marks: the exchanges a person pinned or commented. They are written as
// `mark` events (capture/FORMAT.md), the last of an exchange holding: the live session's
// into its capture as they are made, a file's when it is saved (never into the file the
// user opened, until they save over it). What the session shows is the last of each.

import type { ExchangeMark } from '../../shared/api';
import { exchangeId, type ExchangeRef } from '../../shared/exchange-id';
import { encodeEvent, type MarkEvent } from '../capture/format';
import type { CaptureWriter } from '../capture/writer';

/** The longest comment the API takes (a capture may hold longer ones: FORMAT.md). */
export const MAX_COMMENT = 10_000;

export class SessionMarks {
  /** The mark of each exchange that has one, by exchange id. */
  private readonly current = new Map<string, ExchangeMark>();
  /** Marks made since the session's own file was written: they go after its records when it is saved. */
  private pending: MarkEvent[] = [];
  /** Exchanges whose mark changed since the last save. */
  private readonly changed = new Set<string>();

  /** A mark read from the session's own file (not a change: it is there already). */
  read(event: MarkEvent): string {
    return this.keep(event);
  }

  /**
   * A person marked an exchange: written at once into a live capture (`writer`), kept to
   * be written at the next save otherwise. The exchange's id.
   */
  set(ref: ExchangeRef, mark: ExchangeMark, time: number, writer: CaptureWriter | null): string {
    const event: MarkEvent = { type: 'mark', connection: ref.connection, time, exchange: ref.index, pinned: mark.pinned, comment: mark.comment };
    if (writer) writer.event(event);
    else this.pending.push(event);
    const id = this.keep(event);
    this.changed.add(id);
    return id;
  }

  get(id: string): ExchangeMark | null {
    return this.current.get(id) ?? null;
  }

  /** Every exchange's mark, for the worker (HAR, an export of selected exchanges). */
  all(): [string, ExchangeMark][] {
    return [...this.current];
  }

  /** Exchanges whose mark changed since the last save. */
  get unsaved(): number {
    return this.changed.size;
  }

  /** The marks not in the session's own file yet, as records to write after it. */
  tail(): Buffer {
    return Buffer.concat(this.pending.map((event) => encodeEvent(event)));
  }

  /** A copy was saved with every mark made so far; `intoOwnFile`: appended to the session's own file. */
  saved(intoOwnFile = false): void {
    this.changed.clear();
    if (intoOwnFile) this.pending = [];
  }

  private keep(event: MarkEvent): string {
    const id = exchangeId(event.connection, event.exchange);
    // An unpinned mark without a comment takes the mark away (FORMAT.md).
    if (event.pinned || event.comment !== '') this.current.set(id, { pinned: event.pinned, comment: event.comment });
    else this.current.delete(id);
    return id;
  }
}
