// Sentences for people. The parser knows the context (which side, how it ended, which
// chunk), so it writes the sentence once and every view shows the same words.

import type { AccountWaiting } from '../../shared/account';
import type { Direction, EndKind } from '../../shared/http1';
import { groupDigits, howItEnded as endSentence } from '../../shared/words';

/** Who ended a direction: its sender (the peer), the other side, or the proxy itself. */
export type Closer = 'client' | 'server' | 'proxy';

export function peerOf(direction: Direction): Closer {
  return direction === 'response' ? 'server' : 'client';
}

function subject(who: Closer): string {
  return who === 'proxy' ? 'Chunkscope' : `the ${who}`;
}

/** What a silent stream waits for: "the next chunk-size line (chunk #3)". */
export function waitingFor(waiting: AccountWaiting): string {
  switch (waiting.what) {
    case 'response':
      return 'the response to start';
    case 'head':
      return 'the rest of the header section';
    case 'chunk-size-line':
      return `the next chunk-size line (chunk #${waiting.chunk})`;
    case 'chunk-data':
      return `the data of chunk #${waiting.chunk} (${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} bytes)`;
    case 'chunk-crlf':
      return `the CRLF after chunk #${waiting.chunk}`;
    case 'trailers':
      return 'the end of the trailer section';
    case 'body':
      return `the body (${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} bytes)`;
    case 'close':
      return 'more of a body that ends only when the connection closes';
  }
}

/** Where in a message the bytes stopped: "after chunk #2", "in the middle of chunk #3 (10 of 100 bytes)". */
export function whereStopped(waiting: AccountWaiting): string {
  switch (waiting.what) {
    case 'response':
      return 'before the response started';
    case 'head':
      return 'in the middle of the header section';
    case 'chunk-size-line':
      return (waiting.chunk ?? 1) <= 1 ? 'before the first chunk' : `after chunk #${(waiting.chunk ?? 1) - 1}`;
    case 'chunk-data':
      return `in the middle of chunk #${waiting.chunk} (${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} bytes)`;
    case 'chunk-crlf':
      return `after the data of chunk #${waiting.chunk}, before its CRLF`;
    case 'trailers':
      return 'after the last chunk, in the trailer section';
    case 'body':
      return `after ${groupDigits(waiting.received ?? 0)} of ${groupDigits(waiting.expected ?? 0)} body bytes`;
    case 'close':
      return 'during a body that ends only when the connection closes';
  }
}

/**
 * How a direction ended, for the sentences. Inside TLS a FIN is one of two things: the
 * end of a TLS session closed with close_notify, or a truncation (no close_notify).
 */
export interface Ending {
  who: Closer;
  kind: Exclude<EndKind, 'open'>;
  tls?: 'close-notify' | 'truncation' | null;
}

export function howItEnded({ who, kind, tls }: Ending): string {
  return endSentence({ who, how: kind === 'rst' ? 'rst' : tls === 'close-notify' ? 'close-notify' : 'fin', truncation: tls === 'truncation' });
}

const NO_LAST_CHUNK = 'the zero-length last chunk never arrived';

/** Where in a chunked body the bytes stopped, for missing-terminator. */
export type TerminatorGap =
  | { where: 'boundary'; chunks: number }
  | { where: 'size-line'; chunk: number }
  | { where: 'last-chunk-line' };

export function missingTerminator(ending: Ending, at: number, gap: TerminatorGap): string {
  const ended = howItEnded(ending);
  const byte = `at byte ${groupDigits(at)}`;
  switch (gap.where) {
    case 'boundary':
      return gap.chunks === 0
        ? `${ended} before the first chunk, ${byte}; ${NO_LAST_CHUNK}`
        : `${ended} after chunk #${gap.chunks}, ${byte}; ${NO_LAST_CHUNK}`;
    case 'size-line':
      return `${ended} in the middle of the size line of chunk #${gap.chunk}, ${byte}; ${NO_LAST_CHUNK}`;
    case 'last-chunk-line':
      return `${ended} in the middle of the last-chunk line, ${byte}; it never arrived whole`;
  }
}

export function truncatedChunkData(ending: Ending, at: number, chunk: number, received: number, size: number): string {
  const ended = howItEnded(ending);
  if (received >= size) {
    return `${ended} after the data of chunk #${chunk} but before the CRLF that follows it, at byte ${groupDigits(at)}; ${NO_LAST_CHUNK}`;
  }
  return `${ended} in the middle of chunk #${chunk}: ${groupDigits(received)} of ${groupDigits(size)} bytes arrived, at byte ${groupDigits(at)}`;
}

export function truncatedTrailers(ending: Ending, at: number): string {
  return `${howItEnded(ending)} after the last chunk but before the empty line that ends the trailer section, at byte ${groupDigits(at)}`;
}

export function truncatedHeaders(ending: Ending, at: number): string {
  return `${howItEnded(ending)} in the middle of the header section, at byte ${groupDigits(at)}`;
}

export function truncatedLengthBody(ending: Ending, at: number, received: number, length: number): string {
  return `${howItEnded(ending)} after ${groupDigits(received)} of ${groupDigits(length)} body bytes (Content-Length), at byte ${groupDigits(at)}`;
}

export function resetCloseDelimited(who: Closer, at: number): string {
  return `${subject(who)} reset the connection (RST) at byte ${groupDigits(at)} during a body that ends only when the connection closes: a reset is not a clean end, so the body may be incomplete`;
}

export function truncatedTlsCloseDelimited(who: Closer, at: number): string {
  return (
    `${subject(who)} closed the connection (FIN) without close_notify at byte ${groupDigits(at)}, during a body that ends only when the connection closes: ` +
    'without close_notify the end is not authenticated, so the body may be incomplete (RFC 9112 §9.8)'
  );
}

export type TrailingCause = 'close' | 'decode-then-close' | 'no-request' | 'http10';

export function trailingBytes(direction: Direction, cause: TrailingCause, previous: number | null): string {
  const after = previous === null ? 'the previous message' : `message #${previous + 1}`;
  switch (cause) {
    case 'close':
      return `bytes arrived after ${after}, which said "Connection: close"; they cannot be read as another message`;
    case 'http10':
      return `bytes arrived after ${after}, an HTTP/1.0 message without "Connection: keep-alive"; they cannot be read as another message`;
    case 'decode-then-close':
      return `bytes arrived after ${after}, whose framing was ambiguous, so the connection must not be reused; they cannot be read as another message`;
    case 'no-request':
      return `${direction === 'response' ? 'response' : ''} bytes arrived with no request left to answer; they cannot be read as a response`.trimStart();
  }
}

export function leadingEmptyLine(count: number): string {
  return `${count === 1 ? 'an empty line (CRLF)' : `${count} empty lines`} before the start-line; ignored by servers, but it often means the previous message sent more bytes than it declared`;
}

export function chunkSizeLong(token: string): string {
  return `the chunk-size token "${token.length > 40 ? `${token.slice(0, 20)}…${token.slice(-8)}` : token}" has ${token.length} hex digits (leading zeros); valid, but some parsers reject it`;
}

export function chunkExtBws(): string {
  return 'whitespace around ";" or "=" in a chunk extension; valid, but some parsers reject it';
}

export function prohibitedTrailer(name: string): string {
  return `the trailer field "${name}" is not allowed in a trailer section; a recipient must not merge it into the header fields`;
}

export function withChunk(detail: string, chunk: number | 'last'): string {
  return chunk === 'last' ? `${detail} (last-chunk line)` : `${detail} (chunk #${chunk})`;
}
