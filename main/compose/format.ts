// A plan in its text form (README: "The plan format"), the inverse of text.ts: parsing
// what this writes gives the same bytes back. What the readable form cannot say exactly
// (a head line with a control byte, a trailer with trailing spaces) is written as quoted
// bytes instead, so nothing is ever lost on the way.

import { dataLength, type BodyStep, type ChunkStep, type ConnectionPlan, type DataPiece, type HeadPlan, type LastChunkStep, type RequestPlan } from '../../shared/plan';
import { formatData, isPlainText, quote, latin1 } from './data';
import { FILLER, splitSizeLine } from './steps';
import { bodyLength, headBytes, lastChunkBytes } from './wire';

const END_WORDS: Record<string, string> = { '\r\n': 'crlf', '\n': 'lf', '\r': 'cr', '': 'none' };

function endWord(bytes: string): string {
  return END_WORDS[bytes] ?? quote(bytes);
}

/** A line that stands in the file as it is sent: printable, no trailing blank, not mistaken for a plan line. */
function verbatim(line: string): boolean {
  return /^[\x20-\x7e\t]+$/.test(line) && !/[ \t]$/.test(line) && !/^[ \t]*(#|$)/.test(line);
}

function headLinesFit(head: Extract<HeadPlan, { kind: 'lines' }>): boolean {
  const { startLine, fields } = head;
  if (!verbatim(startLine) || /^(to|pipeline|pause|end)([ \t]|$)|^head[ \t]+"|^[a-z]+$/.test(startLine)) return false;
  return fields.every((f) => verbatim(f) && f !== '---' && !/^end (fin|rst)\b/.test(f));
}

/** A size line as one word (`5dc;ext=1`), or as `size="…"` when it holds what a word cannot. */
function sizeWord(line: string): string {
  const word = line.length > 0 && isPlainText(line) && !/^[#*]|^[a-z-]+=|^bare-lf$/.test(line);
  return word ? line : `size=${quote(line)}`;
}

/** The chunk as reading its text gives it back: the size line split where the reader splits it. */
function canonical(step: ChunkStep): ChunkStep {
  return { ...step, ...splitSizeLine(step.size + step.extensions) };
}

function isFiller(step: ChunkStep): boolean {
  if (!/^[0-9a-fA-F]+$/.test(step.size) || /^0+$/.test(step.size)) return false;
  const size = parseInt(step.size, 16);
  const [piece, ...more] = step.data;
  return more.length === 0 && piece !== undefined && 'repeat' in piece && piece.repeat === FILLER && piece.times === size;
}

function chunkLine(written: ChunkStep): string {
  const step = canonical(written);
  const parts = ['chunk'];
  const computed = step.extensions === '' && dataLength(step.data) > 0 && step.size === dataLength(step.data).toString(16);
  if (!computed) parts.push(sizeWord(step.size + step.extensions));
  if (!isFiller(step)) parts.push(formatData(step.data));
  if (step.lineEnd === '\n' && step.dataEnd === '\n') parts.push('bare-lf');
  else {
    if (step.lineEnd !== '\r\n') parts.push(`line-end=${endWord(step.lineEnd)}`);
    if (step.dataEnd !== '\r\n') parts.push(`data-end=${endWord(step.dataEnd)}`);
  }
  return parts.join(' ');
}

/** A last chunk whose trailers the file cannot hold as they are: written as quoted bytes instead. */
function lastAsBytes(step: LastChunkStep): boolean {
  return !step.trailers.every(verbatim);
}

function lastLines(step: LastChunkStep): string[] {
  if (lastAsBytes(step)) return [`body ${formatData([{ bytes: latin1(lastChunkBytes(step)) }])}`];
  const parts = ['last'];
  const line = step.size + step.extensions;
  if (line !== '0') parts.push(sizeWord(line));
  if (step.lineEnd === '\n' && step.end === '\n') parts.push('bare-lf');
  else {
    if (step.lineEnd !== '\r\n') parts.push(`line-end=${endWord(step.lineEnd)}`);
    if (step.end !== '\r\n') parts.push(`end=${endWord(step.end)}`);
  }
  return [parts.join(' '), ...step.trailers.map((t) => `trailer ${t}`)];
}

function duration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function bodyLines(body: BodyStep[]): string[] {
  const lines: string[] = [];
  for (const step of body) {
    if (step.step === 'chunk') lines.push(chunkLine(step));
    else if (step.step === 'last-chunk') lines.push(...lastLines(step));
    else if (step.step === 'bytes') lines.push(`body ${formatData(step.data)}`);
    else lines.push(`pause ${duration(step.ms)}`);
  }
  // Without a `last` line, reading would add the last chunk a chunked body gets by default.
  if (body.some((s) => s.step === 'chunk') && !body.some((s) => s.step === 'last-chunk' && !lastAsBytes(s))) lines.push('no last chunk');
  return lines;
}

function rawHead(data: DataPiece[]): string {
  return `head ${formatData(data)}`;
}

function requestLines(request: RequestPlan): string[] {
  const lines: string[] = [];
  if (request.pauseBefore > 0) lines.push(`pause ${duration(request.pauseBefore)}`);
  const head = request.head;
  if (head.kind === 'lines' && headLinesFit(head)) lines.push(head.startLine, ...head.fields, '');
  // As bytes, `Content-Length: auto` is the length it stands for.
  else lines.push(rawHead(head.kind === 'raw' ? head.data : [{ bytes: latin1(headBytes(head, bodyLength(request.body))) }]), '');
  lines.push(...bodyLines(request.body));
  return lines;
}

/** The plan as text a person reads and edits; ASCII only. */
export function formatPlan(plan: ConnectionPlan): string {
  const lines: string[] = [];
  if (plan.to) lines.push(`to ${plan.to}`);
  if (plan.pipeline) lines.push('pipeline');
  if (lines.length > 0) lines.push('');
  plan.requests.forEach((request, k) => {
    if (k > 0) lines.push('---');
    lines.push(...requestLines(request));
  });
  const { how, after } = plan.end;
  if (!(how === 'fin' && after === 'answers')) {
    lines.push(`end ${how}${after === 'written' ? '' : after === 'answers' ? ' after answers' : ` after byte ${after.byte}`}`);
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

