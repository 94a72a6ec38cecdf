// What a search found, kept small enough to send whatever the capture holds: every
// exchange with a match gets its first match listed (so every matching row can be
// marked), then matches are listed up to a budget per exchange and per search; beyond,
// they are counted, up to a limit per exchange, and the update says so.

import type { SearchMatch } from '../../shared/search';
import { groupDigits, plural } from '../../shared/words';

/** Matches listed per search, besides the first of each exchange. */
export const MAX_LISTED = 10_000;
/** Matches listed per exchange when the search covers many exchanges. */
export const LISTED_PER_EXCHANGE = 100;
/** Matches counted per exchange: past it the exchange's parts are no longer searched. */
export const COUNTED_PER_EXCHANGE = 1000;
/** Notes kept (a body that could not be decoded…). */
const MAX_NOTES = 100;

export class SearchResults {
  private pending: SearchMatch[] = [];
  private readonly perExchange = new Map<string, number>();
  private listed = 0;
  private unlisted = 0;
  private capped = 0;
  matchCount = 0;
  readonly notes: string[] = [];
  private notesOmitted = 0;

  /** @param oneExchange the search covers one exchange: it may list up to COUNTED_PER_EXCHANGE of its matches. */
  constructor(private readonly oneExchange = false) {}

  get exchanges(): number {
    return this.perExchange.size;
  }

  /** A match found; false once its exchange has as many as are counted (stop searching it). */
  add(match: SearchMatch): boolean {
    const count = this.perExchange.get(match.id) ?? 0;
    if (count >= COUNTED_PER_EXCHANGE) return false;
    this.perExchange.set(match.id, count + 1);
    this.matchCount++;
    const perExchange = this.oneExchange ? COUNTED_PER_EXCHANGE : LISTED_PER_EXCHANGE;
    if (count === 0 || (count < perExchange && this.listed < MAX_LISTED)) {
      this.pending.push(match);
      this.listed++;
    } else this.unlisted++;
    if (count + 1 === COUNTED_PER_EXCHANGE) {
      this.capped++;
      return false;
    }
    return true;
  }

  /** Whether an exchange has reached the count limit (its parts need not be searched). */
  full(id: string): boolean {
    return (this.perExchange.get(id) ?? 0) >= COUNTED_PER_EXCHANGE;
  }

  note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
    else this.notesOmitted++;
  }

  /** Matches found and not taken yet. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Matches found since the last call. */
  take(): SearchMatch[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Why not every match is listed or counted, in words; null when every one is. */
  limited(): string | null {
    const parts: string[] = [];
    if (this.unlisted > 0) {
      const perExchange = this.oneExchange ? COUNTED_PER_EXCHANGE : LISTED_PER_EXCHANGE;
      parts.push(`${groupDigits(this.listed)} of ${plural(this.matchCount, 'match', 'matches')} are listed: the first of every exchange, then up to ${groupDigits(perExchange)} per exchange and ${groupDigits(MAX_LISTED)} in all`);
    }
    if (this.capped > 0) parts.push(`${plural(this.capped, 'exchange')} reached ${groupDigits(COUNTED_PER_EXCHANGE)} matches, and the rest of ${this.capped === 1 ? 'it was' : 'them were'} not searched`);
    if (this.notesOmitted > 0) parts.push(`${plural(this.notesOmitted, 'more note')} not shown`);
    return parts.length > 0 ? `${parts.join('; ')}.` : null;
  }
}
