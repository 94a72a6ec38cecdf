// A plan as it goes on the wire, without a socket: the exact bytes, in writes (the head,
// then one write per chunk or piece of body, so the framing shows in the reads), and the
// schedule around them: pauses, waits for answers, and how the connection ends. Pure:
// `send.ts` carries it out; tests compare its bytes with what a server received.

import type { BodyStep, ConnectionPlan, HeadPlan, LastChunkStep, RequestPlan } from '../../shared/plan';
import { dataLength } from '../../shared/plan';
import { byteCount, groupDigits, size } from '../../shared/words';
import { materialize } from './data';

/** The most bytes one plan may send (repeats included): it is built in memory. */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

export class PlanTooLarge extends Error {}

export interface WireWrite {
  kind: 'write';
  bytes: Buffer;
  /** The request it belongs to (0-based, repeats counted). */
  request: number;
  /** Offset of its first byte in what Chunkscope sends on the connection. */
  offset: number;
}

export type WireStep =
  | WireWrite
  | { kind: 'pause'; ms: number }
  /** Wait until this many requests are answered (a final response arrived whole), or the server ends, or goes quiet. */
  | { kind: 'await'; answers: number }
  /** End the connection: at once, or once every request written is answered. */
  | { kind: 'end'; how: 'fin' | 'rst'; afterAnswers: boolean };

export interface Wire {
  steps: WireStep[];
  /** Bytes Chunkscope sends, and requests it starts. */
  length: number;
  requests: number;
}

const AUTO_LENGTH = /^(content-length)([ \t]*:[ \t]*)auto[ \t]*$/i;

/** Bytes of a body, pauses aside: what `Content-Length: auto` says. */
export function bodyLength(body: readonly BodyStep[]): number {
  let n = 0;
  for (const step of body) if (step.step !== 'pause') n += stepLength(step);
  return n;
}

function stepLength(step: Exclude<BodyStep, { step: 'pause' }>): number {
  if (step.step === 'bytes') return dataLength(step.data);
  if (step.step === 'chunk') return step.size.length + step.extensions.length + step.lineEnd.length + dataLength(step.data) + step.dataEnd.length;
  return lastChunkBytes(step).length;
}

/** The head's bytes; a field line `Content-Length: auto` carries `contentLength`. */
export function headBytes(head: HeadPlan, contentLength = 0): Buffer {
  if (head.kind === 'raw') return materialize(head.data);
  const fields = head.fields.map((f) => f.replace(AUTO_LENGTH, (_, name: string, colon: string) => `${name}${colon}${contentLength}`));
  return Buffer.from(`${[head.startLine, ...fields].join('\r\n')}\r\n\r\n`, 'latin1');
}

export function lastChunkBytes(step: LastChunkStep): Buffer {
  return Buffer.from(`${step.size}${step.extensions}${step.lineEnd}${step.trailers.map((t) => `${t}\r\n`).join('')}${step.end}`, 'latin1');
}

export function stepBytes(step: Exclude<BodyStep, { step: 'pause' }>): Buffer {
  if (step.step === 'bytes') return materialize(step.data);
  if (step.step === 'last-chunk') return lastChunkBytes(step);
  return Buffer.concat([Buffer.from(`${step.size}${step.extensions}${step.lineEnd}`, 'latin1'), materialize(step.data), Buffer.from(step.dataEnd, 'latin1')]);
}

function requestLength(request: RequestPlan): number {
  const body = bodyLength(request.body);
  return headBytes(request.head, body).length + body;
}

