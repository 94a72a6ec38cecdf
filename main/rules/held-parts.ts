// A held message as its sender sent it, in parts (held.ts steps them): the head, each
// chunk (size line, data, CRLF), the last chunk and trailers, a body that is not chunked,
// bytes past a framing error. Each part sends the sender's bytes as they came, or the
// user's edit in their place: an edit replaces a part's line (the head, a size line) and
// its data, and what it replaces leaves the queue unsent.

import type { Framing, SpanEvent } from '../../shared/http1';
import { partName, type HeldPart, type NextPart } from '../../shared/breakpoints';
import { byteCount, plural } from '../../shared/words';
import { totalLength } from './ops';

/** A step that cannot be taken now, with why in words. */
export class StepRefused extends Error {}

export interface Edit {
  /** The head, or a size line, with its line ending(s). */
  line: Uint8Array | null;
  /** A chunk's data: sent with a CRLF after it. */
  data: Uint8Array | null;
  /** An edited head's lines (for the list and the rule event). */
  lines: string[] | null;
}

export interface Part {
  part: HeldPart;
  /** A chunk's index; for the others, the chunks before them. */
  chunk: number;
  /** Bytes not yet sent or dropped, in order: the line (the head, a size line), the data, the rest (CRLF, trailers). */
  line: Uint8Array[];
  data: Uint8Array[];
  tail: Uint8Array[];
  /** Data bytes that arrived in all (sent or not). */
  dataLength: number;
  /** The head's lines as sent, without line endings. */
  lines: string[];
  sizeToken: string | null;
  extensions: string;
  size: number | null;
  complete: boolean;
  /** Released by a step before its turn came (the part before it still goes on). */
  released: boolean;
  /** Going to the receiver: its bytes go as they arrive. */
  flowing: boolean;
  edit: Edit | null;
  lineSent: boolean;
  dataSent: boolean;
  /** Chunks joined after it (past MAX_HELD_PARTS): their bytes are in `tail`, and they step with it. */
  joined: number;
}

