// Breakpoints: a message held at the proxy, stepped through by the user one part at a
// time (the head, each chunk, the last chunk and its trailers, or a whole body). They are
// rules of their own kind (shared/rules.ts: `break-response[:N]`, `break-request[:N]`),
// matched like every rule; the held messages and the steps are the API's (shared/api.ts).
// main/rules/held.ts decides what each step sends; this is what the UI sees and asks.

import type { Direction } from './anomalies';
import { plural } from './words';

/** What goes to the receiver next: the head, chunk #`chunk` (0-based), the last chunk and trailers, a body that is not chunked, or bytes after a framing error. */
export type HeldPart = 'head' | 'chunk' | 'last-chunk' | 'body' | 'rest';

/** A message held at a breakpoint, as the UI shows it. */
export interface HeldMessage {
  /** The exchange (shared/exchange-id.ts), and which of its messages is held. */
  id: string;
  direction: Direction;
  /** The breakpoint rule that held it, as written. */
  rule: string;
  /**
   * held: nothing goes on until a step (or the timeout); stalled: the same, with the
   * timeout off or set by the user; releasing: the next part goes on as it arrives, then
   * it is held again.
   */
  state: 'held' | 'stalled' | 'releasing';
  /** What goes next, and its chunk's index (0-based): chunks delivered so far. */
  before: HeldPart;
  chunk: number;
  /** Where it stands, in words: "before chunk #3". */
  where: string;
  /** The head as it will be sent (the sender's, or as edited: lines without their CRLF), while it is held and whole. */
  head: string | null;
  /** What the sender has sent so far of the next part (null: nothing yet). */
  next: NextPart | null;
  /** Edits waiting to go with the next step. */
  edited: { head: boolean; sizeLine: string | null; dataLength: number | null } | null;
  /** Everything queued from the sender behind the hold: bytes, and whole chunks after the next part. */
  queuedBytes: number;
  queuedChunks: number;
  /** The sender (the server for a response, the client for a request) ended its side meanwhile, in words; its end goes on after what is queued. */
  senderEnded: string | null;
  /** The receiver (the client for a response, the server for a request) ended its side meanwhile, in words: it may still read (a half-close), or be gone. */
  receiverEnded: string | null;
  /** When the timeout releases the rest (ms since the epoch); null while releasing, or stalled without a time. */
  releaseAt: number | null;
  /** Since when it has stood still (ms since the epoch): its hold, or the user's last step; null while releasing. */
  heldSince: number | null;
}

export interface NextPart {
  part: HeldPart;
  /** Chunks: the size line as sent, without its line ending (the size token, then extensions). */
  sizeLine: string | null;
  sizeToken: string | null;
  /** The size the line declares (chunks), or the Content-Length (a body). */
  size: number | null;
  /** Bytes of its data that arrived so far. */
  queued: number;
  /** It arrived whole. */
  complete: boolean;
  /** Chunks that step with it: they came too many at once (more than 4,096 parts queued) to be held one by one. */
  joined?: number;
}

/** A held message the timeout released: said once, in the update that takes it off the list. */
export interface HeldTimedOut {
  id: string;
  direction: Direction;
  rule: string;
  /** What happened, in words (the rule event's effect): "released the rest (…) as the server sends it: nobody stepped it for 5 min 0 s". */
  effect: string;
}

/** One step, by the user (the API's `step`, with the held message's `id` and `direction`). */
export type StepAction =
  /** Release the next part (the head, one chunk…), as sent or as edited; if it has not arrived, it goes on as it does. */
  | { action: 'next' }
  /** Release everything, as the sender sends it: the breakpoint lets go. */
  | { action: 'rest' }
  /**
   * Edit what goes next: the head (its lines, `\n` or CRLF between them, no empty line),
   * or the next chunk's size line (no line ending) and data (base64). Data without a size
   * line gets a size line that says its length. Sent with the next step.
   */
  | { action: 'edit'; head?: string; sizeLine?: string; data?: string }
  /** Send the chunks as they come, withhold the zero-length last chunk and trailers, then end with a FIN. */
  | { action: 'drop-last-chunk' }
  /** Keep holding: no timeout (until the next step or the connection ends), or release the rest after `seconds`. */
  | { action: 'stall'; seconds?: number }
  /** End the connection now, to the receiver: a FIN, or an RST (to both sides). */
  | { action: 'end'; how: 'fin' | 'rst' };

export type StepArgs = { id: string; direction: Direction } & StepAction;

/** What arrived so far of the next part, for an editor (the API's `heldData`). */
export interface HeldData {
  /** null: nothing of it arrived yet. */
  part: HeldPart | null;
  /** A chunk's size line as sent, without its line ending. */
  sizeLine: string | null;
  /** Its data (the head's bytes for the head), base64: the first HELD_DATA_LIMIT bytes. */
  data: string;
  /** Bytes of it that arrived (more than `data` holds when over the limit). */
  queued: number;
  /** It arrived whole. */
  complete: boolean;
}

/** The most of a held part's data `heldData` returns, and an edit may send (the bridge carries 1 MiB a message). */
export const HELD_DATA_LIMIT = 512 * 1024;

/** The timeout's default: a held message nobody steps for this long is released. */
export const DEFAULT_RELEASE_AFTER_SECONDS = 300;
/** The longest timeout, and the longest stall with a time: a day (a timer past 2^31 ms would fire at once). */
export const MAX_HOLD_SECONDS = 24 * 3600;

/** "the head", "chunk #3", "the last chunk", "the body", "the rest". */
export function partName(part: HeldPart, chunk: number): string {
  switch (part) {
    case 'head':
      return 'the head';
    case 'chunk':
      return `chunk #${chunk + 1}`;
    case 'last-chunk':
      return 'the last chunk';
    case 'body':
      return 'the body';
    case 'rest':
      return 'the bytes after the framing error';
  }
}

/** "before chunk #3 (2 chunks delivered)", "before the head". */
export function heldWhere(part: HeldPart, chunk: number): string {
  const delivered = part === 'head' || part === 'body' ? '' : ` (${plural(chunk, 'chunk')} delivered)`;
  return `before ${partName(part, chunk)}${delivered}`;
}