/** The plan's writes and schedule; `repeat` sends its requests that many times on the one connection. */
export function planWire(plan: ConnectionPlan, repeat = 1): Wire {
  const once = plan.requests.reduce((n, r) => n + requestLength(r), 0);
  if (once * repeat > MAX_PLAN_BYTES) {
    throw new PlanTooLarge(`the plan sends ${size(once * repeat)}${repeat > 1 ? ` (${size(once)} ${repeat} times)` : ''}, over the ${size(MAX_PLAN_BYTES)} one plan may send: it is made in memory first`);
  }
  const steps: WireStep[] = [];
  let offset = 0;
  const write = (bytes: Buffer, request: number) => {
    if (bytes.length === 0) return;
    steps.push({ kind: 'write', bytes, request, offset });
    offset += bytes.length;
  };
  let n = 0;
  for (let round = 0; round < repeat; round++) {
    for (const request of plan.requests) {
      if (n > 0 && !plan.pipeline) steps.push({ kind: 'await', answers: n });
      if (request.pauseBefore > 0) steps.push({ kind: 'pause', ms: request.pauseBefore });
      write(headBytes(request.head, bodyLength(request.body)), n);
      for (const step of request.body) {
        if (step.step === 'pause') steps.push({ kind: 'pause', ms: step.ms });
        else write(stepBytes(step), n);
      }
      n++;
    }
  }
  const { how, after } = plan.end;
  if (typeof after === 'object') return cut(steps, after.byte, how, n);
  steps.push({ kind: 'end', how, afterAnswers: after === 'answers' });
  return { steps, length: offset, requests: n };
}

/** Only the first `byte` bytes, then the end at once. */
function cut(steps: WireStep[], byte: number, how: 'fin' | 'rst', requests: number): Wire {
  const kept: WireStep[] = [];
  let length = 0;
  let started = 0;
  for (const step of steps) {
    if (step.kind !== 'write') {
      if (length < byte) kept.push(step);
      continue;
    }
    if (length >= byte) break;
    const bytes = step.bytes.length <= byte - length ? step.bytes : step.bytes.subarray(0, byte - length);
    kept.push({ ...step, bytes });
    length += bytes.length;
    started = step.request + 1;
  }
  // Waits after the last byte sent wait for nothing that will come.
  while (kept.length > 0 && kept.at(-1)!.kind !== 'write') kept.pop();
  kept.push({ kind: 'end', how, afterAnswers: false });
  return { steps: kept, length, requests: Math.min(started, requests) };
}

/** Every byte the plan sends, in order. */
export function planBytes(plan: ConnectionPlan, repeat = 1): Buffer {
  return Buffer.concat(planWire(plan, repeat).steps.flatMap((s) => (s.kind === 'write' ? [s.bytes] : [])));
}

/** The faults a plan sends on purpose, in words: said before it is sent, so a typo is not taken for a server's bug. */
export function planNotes(plan: ConnectionPlan): string[] {
  const notes: string[] = [];
  const many = plan.requests.length > 1;
  plan.requests.forEach((request, k) => {
    const where = many ? `request #${k + 1}, ` : '';
    let chunk = 0;
    for (const step of request.body) {
      if (step.step !== 'chunk') continue;
      chunk++;
      const at = `${where}chunk #${chunk}`;
      const data = dataLength(step.data);
      if (!/^[0-9a-fA-F]+$/.test(step.size)) notes.push(`${at}: the size "${step.size}" is not hexadecimal`);
      else if (parseInt(step.size, 16) !== data) notes.push(`${at}: the size ${step.size} says ${byteCount(parseInt(step.size, 16))}, but its data is ${byteCount(data)} (a size that lies)`);
      if (step.lineEnd !== '\r\n') notes.push(`${at}: its size line ends in ${ending(step.lineEnd)}, not CRLF`);
      if (step.dataEnd !== '\r\n') notes.push(`${at}: its data is followed by ${ending(step.dataEnd)}, not CRLF`);
    }
    const last = request.body.find((s) => s.step === 'last-chunk');
    if (chunk > 0 && !last) notes.push(`${where}the chunked body has no last chunk: it never ends`);
    if (last && (last.lineEnd !== '\r\n' || last.end !== '\r\n')) notes.push(`${where}the last chunk's lines end in ${ending(last.lineEnd !== '\r\n' ? last.lineEnd : last.end)}, not CRLF`);
  });
  const { how, after } = plan.end;
  const verb = how === 'rst' ? 'resets the connection (RST)' : 'closes its side (FIN)';
  if (typeof after === 'object') notes.push(`Chunkscope ${verb} after byte ${groupDigits(after.byte)}: the bytes after it are never sent`);
  else if (after === 'written') notes.push(`Chunkscope ${verb} as soon as the last byte is written, without waiting for the answers`);
  else if (how === 'rst') notes.push('Chunkscope resets the connection (RST) once every request is answered');
  return notes;
}

function ending(bytes: string): string {
  if (bytes === '\n') return 'a bare LF';
  if (bytes === '') return 'nothing';
  return JSON.stringify(bytes);
}
