// The lines of a plan's body and its end, word by word: `chunk`, `last`, `body`,
// `pause`, `end`. Each reads the words of its line and says what is wrong with them, at
// the column where it is wrong.

import type { ChunkStep, DataPiece, EndPlan, LastChunkStep } from '../../shared/plan';
import { dataLength } from '../../shared/plan';
import { groupDigits } from '../../shared/words';
import { LiteralError } from './data';
import { optionValue, type Token } from './lex';

/** A mistake in one line, at a column (0-based) of it. */
export class LineError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The most bytes of filler a chunk written with a size and no data may stand for. */
export const MAX_FILLER = 64 * 1024 * 1024;
/** The filler byte of a chunk written with a size alone. */
export const FILLER = 'x';

const LINE_ENDS: Record<string, string> = { crlf: '\r\n', lf: '\n', cr: '\r', none: '' };

function lineEnd(token: Token): string {
  const { key, value, quoted, column } = option(token);
  if (quoted) return value;
  const end = LINE_ENDS[value];
  if (end === undefined) throw new LineError(`${key}= takes crlf, lf, cr, none or a quoted string ("\\r\\r\\n"), not "${value}"`, column);
  return end;
}

function option(token: Token): ReturnType<typeof optionValue> {
  try {
    return optionValue(token);
  } catch (error) {
    if (error instanceof LiteralError) throw new LineError(error.message, error.column);
    throw error;
  }
}

/** Data words from `tokens[at]` on: quoted strings, each maybe followed by `* N`. Returns the pieces and where they stop. */
function readData(tokens: Token[], at: number): { data: DataPiece[]; next: number } {
  const data: DataPiece[] = [];
  let i = at;
  while (i < tokens.length && tokens[i]!.quoted !== undefined) {
    const bytes = tokens[i]!.quoted!;
    i++;
    const star = tokens[i];
    if (star && star.text.startsWith('*')) {
      const countText = star.text === '*' ? tokens[i + 1]?.text : star.text.slice(1);
      const countColumn = star.text === '*' ? (tokens[i + 1]?.column ?? star.column + 1) : star.column + 1;
      const times = countText !== undefined && /^\d[\d,]*$/.test(countText) ? Number(countText.replace(/,/g, '')) : NaN;
      if (!Number.isSafeInteger(times)) throw new LineError(`"* N" repeats the string before it N times: N is a whole number (got "${countText ?? ''}")`, countColumn);
      if (times > 0 && bytes.length > 0) data.push({ repeat: bytes, times });
      i += star.text === '*' ? 2 : 1;
    } else if (bytes.length > 0) data.push({ bytes });
  }
  // Pieces of no byte are left out: `""` says "no data", and reads back the same.
  return { data, next: i };
}

/** `5DC;ext=1` → the token `5DC` and the extensions `;ext=1`, exactly as written. */
export function splitSizeLine(line: string): { size: string; extensions: string } {
  const m = /^[^;\s]*/.exec(line)!;
  return { size: m[0], extensions: line.slice(m[0].length) };
}

const CHUNK_HELP = 'a chunk line is: chunk [SIZE-LINE] ["DATA" …] [line-end=…] [data-end=…] [bare-lf]';

