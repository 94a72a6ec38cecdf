// The Stream view of a body (issue 8): the feed items, server-sent events, JSON
// values or text lines a body carried, each tied to the chunks that carried it.
// Built by main/stream; types only, so the renderer can use them.
//
// Offsets are bytes of the *decoded* body (after Content-Encoding is removed),
// counted from its first byte. Times are seconds since the connection opened, the
// clock of ChunkTiming in ledger.ts.

/** How a body is cut into items. */
export type StreamKind = 'rss' | 'atom' | 'sse' | 'ndjson' | 'text';

/** The content codings the view can remove (x-gzip is reported as gzip). */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

export interface StreamDecoding {
  /** The codings removed, in the order they were removed: the reverse of the header's. */
  codings: ContentCoding[];
  /** A deflate body sent without its zlib wrapper, decoded as raw deflate as browsers do. */
  rawDeflate: boolean;
  encodedBytes: number;
  decodedBytes: number;
}

/** How the body ended, as the caller knows it from the framing. */
export interface BodyEnd {
  /** The body arrived whole (last chunk, Content-Length reached, or a close-delimited body's FIN). */
  complete: boolean;
  /** When not complete: why, in words ("no last chunk: the server reset the connection (RST)"). */
  reason: string | null;
}

export interface ItemError {
  message: string;
  /** Decoded-body offset of the byte where the problem was found. */
  offset: number;
}

interface ItemBase {
  /** Position among the body's items, from 0. */
  index: number;
  /**
   * Decoded-body range: the item's first byte, and one past its last. The range
   * includes what ended the item: a line's LF, an event's blank line, a feed
   * item's end tag.
   */
  start: number;
  end: number;
  /** Set when the body ended inside the item: why. */
  partial: string | null;
  /** Set when the item could not be parsed; such an item is shown raw. */
  error: ItemError | null;
  /** The item's text when it is partial or in error (the first 4,096 characters), else null. */
  raw: string | null;
}

/** An RSS 2.0 / RSS 1.0 (RDF) <item> or an Atom <entry>. */
export interface FeedItem extends ItemBase {
  kind: 'rss' | 'atom';
  title: string | null;
  /** RSS <link>, else a permalink <guid>; Atom <link href>, rel="alternate" (or no rel) preferred. */
  link: string | null;
  /** As sent: pubDate, dc:date, updated or published, in that order of preference. */
  date: string | null;
}

/** One block of a text/event-stream: the lines up to and including a blank line. */
export interface EventItem extends ItemBase {
  kind: 'sse';
  /** The id field of this block, if it had a valid one. */
  id: string | null;
  /** The last event ID a browser would give this event (it persists across events). */
  lastEventId: string;
  /** The event type ('message' when no event field). */
  event: string;
  /** The data fields joined with LF. */
  data: string;
  /** A valid retry field (digits only), in ms. */
  retry: number | null;
  /** Comment lines (after their ':'), in order. */
  comments: string[];
  /** Lines a browser ignores: unknown fields, a non-numeric retry, an id containing NUL. */
  ignored: string[];
  /** Whether a browser dispatches it: false for a block without data (comments, retry, id only) and for a partial block. */
  dispatched: boolean;
}

/** One line of newline-delimited JSON / JSON Lines / JSON text sequences. */
export interface JsonItem extends ItemBase {
  kind: 'ndjson';
  /** The parsed value; absent when the line is in error or partial. */
  value?: unknown;
}

/** One line of a text body. */
export interface LineItem extends ItemBase {
  kind: 'text';
  /** The line without its line ending (the first 4,096 characters). */
  text: string;
  truncated: boolean;
}

export type StreamItem = FeedItem | EventItem | JsonItem | LineItem;

/** How an item travelled: the chunks (or network reads) that carried it, and when. */
export interface Carriage {
  /** Bytes of the decoded body: end - start. */
  size: number;
  /** The first and last chunk that carried its bytes, numbered as in the ledger (from 0); null for a body that is not chunked. */
  firstChunk: number | null;
  lastChunk: number | null;
  /** "chunk #3" or "chunks #3-#4", numbered from 1 as the Chunks tab shows them; null when not chunked. */
  chunks: string | null;
  /** When the item's last byte arrived (the piece that completed it). */
  arrived: number | null;
  /** Seconds since the previous item's last byte arrived (null for the first item). */
  gap: number | null;
}

export type CarriedItem = StreamItem & Carriage;

export interface StreamError {
  /** 'decoding': removing the Content-Encoding; 'parsing': the feed XML outside any item. */
  stage: 'decoding' | 'parsing';
  message: string;
  /**
   * Where: for a decoding error, the offset in the *encoded* body of the start of
   * the piece in which the decoder failed (it does not say which byte); for a
   * parsing error, the decoded-body offset. Null when unknown.
   */
  offset: number | null;
  /** The chunk that carried that byte (ledger numbering, from 0), when known. */
  chunk: number | null;
  /** Nothing after it was interpreted: the rest of the body is one raw item (or, for decoding, no more items). */
  fatal: boolean;
}

export interface StreamReport {
  /** Null when the body is not of a streaming type the view knows (an image, a zip...). */
  kind: StreamKind | null;
  /** Why there is no view, or what limits it, in words ("Content-Encoding zstd is not supported"); else null. */
  note: string | null;
  decoding: StreamDecoding | null;
  /** All items so far (from StreamView.report) or only the new ones (from push / end). */
  items: CarriedItem[];
  errors: StreamError[];
  /** Whether the body has ended (end() was called). */
  ended: boolean;
}
