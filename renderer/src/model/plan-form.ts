// The composer's form over a plan (shared/plan.ts): the request line in its three parts,
// field lines as name and value (the separator kept), the body's framing, a chunk's data
// and its size token. The form edits the plan itself, so nothing it does not show is lost;
// what it cannot show (a head written as bytes, a body mixing chunks and raw bytes) is
// said, and left to the text form.

import { dataLength, fieldLineName, type BodyStep, type ChunkStep, type DataPiece, type LastChunkStep, type RequestPlan } from '../../../shared/plan';
import { bytesToText, textToBytes } from './bytes-text';

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

/**
 * `POST /up HTTP/1.1` in its three parts: before the first space, after the last, and what
 * is between (spaces and all), so any line with two spaces splits and joins back exactly,
 * a part left empty included; null for a line with fewer.
 */
export function splitRequestLine(line: string): RequestLine | null {
  const first = line.indexOf(' ');
  const last = line.lastIndexOf(' ');
  if (first < 0 || last === first) return null;
  return { method: line.slice(0, first), target: line.slice(first + 1, last), version: line.slice(last + 1) };
}

export function joinRequestLine({ method, target, version }: RequestLine): string {
  return `${method} ${target} ${version}`;
}

export interface FieldParts {
  name: string;
  /** The colon and the blanks after it, exactly as sent (": ", ":", ":\t"); "" when the line has no colon. */
  separator: string;
  value: string;
}

export function splitField(line: string): FieldParts {
  const m = /^([^:]*)(:[ \t]*)([\s\S]*)$/.exec(line);
  return m ? { name: m[1]!, separator: m[2]!, value: m[3]! } : { name: line, separator: '', value: '' };
}

export function joinField({ name, separator, value }: FieldParts): string {
  // A value typed into a line that had no colon gets the usual one.
  return `${name}${separator || (value ? ': ' : '')}${value}`;
}

export type Framing = 'none' | 'content-length' | 'chunked' | 'bytes';

const FRAMING_FIELDS = new Set(['transfer-encoding', 'content-length']);

function hasField(request: RequestPlan, name: string): boolean {
  return request.head.kind === 'lines' && request.head.fields.some((f) => fieldLineName(f)?.toLowerCase() === name);
}

/** How the form shows the body; null when the form cannot (the text form can). */
export function framingOf(request: RequestPlan): Framing | null {
  const { body } = request;
  const sent = body.filter((s) => s.step !== 'pause');
  if (sent.length === 0) return body.length === 0 ? (hasField(request, 'transfer-encoding') ? 'chunked' : 'none') : null;
  if (sent.every((s) => s.step === 'chunk' || s.step === 'last-chunk')) {
    const lasts = sent.filter((s) => s.step === 'last-chunk').length;
    // The form keeps the last chunk last: a pause after it is for the text form.
    return lasts === 0 || (lasts === 1 && body.at(-1)!.step === 'last-chunk') ? 'chunked' : null;
  }
  if (body.length === 1 && body[0]!.step === 'bytes') return hasField(request, 'content-length') ? 'content-length' : 'bytes';
  return null;
}

/** Every byte of a body's data, pieces as they are (a repeat stays a repeat). */
function allData(body: readonly BodyStep[]): DataPiece[] {
  return body.flatMap((s) => (s.step === 'chunk' || s.step === 'bytes' ? s.data : []));
}

export function chunkOf(data: DataPiece[]): ChunkStep {
  return { step: 'chunk', size: dataLength(data).toString(16), extensions: '', lineEnd: '\r\n', data, dataEnd: '\r\n' };
}

export const LAST_CHUNK: LastChunkStep = { step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers: [], end: '\r\n' };

/**
 * The request with another framing: its Transfer-Encoding and Content-Length lines replaced
 * by the one the framing needs (`Content-Length: auto` is sent with the body's length), and
 * its data carried over (one chunk and the last chunk, or one run of bytes).
 */
export function withFraming(request: RequestPlan, framing: Framing): RequestPlan {
  if (request.head.kind !== 'lines') return request;
  const fields = request.head.fields;
  const at = fields.findIndex((f) => FRAMING_FIELDS.has(fieldLineName(f)?.toLowerCase() ?? ''));
  const kept = fields.filter((f) => !FRAMING_FIELDS.has(fieldLineName(f)?.toLowerCase() ?? ''));
  const field = framing === 'chunked' ? 'Transfer-Encoding: chunked' : framing === 'content-length' ? 'Content-Length: auto' : null;
  if (field) kept.splice(at < 0 ? kept.length : at, 0, field);
  const data = allData(request.body);
  const has = dataLength(data) > 0;
  const body: BodyStep[] = framing === 'none' ? [] : framing === 'chunked' ? [...(has ? [chunkOf(data)] : []), { ...LAST_CHUNK }] : has ? [{ step: 'bytes', data }] : [];
  return { ...request, head: { ...request.head, fields: kept }, body };
}

/**
 * A size token kept in step with its data: a token that said the old length (in hex, any
 * case, zero-padded or not) says the new one the same way; one that did not (a size that
 * lies, a token that is not hex) is the user's and stays.
 */
export function followSize(size: string, oldLength: number, newLength: number): string {
  if (!/^[0-9a-fA-F]+$/.test(size) || parseInt(size, 16) !== oldLength) return size;
  // Upper case when the token was (a token of digits only says nothing: lower, as computed).
  const token = /[A-F]/.test(size) ? newLength.toString(16).toUpperCase() : newLength.toString(16);
  return size.length > 1 && size.startsWith('0') ? token.padStart(size.length, '0') : token;
}

/** Data up to this many bytes is edited in a field; longer data only in the text form. */
export const FIELD_BYTES = 64 * 1024;

export interface DataField {
  /** What the field shows (escapes for bytes that are not text). */
  text: string;
  /** Times the text is sent (a repeat: "x" × 1500). */
  times: number;
  /** False when the data is too long for a field: the text form has it. */
  editable: boolean;
  length: number;
}

export function dataField(data: readonly DataPiece[]): DataField {
  const length = dataLength(data);
  const [only, ...more] = data;
  if (only && more.length === 0 && 'repeat' in only) return { text: bytesToText(only.repeat), times: only.times, editable: only.repeat.length <= FIELD_BYTES, length };
  if (length > FIELD_BYTES) return { text: '', times: 1, editable: false, length };
  const bytes = data.map((p) => ('bytes' in p ? p.bytes : p.repeat.repeat(p.times))).join('');
  return { text: bytesToText(bytes), times: 1, editable: true, length };
}

/** A field's text and times as data; a broken escape is an error with its column. */
export function fieldData(text: string, times: number): { data: DataPiece[]; error: null } | { data: null; error: string } {
  const read = textToBytes(text);
  if (read.error !== null) return { data: null, error: `column ${read.column + 1}: ${read.error}` };
  if (read.bytes === '' || times <= 0) return { data: [], error: null };
  return { data: times === 1 ? [{ bytes: read.bytes }] : [{ repeat: read.bytes, times }], error: null };
}
