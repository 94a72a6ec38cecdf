// Writing a JSON document in pieces: `inspect --json` of a response with millions of
// chunks, or a HAR of a big capture, is larger than a JavaScript string can hold
// ("Invalid string length"), so it is never built whole. Arrays and objects are walked
// and yielded as they go; small parts go through JSON.stringify. The text is the same as
// JSON.stringify(value, null, 2) would give, then a newline.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Arrays longer than this are written element by element; shorter ones whole. */
const WHOLE = 256;
/** Pieces are gathered up to this size before each is yielded. */
const PIECE = 64 * 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** Worth walking rather than stringifying whole: a long array, or something that holds one. */
function isBig(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > WHOLE || value.some(isBig);
  return isPlainObject(value) && Object.values(value).some(isBig);
}

function* parts(value: unknown, depth: number): Generator<string> {
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value) && isBig(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '' : ','}\n${pad}`;
      yield* parts(value[i] === undefined ? null : value[i], depth + 1);
    }
    return yield `\n${close}]`;
  }
  if (isPlainObject(value) && isBig(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    yield '{';
    for (let i = 0; i < entries.length; i++) {
      yield `${i === 0 ? '' : ','}\n${pad}${JSON.stringify(entries[i]![0])}: `;
      yield* parts(entries[i]![1], depth + 1);
    }
    return yield `\n${close}}`;
  }
  const text = JSON.stringify(value, null, 2) ?? 'null';
  yield depth === 0 ? text : text.replace(/\n/g, `\n${close}`);
}

/** The JSON text of `value`, in pieces of about 64 KiB. */
export function* jsonPieces(value: unknown): Generator<string> {
  let buffer = '';
  for (const part of parts(value, 0)) {
    buffer += part;
    if (buffer.length >= PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}\n`;
}

/** Write `value` as JSON to a stream, piece by piece, waiting whenever it is full. */
export async function writeJson(value: unknown, out: Writable): Promise<void> {
  for (const piece of jsonPieces(value)) {
    if (!out.write(piece)) await once(out, 'drain');
  }
}
