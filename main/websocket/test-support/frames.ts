// Frames written the way a test means them, so fixtures say what matters:
//   frame({ opcode: 'text', payload: 'Hello', mask: [1, 2, 3, 4] })
// and, in fixtures, one frame a line:
//   [nofin] OPCODE [mask=HEX8] [rsv=N] [len16|len64] [length=N] [code=N] [deflate] "PAYLOAD"
//   bytes ESCAPED-BYTES
// OPCODE is text, binary, close, ping, pong, cont or op=N; PAYLOAD takes the escapes of
// main/http1 fixtures (\xHH, {N*c}); `length=N` declares a length other than the payload's
// (a frame cut short); `code=N` puts a close code before the payload; `deflate` compresses it.

import zlib from 'node:zlib';
import { decodeInput } from '../../http1/test-support/fixtures';

const OPCODES: Record<string, number> = { cont: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

export interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: keyof typeof OPCODES | number;
  mask?: number[] | null;
  payload?: string | Uint8Array;
  /** Length field form: the shortest (default), or 16 or 64 bits whatever the length. */
  form?: 'short' | 'len16' | 'len64';
  /** A declared length other than the payload's. */
  length?: number;
}

export function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff) : value;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The payload compressed as permessage-deflate sends it: raw deflate, flushed, without 00 00 FF FF (RFC 7692 §7.2.1). */
export function deflated(payload: Uint8Array): Uint8Array {
  const out = zlib.deflateRawSync(payload, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

export function frame(spec: FrameSpec): Uint8Array {
  const payload = bytesOf(spec.payload ?? '');
  const opcode = typeof spec.opcode === 'number' ? spec.opcode : OPCODES[spec.opcode]!;
  const length = spec.length ?? payload.length;
  const form = spec.form ?? (length < 126 ? 'short' : length < 0x10000 ? 'len16' : 'len64');
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | opcode];
  const maskBit = spec.mask ? 0x80 : 0;
  if (form === 'short') head.push(maskBit | length);
  else if (form === 'len16') head.push(maskBit | 126, (length >> 8) & 0xff, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(length);
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((big >> shift) & 0xffn));
  }
  const body = Uint8Array.from(payload);
  if (spec.mask) {
    head.push(...spec.mask);
    for (let i = 0; i < body.length; i++) body[i]! ^= spec.mask[i & 3]!;
  }
  return concat([Uint8Array.from(head), body]);
}

/** One line of a ```frames block. */
export function frameLine(line: string, where: string): Uint8Array {
  const text = line.trim();
  if (text.startsWith('bytes ')) return decodeInput('bytes', `${text.slice(6)}\n`, where);
  const quote = text.indexOf('"');
  const words = (quote < 0 ? text : text.slice(0, quote)).split(/\s+/).filter(Boolean);
  let payload = quote < 0 ? new Uint8Array(0) : decodeInput('bytes', `${text.slice(quote + 1, text.lastIndexOf('"'))}\n`, where);
  const spec: FrameSpec = { opcode: 'text' };
  let code: number | null = null;
  for (const word of words) {
    const [key, value = ''] = word.split('=');
    if (key === 'nofin') spec.fin = false;
    else if (key && key in OPCODES) spec.opcode = key as keyof typeof OPCODES;
    else if (key === 'op') spec.opcode = Number(value);
    else if (key === 'mask') spec.mask = value.match(/../g)!.map((h) => parseInt(h, 16));
    else if (key === 'rsv') spec.rsv = Number(value);
    else if (key === 'len16' || key === 'len64') spec.form = key;
    else if (key === 'length') spec.length = Number(value);
    else if (key === 'code') code = Number(value);
    else if (key === 'deflate') payload = deflated(payload);
    else throw new Error(`${where}: unknown word "${word}" in a frame line`);
  }
  if (code !== null) payload = concat([Uint8Array.from([code >> 8, code & 0xff]), payload]);
  spec.payload = payload;
  return frame(spec);
}
