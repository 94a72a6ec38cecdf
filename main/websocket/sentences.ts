// The sentences of WebSocket findings: what was wrong, where (frame and byte), and the
// section of RFC 6455 or RFC 7692 that says so. Written here once; every view shows them.

import type { EndKind } from '../../shared/http1';
import type { WsSender } from '../../shared/websocket';
import { closeCodeMeaning } from '../../shared/websocket';
import { groupDigits, party } from '../../shared/words';
import type { Closer } from '../http1/sentences';

/** "the client's frame #3" */
export function frameName(sender: WsSender, frame: number): string {
  return `the ${sender}'s frame #${frame + 1}`;
}

export function unmaskedClientFrame(frame: number): string {
  return `${frameName('client', frame)} is not masked: every frame a client sends must be (RFC 6455 §5.1, §5.3); a server must close the connection when one is not`;
}

export function maskedServerFrame(frame: number): string {
  return `${frameName('server', frame)} is masked: a server must not mask the frames it sends (RFC 6455 §5.1); a client must close the connection when one is`;
}

const BITS = ['RSV3', 'RSV2', 'RSV1'];

function bitNames(rsv: number): string {
  return BITS.filter((_, i) => rsv & (1 << i))
    .reverse()
    .join(' and ');
}

export function reservedBits(sender: WsSender, frame: number, rsv: number, why: 'no-extension' | 'not-first' | 'control' | 'only-rsv1'): string {
  const set = `${bitNames(rsv)} ${rsv & (rsv - 1) ? 'are' : 'is'} set on ${frameName(sender, frame)}`;
  switch (why) {
    case 'no-extension':
      return `${set}, and no extension that defines them was agreed in the handshake (RFC 6455 §5.2): the receiver must close the connection`;
    case 'not-first':
      return `${set}, a continuation frame: permessage-deflate marks only the first frame of a compressed message (RFC 7692 §6.1)`;
    case 'control':
      return `${set}, a control frame: permessage-deflate never applies to control frames (RFC 7692 §6.1)`;
    case 'only-rsv1':
      return `${set}: permessage-deflate, the one extension agreed, uses RSV1 only (RFC 7692 §6; RFC 6455 §5.2)`;
  }
}

export function reservedOpcode(sender: WsSender, frame: number, opcode: number): string {
  const kind = opcode >= 0x8 ? 'control' : 'data';
  return `${frameName(sender, frame)} has opcode 0x${opcode.toString(16).toUpperCase()}, reserved for future ${kind} frames (RFC 6455 §5.2): the receiver must close the connection; its payload is skipped by its length`;
}

export function nonMinimalLength(sender: WsSender, frame: number, length: number, bytes: 2 | 8): string {
  return `${frameName(sender, frame)} gives its payload length (${groupDigits(length)}) in ${bytes === 2 ? '16' : '64'} bits where ${length < 126 ? '7 bits' : '16 bits'} hold it: the shortest form must be used (RFC 6455 §5.2)`;
}

export function lengthMsb(sender: WsSender, frame: number): string {
  return `${frameName(sender, frame)} has a 64-bit payload length with its most significant bit set, which must be 0 (RFC 6455 §5.2): no frame boundary after it can be trusted, so the rest of the stream is not read as frames`;
}

export function lengthOverflow(sender: WsSender, frame: number, hex: string): string {
  return `${frameName(sender, frame)} has a payload length of 0x${hex} bytes, more than 2^53-1 (which Chunkscope can count exactly) and more than any connection carries (RFC 6455 §5.2): the rest of the stream is not read as frames`;
}

export function controlTooLong(sender: WsSender, frame: number, kind: string, length: number): string {
  return `${frameName(sender, frame)}, a ${kind} frame, carries ${groupDigits(length)} bytes of payload: control frames carry at most 125 (RFC 6455 §5.5)`;
}

export function controlFragmented(sender: WsSender, frame: number, kind: string): string {
  return `${frameName(sender, frame)}, a ${kind} frame, has FIN clear: control frames must not be fragmented (RFC 6455 §5.5)`;
}

export function unexpectedContinuation(sender: WsSender, frame: number): string {
  return `${frameName(sender, frame)} is a continuation frame, but no fragmented message was in progress (RFC 6455 §5.4)`;
}

export function interleavedMessage(sender: WsSender, frame: number, unfinished: number): string {
  return `${frameName(sender, frame)} starts a new message while message #${unfinished + 1} still waits for its final fragment: the fragments of one message must not be interleaved with another's (RFC 6455 §5.4); message #${unfinished + 1} is shown unfinished`;
}

export function invalidUtf8(sender: WsSender, message: number, where: 'text' | 'close-reason', decompressedAt: number | null): string {
  const what = where === 'text' ? `the text of the ${sender}'s message #${message + 1}` : `the reason in the ${sender}'s Close frame (message #${message + 1})`;
  const at = decompressedAt === null ? '' : ` (at byte ${groupDigits(decompressedAt)} of the decompressed text)`;
  return `${what} is not valid UTF-8${at}: text must be (RFC 6455 §5.6, §8.1), and the receiver must close the connection (1007)`;
}

export function closeOneByte(sender: WsSender, message: number): string {
  return `the ${sender}'s Close frame (message #${message + 1}) has a 1-byte body: a Close body is empty, or starts with a 2-byte status code (RFC 6455 §5.5.1)`;
}

export function closeCodeInvalid(sender: WsSender, message: number, code: number): string {
  const why = [1004, 1005, 1006, 1015].includes(code) ? `${code} (${closeCodeMeaning(code)}) is only for reporting, never sent in a Close frame` : `${code} is ${closeCodeMeaning(code)}`;
  return `the ${sender}'s Close frame (message #${message + 1}) has status code ${why} (RFC 6455 §7.4.1, §7.4.2)`;
}

export function dataAfterClose(sender: WsSender, frame: number, closeMessage: number): string {
  return `${frameName(sender, frame)} comes after the ${sender}'s own Close frame (message #${closeMessage + 1}): after sending Close, an endpoint sends no more frames (RFC 6455 §5.5.1)`;
}

export function inflateFailed(sender: WsSender, message: number, reason: string): string {
  return `the ${sender}'s message #${message + 1} is marked compressed (RSV1, permessage-deflate) but cannot be decompressed: zlib says "${reason}" (RFC 7692 §7.2.2); the receiver must close the connection`;
}

function ended(by: Closer, kind: Exclude<EndKind, 'open'>): string {
  return kind === 'rst' ? `${party(by)} reset the connection (RST)` : `${party(by)} closed the connection (FIN)`;
}

export function truncatedFrame(sender: WsSender, frame: number, kind: Exclude<EndKind, 'open'>, by: Closer, at: number, payload: { received: number; expected: number } | null): string {
  const where = payload ? `in the middle of ${frameName(sender, frame)} (${groupDigits(payload.received)} of ${groupDigits(payload.expected)} payload bytes)` : `in the middle of the header of ${frameName(sender, frame)}`;
  return `${ended(by, kind)} ${where}, at byte ${groupDigits(at)} (RFC 6455 §7.1.5)`;
}

export function truncatedMessage(sender: WsSender, message: number, frames: number, kind: Exclude<EndKind, 'open'>, by: Closer, at: number): string {
  return `${ended(by, kind)} after ${frames === 1 ? 'the first fragment' : `${frames} fragments`} of the ${sender}'s message #${message + 1}, before its final one (FIN), at byte ${groupDigits(at)} (RFC 6455 §5.4, §7.1.5)`;
}
