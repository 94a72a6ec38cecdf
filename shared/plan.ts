// A framing plan: one connection's requests written exactly as they are to be sent, the
// framing of each body included (chunk-size tokens as written, extensions, trailers, the
// last chunk or not, pauses, deliberate faults) and how the connection ends. The composer
// (main/compose: its text form, the bytes it makes, `chunkscope send`) and the app's editor
// share it. Everything here is explicit: sending a plan adds no byte of its own, except
// that a field line `Content-Length: auto` is sent with the body's length.
//
// Bytes are carried in strings of latin1 characters (each character one byte, 0-255), so
// a plan goes through JSON unchanged; text typed by a person is UTF-8 encoded first.

/** Bytes: a run as written, or one string repeated (1,500 bytes of filler, say). */
export type DataPiece = { bytes: string } | { repeat: string; times: number };

/** One chunk: size line, data, and what follows the data. */
export interface ChunkStep {
  step: 'chunk';
  /** The size token exactly as sent: `5DC`, `05dc`, or `5G` on purpose. */
  size: string;
  /** Everything after the token up to the line end, exactly as sent: `;ext=1`, or "". */
  extensions: string;
  /** The bytes that end the size line: "\r\n", or "\n" for a bare LF. */
  lineEnd: string;
  /** The data; a size that lies is a data length other than the size. */
  data: DataPiece[];
  /** The bytes after the data: "\r\n", or a fault ("" none, "\n", anything else). */
  dataEnd: string;
}

/** The zero-length last chunk, its trailer section and the empty line that ends it. */
export interface LastChunkStep {
  step: 'last-chunk';
  /** `0`, `0000`, … exactly as sent. */
  size: string;
  extensions: string;
  lineEnd: string;
  /** Trailer field lines exactly as sent ("X-Checksum: 42"), each followed by CRLF. */
  trailers: string[];
  /** The line that ends the trailer section: "\r\n", "\n", or "" (never sent). */
  end: string;
}

/** Bytes sent as they are: a Content-Length body, or anything at all. */
export interface BytesStep {
  step: 'bytes';
  data: DataPiece[];
}

/** Nothing sent for a while (between two steps of the body). */
export interface PauseStep {
  step: 'pause';
  ms: number;
}

export type BodyStep = ChunkStep | LastChunkStep | BytesStep | PauseStep;

/**
 * The head: the request line and field lines exactly as sent, each followed by CRLF, then
 * the empty line; or, for a head that line form cannot say (a bare LF, leading empty
 * lines), its bytes as they are, the empty line included.
 */
export type HeadPlan = { kind: 'lines'; startLine: string; fields: string[] } | { kind: 'raw'; data: DataPiece[] };

export interface RequestPlan {
  /** Milliseconds to wait before writing this request (after the previous answer, unless pipelined). */
  pauseBefore: number;
  head: HeadPlan;
  body: BodyStep[];
}

/**
 * How Chunkscope ends the connection: with a FIN or an RST, once every request has been
 * answered (or the server went quiet), as soon as the last byte is written, or after byte
 * N of what it sends (the bytes after it are never sent).
 */
export interface EndPlan {
  how: 'fin' | 'rst';
  after: 'answers' | 'written' | { byte: number };
}

export interface ConnectionPlan {
  /** Where to connect: `http://host:port` or `https://host:port`; null when given at send time. */
  to: string | null;
  /** Write every request without waiting for the answer to the one before. */
  pipeline: boolean;
  requests: RequestPlan[];
  end: EndPlan;
}

export const DEFAULT_END: EndPlan = { how: 'fin', after: 'answers' };

/** The number of bytes a piece of data stands for. */
export function dataLength(data: readonly DataPiece[]): number {
  let n = 0;
  for (const piece of data) n += 'bytes' in piece ? piece.bytes.length : piece.repeat.length * piece.times;
  return n;
}

/** A field line's name (before the colon), or null when the line has no colon. */
export function fieldLineName(line: string): string | null {
  const colon = line.indexOf(':');
  return colon <= 0 ? null : line.slice(0, colon);
}

/** A field line's value, its surrounding whitespace trimmed. */
export function fieldLineValue(line: string): string {
  const colon = line.indexOf(':');
  return colon < 0 ? '' : line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
}