export function chunkLine(tokens: Token[]): ChunkStep {
  let sizeLine: { text: string; column: number } | null = null;
  let data: DataPiece[] | null = null;
  let lineEndBytes = '\r\n';
  let dataEnd = '\r\n';
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!;
    if (t.quoted !== undefined) {
      if (data) throw new LineError(`the data of a chunk is written in one place: put "…" pieces side by side`, t.column);
      const read = readData(tokens, i);
      data = read.data;
      i = read.next;
      continue;
    }
    i++;
    if (t.text === 'bare-lf') {
      lineEndBytes = dataEnd = '\n';
    } else if (/^[a-z-]+=/.test(t.text)) {
      const key = t.text.slice(0, t.text.indexOf('='));
      if (key === 'line-end') lineEndBytes = lineEnd(t);
      else if (key === 'data-end') dataEnd = lineEnd(t);
      else if (key === 'size') sizeLine = { text: option(t).value, column: t.column };
      else throw new LineError(`a chunk has no option "${key}=": it knows size=, line-end= and data-end=`, t.column);
    } else if (i === 1 && !t.text.startsWith('*')) {
      sizeLine = { text: t.text, column: t.column };
    } else {
      throw new LineError(`"${t.text}" is not part of a chunk line; ${CHUNK_HELP}`, t.column);
    }
  }
  if (!sizeLine && !data) throw new LineError(`a chunk needs a size or data; ${CHUNK_HELP}`, 0);
  if (!sizeLine) return { step: 'chunk', size: dataLength(data!).toString(16), extensions: '', lineEnd: lineEndBytes, data: data!, dataEnd };
  const { size, extensions } = splitSizeLine(sizeLine.text);
  if (/^0+$/.test(size) && !data) throw new LineError(`a chunk of size ${size} is the last chunk: write "last" (or "last ${sizeLine.text}" to keep it as written)`, sizeLine.column);
  if (!data) {
    if (!/^[0-9a-fA-F]+$/.test(size)) throw new LineError(`the size "${size}" is not hexadecimal, so it says no number of bytes: give the data too (chunk ${sizeLine.text} "…")`, sizeLine.column);
    const bytes = parseInt(size, 16);
    if (bytes > MAX_FILLER) throw new LineError(`chunk ${size} with no data would be ${groupDigits(bytes)} bytes of filler, over the ${groupDigits(MAX_FILLER)} a plan may make up: give the data, or a smaller size`, sizeLine.column);
    data = bytes > 0 ? [{ repeat: FILLER, times: bytes }] : [];
  }
  return { step: 'chunk', size, extensions, lineEnd: lineEndBytes, data, dataEnd };
}

export function lastLine(tokens: Token[]): LastChunkStep {
  const step: LastChunkStep = { step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers: [], end: '\r\n' };
  tokens.forEach((t, i) => {
    if (t.text === 'bare-lf') step.lineEnd = step.end = '\n';
    else if (/^[a-z-]+=/.test(t.text)) {
      const key = t.text.slice(0, t.text.indexOf('='));
      if (key === 'line-end') step.lineEnd = lineEnd(t);
      else if (key === 'end') step.end = lineEnd(t);
      else if (key === 'size') Object.assign(step, splitSizeLine(option(t).value));
      else throw new LineError(`the last chunk has no option "${key}=": it knows size=, line-end= and end=`, t.column);
    } else if (i === 0 && t.quoted === undefined) Object.assign(step, splitSizeLine(t.text));
    else throw new LineError(`"${t.text}" is not part of a last chunk line: last [SIZE-LINE] [line-end=…] [end=…] [bare-lf]; trailers go on "trailer" lines after it`, t.column);
  });
  return step;
}

export function bodyLine(tokens: Token[]): DataPiece[] {
  const { data, next } = readData(tokens, 0);
  if (next < tokens.length) throw new LineError(`"${tokens[next]!.text}" is not data: a body line is body "…" ["…" * N …]`, tokens[next]!.column);
  if (tokens.length === 0) throw new LineError('a body line needs its data: body "…"', 0);
  return data;
}

const MAX_PAUSE_MS = 10 * 60 * 1000;

/** `200ms`, `1.5s`, `200 ms`: milliseconds. */
export function pauseLine(tokens: Token[]): number {
  const text = tokens.map((t) => t.text).join('');
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (!m) throw new LineError(`a pause is a duration: pause 200ms, pause 1.5s (got "${tokens.map((t) => t.text).join(' ')}")`, tokens[0]?.column ?? 0);
  const ms = Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  if (ms > MAX_PAUSE_MS) throw new LineError(`a pause of ${m[1]}${m[2]} is longer than the 10 minutes a plan may wait`, tokens[0]!.column);
  return ms;
}

const END_HELP = 'end fin|rst [after answers | after byte N]';

export function endLine(tokens: Token[]): EndPlan {
  const [how, ...rest] = tokens;
  if (!how || (how.text !== 'fin' && how.text !== 'rst')) throw new LineError(`the connection ends with fin (a FIN) or rst (an RST): ${END_HELP}`, how?.column ?? 0);
  const words = rest.map((t) => t.text);
  if (words.length === 0) return { how: how.text, after: 'written' };
  if (words.length === 2 && words[0] === 'after' && (words[1] === 'answers' || words[1] === 'responses')) return { how: how.text, after: 'answers' };
  if (words.length === 3 && words[0] === 'after' && words[1] === 'byte' && /^\d[\d,]*$/.test(words[2]!)) {
    const byte = Number(words[2]!.replace(/,/g, ''));
    if (Number.isSafeInteger(byte)) return { how: how.text, after: { byte } };
  }
  throw new LineError(`"${words.join(' ')}" is not when a connection ends: ${END_HELP}`, rest[0]!.column);
}