export function newPart(part: HeldPart, chunk: number): Part {
  return { part, chunk, line: [], data: [], tail: [], dataLength: 0, lines: [], sizeToken: null, extensions: '', size: null, complete: false, released: false, flowing: false, edit: null, lineSent: false, dataSent: false, joined: 0 };
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * What a flowing part sends now: its queued bytes (an edit in place of what it replaces),
 * and how many of the sender's bytes leave the queue (sent or dropped).
 */
export function sendable(p: Part): { sent: Uint8Array[]; taken: number } {
  const sent: Uint8Array[] = [];
  let taken = 0;
  const take = (pieces: Uint8Array[], send: boolean) => {
    for (const piece of pieces) {
      taken += piece.length;
      if (send && piece.length > 0) sent.push(piece);
    }
    pieces.length = 0;
  };
  const edit = p.edit;
  if (edit?.line && !p.lineSent) sent.push(edit.line);
  p.lineSent = true;
  take(p.line, !edit?.line);
  if (edit?.data) {
    if (!p.dataSent) sent.push(edit.data, CRLF);
    p.dataSent = true;
    take(p.data, false);
    take(p.tail, false);
  } else {
    take(p.data, true);
    take(p.tail, true);
  }
  return { sent, taken };
}

/** The parts of one message, queued as they arrive, in order. */
export class MessageParts {
  readonly parts: Part[] = [];
  /** Bytes of the sender's still queued (not sent, not dropped). */
  queued = 0;
  chunked: boolean | null = null;
  /** Chunks that arrived (the index of the next one). */
  chunksSeen = 0;
  private headSeen = false;
  private bodySize: number | null = null;
  private bodiless = false;

  /** How its body is framed: chunked, or a body of `contentLength` bytes (or none). */
  framing(framing: Framing, contentLength: number | null): void {
    this.chunked = framing === 'chunked';
    this.bodySize = contentLength;
    this.bodiless = framing === 'none' || (framing === 'content-length' && contentLength === 0);
  }

  /** A span of the message as the parser read it. */
  span(e: SpanEvent, pieces: Uint8Array[]): void {
    const length = totalLength(pieces);
    let p = this.parts.at(-1);
    const start = (part: HeldPart) => {
      if (p) p.complete = true;
      p = newPart(part, this.chunksSeen);
      this.parts.push(p);
      return p;
    };
    const rest = () => (p && !p.complete && p.part === 'rest' ? p : start('rest'));
    switch (e.type) {
      case 'start-line':
      case 'header':
      case 'head-end': {
        const head = this.headSeen ? p! : start('head');
        this.headSeen = true;
        head.line.push(...pieces);
        if (e.type === 'head-end') head.complete = true;
        else head.lines.push(Buffer.concat(pieces).toString('latin1').replace(/\r?\n$/, ''));
        break;
      }
      case 'chunk-size':
      case 'last-chunk': {
        if (e.type === 'chunk-size' && p && this.joinable(p)) {
          // Too many parts queued (tiny chunks, many in one read): each would cost far more than its bytes.
          this.chunksSeen++;
          p.joined++;
          p.complete = false;
          append(p.tail, pieces);
          break;
        }
        const q = start(e.type === 'chunk-size' ? 'chunk' : 'last-chunk');
        if (e.type === 'chunk-size') this.chunksSeen++;
        q.size = e.type === 'chunk-size' ? e.size : 0;
        q.sizeToken = e.sizeToken;
        q.extensions = e.extensions;
        q.line.push(...pieces);
        break;
      }
      case 'chunk-data':
      case 'body-data': {
        const q = p && !p.complete && (p.part === 'chunk' || p.part === 'body') ? p : e.type === 'body-data' ? start('body') : rest();
        if (q.part === 'body') q.size = this.bodySize;
        if (q.joined > 0) {
          append(q.tail, pieces);
          break;
        }
        q.data.push(...pieces);
        q.dataLength += length;
        break;
      }
      default: {
        const ending = e.type === 'chunk-crlf' || e.type === 'trailers-end';
        if (p && !p.complete && (ending || (e.type === 'trailer' && p.part === 'last-chunk'))) {
          append(p.tail, pieces);
          p.complete = ending;
          break;
        }
        // Bytes the parser could not frame (or not where the framing puts them): a part of their own, stepped as one.
        const q = rest();
        q.data.push(...pieces);
        q.dataLength += length;
      }
    }
    this.queued += length;
  }

  /** A chunk queued whole, not yet going on nor edited, when the queue holds as many parts as it may: the next chunks join it. */
  private joinable(p: Part): boolean {
    return this.parts.length >= MAX_HELD_PARTS && p.part === 'chunk' && p.complete && !p.released && !p.flowing && !p.edit;
  }

  /** Nothing more comes: every part is as whole as it will be. */
  end(): void {
    for (const p of this.parts) p.complete = true;
  }

  /** The part the next step releases: the first one not yet going on, nor released. */
  next(): Part | null {
    return this.parts.find((p) => !p.flowing && !p.released) ?? null;
  }

  /** The part expected when none is queued (null: none is coming, the message has no body). */
  expected(): { part: HeldPart; chunk: number } | null {
    if (!this.headSeen) return { part: 'head', chunk: 0 };
    if (this.bodiless && !this.chunked) return null;
    return { part: this.chunked === false ? 'body' : 'chunk', chunk: this.chunksSeen };
  }

  /** What goes next: the part queued, or the one expected. */
  upcoming(): { part: HeldPart; chunk: number } {
    return this.next() ?? this.expected() ?? { part: 'rest', chunk: this.chunksSeen };
  }

  /** What arrived so far of the next part, for an editor. */
  peek(): { part: HeldPart | null; sizeLine: string | null; data: Uint8Array; complete: boolean } {
    const next = this.next();
    if (!next) return { part: null, sizeLine: null, data: new Uint8Array(), complete: false };
    return { part: next.part, sizeLine: next.sizeToken === null ? null : next.sizeToken + next.extensions, data: Buffer.concat(next.part === 'head' ? next.line : next.data), complete: next.complete };
  }

  /** Whole chunks queued after the next part. */
  wholeChunksAfter(next: Part | null): number {
    return this.parts.filter((p) => p !== next && !p.flowing && !p.released && p.part === 'chunk' && p.complete && p.dataLength === p.size).length;
  }

  /** Let go of everything queued (the connection ends now). */
  drop(): void {
    this.parts.length = 0;
    this.queued = 0;
  }
}

export function nextView(p: Part): NextPart {
  const view: NextPart = { part: p.part, sizeLine: p.sizeToken === null ? null : p.sizeToken + p.extensions, sizeToken: p.sizeToken, size: p.size, queued: p.part === 'head' ? totalLength(p.line) : p.dataLength, complete: p.complete };
  return p.joined > 0 ? { ...view, joined: p.joined } : view;
}

/** Pieces added in order; a piece that continues the last one in the same buffer extends it (one view per read, not one per span). */
function append(target: Uint8Array[], pieces: Uint8Array[]): void {
  for (const piece of pieces) {
    const last = target.at(-1);
    if (last && last.buffer === piece.buffer && last.byteOffset + last.length === piece.byteOffset) target[target.length - 1] = new Uint8Array(last.buffer, last.byteOffset, last.length + piece.length);
    else target.push(piece);
  }
}

/** What a step that sends part `p` did, in words (`sender`: "server" or "client"). */
export function sentWords(p: Part, sender: string): string {
  if (p.joined > 0) return `released ${joinedName(p)} as the ${sender} sent them (they came too many at once to step one by one)`;
  const name = partName(p.part, p.chunk);
  if (!p.edit) return `released ${name} as the ${sender} sent it`;
  if (p.part === 'head') return `sent the head edited (${plural(p.edit.lines!.length, 'line')}; the ${sender} sent ${plural(p.lines.length, 'line')})`;
  const line = Buffer.from(p.edit.line ?? new Uint8Array()).toString('latin1').replace(/\r\n$/, '');
  const data = p.edit.data ? `, ${byteCount(p.edit.data.length)} of data (the ${sender}'s: ${byteCount(p.size ?? 0)})` : '';
  return `sent ${name} edited: size line "${line}" (the ${sender} sent "${p.sizeToken}${p.extensions}")${data}`;
}

/** Parts queued one by one at most: chunks past it (a sender's tiny chunks in one read) join the last, and step with it. */
export const MAX_HELD_PARTS = 4096;

/** "chunks #4096 to #174762": a part with chunks joined to it. */
export function joinedName(p: Part): string {
  return `chunks #${p.chunk + 1} to #${p.chunk + 1 + p.joined}`;
}
