// A request's bytes as the plan that sends them again byte for byte, read the way its
// sender wrote it: the head's lines, then, for a chunked body, each chunk's size token and
// extensions as sent, its data, what followed the data (CRLF, a bare LF, nothing), the
// last chunk and its trailers or none. Lenient where the parser is strict (a bare LF, a
// missing CRLF): a person editing a faulty request sees the faults as options of its
// chunks. Whatever this reading cannot place is kept as bytes; nothing is ever lost.

import type { BodyStep, ChunkStep, HeadPlan, LastChunkStep, RequestPlan } from '../../shared/plan';
import { fieldLineName, fieldLineValue } from '../../shared/plan';
import { dataPieces, latin1 } from './data';
import { headBytes, stepBytes } from './wire';

/** Gaps between steps of at least this many seconds are kept as pauses (with the original timing). */
const PAUSE_THRESHOLD = 0.005;

interface Reader {
  text: string;
  at: number;
}

/** The next line, without its line end, and that end ("\r\n" or "\n"); null when no whole line is left. */
function line(r: Reader): { content: string; end: string } | null {
  const nl = r.text.indexOf('\n', r.at);
  if (nl < 0) return null;
  const cr = nl > r.at && r.text[nl - 1] === '\r';
  const content = r.text.slice(r.at, cr ? nl - 1 : nl);
  r.at = nl + 1;
  return { content, end: cr ? '\r\n' : '\n' };
}

function readHead(r: Reader): { head: HeadPlan; lines: string[] } | null {
  const lines: string[] = [];
  let crlf = true;
  // Empty lines before the request line (RFC 9112 §2.2 lets a server skip them) are bytes of the head.
  let leading = false;
  for (;;) {
    const next = line(r);
    if (!next) return null;
    crlf &&= next.end === '\r\n';
    if (next.content === '') {
      if (lines.length === 0) {
        leading = true;
        continue;
      }
      break;
    }
    lines.push(next.content);
  }
  const raw = r.text.slice(0, r.at);
  if (crlf && !leading) return { head: { kind: 'lines', startLine: lines[0]!, fields: lines.slice(1) }, lines };
  return { head: { kind: 'raw', data: dataPieces(raw) }, lines };
}

/** Whether the head frames the body as chunked (its last Transfer-Encoding ends with chunked). */
function chunked(lines: string[]): boolean {
  const te = lines.slice(1).filter((l) => fieldLineName(l)?.trim().toLowerCase() === 'transfer-encoding');
  const last = te.at(-1);
  return last !== undefined && fieldLineValue(last).split(',').at(-1)!.trim().toLowerCase() === 'chunked';
}

function readLastChunk(r: Reader, size: string, extensions: string, lineEnd: string): LastChunkStep {
  const step: LastChunkStep = { step: 'last-chunk', size, extensions, lineEnd, trailers: [], end: '' };
  for (;;) {
    const mark = r.at;
    const next = line(r);
    if (!next) return step;
    if (next.content === '') {
      step.end = next.end;
      return step;
    }
    if (next.end !== '\r\n') {
      r.at = mark; // a trailer line not ended by CRLF: the rest is bytes
      return step;
    }
    step.trailers.push(next.content);
  }
}

function readChunks(r: Reader, steps: BodyStep[], starts: number[]): void {
  while (r.at < r.text.length) {
    const start = r.at;
    const next = line(r);
    const m = next && /^([0-9A-Fa-f]{1,13})(.*)$/s.exec(next.content);
    if (!next || !m) {
      r.at = start;
      return;
    }
    const [, size, extensions] = m as unknown as [string, string, string];
    const length = parseInt(size, 16);
    starts.push(start);
    if (length === 0) {
      steps.push(readLastChunk(r, size, extensions, next.end));
      return;
    }
    const data = r.text.slice(r.at, r.at + length);
    r.at += data.length;
    const after = r.text.startsWith('\r\n', r.at) ? '\r\n' : r.text.startsWith('\n', r.at) ? '\n' : '';
    r.at += after.length;
    const chunk: ChunkStep = { step: 'chunk', size, extensions, lineEnd: next.end, data: dataPieces(data), dataEnd: after };
    steps.push(chunk);
    if (data.length < length || after === '') return;
  }
}

/**
 * The plan of one request from its bytes. With `timeAt` (seconds at which the byte at an
 * offset arrived), gaps between its steps become pauses: the original timing.
 */
export function planFromBytes(bytes: Uint8Array, timeAt?: (offset: number) => number): RequestPlan {
  const r: Reader = { text: latin1(bytes), at: 0 };
  const read = readHead(r);
  if (!read) return exact(bytes, { pauseBefore: 0, head: { kind: 'raw', data: dataPieces(r.text) }, body: [] });
  const steps: BodyStep[] = [];
  const starts: number[] = [];
  if (chunked(read.lines)) readChunks(r, steps, starts);
  if (r.at < r.text.length) {
    starts.push(r.at);
    steps.push({ step: 'bytes', data: dataPieces(r.text.slice(r.at)) });
  }
  const body: BodyStep[] = [];
  steps.forEach((step, i) => {
    const gap = timeAt ? timeAt(starts[i]!) - timeAt(starts[i]! - 1) : 0;
    if (gap >= PAUSE_THRESHOLD) body.push({ step: 'pause', ms: Math.round(gap * 1000) });
    body.push(step);
  });
  return exact(bytes, { pauseBefore: 0, head: read.head, body });
}

/** The plan, checked: it sends exactly `bytes`, or (should the reading ever miss) the bytes as they are. */
function exact(bytes: Uint8Array, plan: RequestPlan): RequestPlan {
  const parts = [headBytes(plan.head)];
  for (const step of plan.body) if (step.step !== 'pause') parts.push(stepBytes(step));
  if (Buffer.concat(parts).equals(bytes)) return plan;
  return { pauseBefore: 0, head: { kind: 'raw', data: dataPieces(latin1(bytes)) }, body: [] };
}
