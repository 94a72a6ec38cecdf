// A pure, streaming RFC 6455 frame parser for one direction of an upgraded connection:
// bytes in, events out, every event with absolute byte offsets; no sockets, timers or
// clocks (DESIGN.md principle 3). Frames are read by their lengths, payloads are never
// copied unless something needs their bytes (message.ts), and any split of the same
// bytes gives the same events. A frame whose length cannot be trusted ends the reading:
// the rest of the stream is raw, as after a fatal HTTP framing error.

import { ANOMALIES, type AnomalyCode } from '../../shared/anomalies';
import type { EndKind } from '../../shared/http1';
import { isControlOpcode, kindOfOpcode, OPCODE, type WsEvent, type WsMessageRecord, type WsSender } from '../../shared/websocket';
import type { Closer } from '../http1/sentences';
import { MessageInflater, type DeflateSide } from './deflate';
import { resolveWsLimits, type WebSocketLimits } from './limits';
import { MessageBuilder, type Report } from './message';
import { type FrameHead, frameProblems, type FrameRules } from './frame-rules';
import * as say from './sentences';
import { Utf8Validator } from './utf8';

export interface WsParserOptions {
  /** The sender's permessage-deflate, when the handshake put it in effect. */
  deflate?: DeflateSide | null;
  /** Other extensions agreed in the handshake: reserved bits are theirs to define, not judged. */
  otherExtensions?: readonly string[];
  limits?: Partial<WebSocketLimits>;
  /** Absolute offset of the first byte fed (where the upgrade's tunnel starts). */
  start?: number;
  /** `frame-header` and `frame-payload` events (default true); an analysis of messages turns them off. */
  frameEvents?: boolean;
}

const enum State {
  Header,
  Payload,
  Raw,
  Ended,
}

/** The most a frame header takes: 2, 8 for a 64-bit length, 4 for the mask. */
const MAX_HEADER = 14;

export class WebSocketParser {
  private readonly limits: WebSocketLimits;
  private readonly inflater: MessageInflater | null;
  private readonly otherExtensions: boolean;
  /** What the header rules need of this direction (frame-rules.ts). */
  private readonly rules: FrameRules;
  private readonly frameEvents: boolean;
  private state = State.Header;
  private base: number;
  private out: WsEvent[] = [];
  /** Codes reported so far: each is a finding once per direction, later ones stay on their messages. */
  private readonly reported = new Set<AnomalyCode>();
  /** Findings made while a payload streams: they go out when its frame ends, so no split of the bytes moves them. */
  private deferred: WsEvent[] = [];

  // The frame being read.
  private readonly head = new Uint8Array(MAX_HEADER);
  private headLength = 0;
  private headStart = 0;
  private frame = -1;
  private payloadLength = 0;
  private position = 0;
  private mask: Uint8Array | null = null;
  /** The masking key of the frame being read (`mask` points to it when the frame is masked). */
  private readonly maskKey = new Uint8Array(4);
  /** The last header the counting loop found only reported problems in (its key), or -1. */
  private quietHead = -1;
  /** A short text's payload, unmasked, to be checked as UTF-8 by the counting loop. */
  private readonly scratch = new Uint8Array(125);
  private readonly shortText = new Utf8Validator();
  private control = false;
  private fin = false;
  private current: MessageBuilder | null = null;

  /** The data message whose final fragment has not come yet. */
  private data: MessageBuilder | null = null;
  private messages = 0;
  /** This sender's first Close frame, once it arrived whole. */
  closeSent: WsMessageRecord | null = null;
  /**
   * Counting only: a finished message other than a Close is counted in `counted`, not
   * given as an event, and its builder is used again, so a flood of tiny frames costs a
   * header read each and no objects (findings still go out, the first of each code).
   */
  counting = false;
  /** Messages finished while counting, with no event of their own. */
  counted = 0;
  /** A builder whose message was counted: the next message's. */
  private spare: MessageBuilder | null = null;

  constructor(
    readonly sender: WsSender,
    options: WsParserOptions = {},
  ) {
    this.limits = resolveWsLimits(options.limits);
    this.inflater = options.deflate ? new MessageInflater(options.deflate, this.limits) : null;
    this.otherExtensions = (options.otherExtensions ?? []).length > 0;
    this.frameEvents = options.frameEvents ?? true;
    this.rules = { sender, deflate: this.inflater !== null, otherExtensions: this.otherExtensions };
    this.base = options.start ?? 0;
  }

  /** Absolute offset of the next byte to be fed. */
  get offset(): number {
    return this.base;
  }

  /** Messages begun so far (control frames included). */
  get messageCount(): number {
    return this.messages;
  }

  feed(bytes: Uint8Array): WsEvent[] {
    if (this.state === State.Ended) throw new Error('feed() after end()');
    const out: WsEvent[] = (this.out = []);
    const length = bytes.length;
    let i = 0;
    while (i < length) {
      if (this.state === State.Header) {
        if (this.counting && !this.frameEvents && this.headLength === 0) i = this.countPlain(bytes, i);
        if (i < length) i = this.header(bytes, i);
      } else if (this.state === State.Payload) {
        const n = Math.min(this.payloadLength - this.position, length - i);
        if (this.frameEvents) out.push({ type: 'frame-payload', offset: this.base + i, length: n, frame: this.frame });
        this.current!.payload(bytes, i, i + n, this.base + i, this.position, this.mask, this.report);
        this.position += n;
        i += n;
        this.current!.record.end = this.base + i;
        if (this.position === this.payloadLength) this.frameDone(this.base + i);
      } else {
        out.push({ type: 'raw', offset: this.base + i, length: length - i, reason: 'unparsed' });
        i = length;
      }
    }
    this.base += length;
    return out;
  }

  /** The stream ended: `fin` or `rst` (by `by`), or `open` when the capture ended with it open (nothing is cut short then). */
  end(kind: EndKind, by: Closer = this.sender): WsEvent[] {
    if (this.state === State.Ended) throw new Error('end() called twice');
    const out: WsEvent[] = (this.out = []);
    const at = this.base;
    const cut = kind !== 'open';
    const state = this.state;
    this.flushDeferred();
    this.state = State.Ended;
    if (state === State.Header && this.headLength > 0) {
      out.push({ type: 'raw', offset: this.headStart, length: this.headLength, reason: 'incomplete' });
      if (cut) this.anomaly('ws-truncated-frame', at, say.truncatedFrame(this.sender, this.frame + 1, kind, by, at, null));
    } else if (state === State.Payload) {
      if (cut) this.anomaly('ws-truncated-frame', at, say.truncatedFrame(this.sender, this.frame, kind, by, at, { received: this.position, expected: this.payloadLength }));
      if (this.current !== this.data) this.emit(this.current!, false);
    } else if (state === State.Header && this.data && cut) {
      this.anomaly('ws-truncated-message', at, say.truncatedMessage(this.sender, this.data.record.index, this.data.record.frames, kind, by, at));
    }
    if (this.data) this.emit(this.data, false);
    this.data = null;
    this.current = null;
    out.push({ type: 'end', offset: at, kind });
    return out;
  }

  // ---- frame headers -------------------------------------------------------------

  /** Collect a frame header (it may straddle feeds); once whole, read it. */
  private header(bytes: Uint8Array, i: number): number {
    if (this.headLength === 0) this.headStart = this.base + i;
    const length = bytes.length;
    for (;;) {
      const need = this.headLength < 2 ? 2 : headerLength(this.head);
      while (this.headLength < need && i < length) this.head[this.headLength++] = bytes[i++]!;
      // A 64-bit length with its top bit set is wrong from its first byte on.
      if (this.headLength >= 3 && (this.head[1]! & 0x7f) === 127 && this.head[2]! & 0x80) return this.fault('ws-length-msb', this.headStart + 2, say.lengthMsb(this.sender, this.frame + 1), bytes);
      if (this.headLength < need) return length;
      if (need === 2 && headerLength(this.head) > 2) continue;
      break;
    }
    return this.startFrame(bytes, i);
  }

  private startFrame(bytes: Uint8Array, i: number): number {
    const h = this.head;
    const frame = ++this.frame;
    const headerLength = this.headLength;
    this.headLength = 0;
    const fin = (h[0]! & 0x80) !== 0;
    const rsv = (h[0]! >> 4) & 7;
    const opcode = h[0]! & 0x0f;
    const masked = (h[1]! & 0x80) !== 0;
    const short = h[1]! & 0x7f;
    let payloadLength = short;
    if (short === 126) payloadLength = (h[2]! << 8) | h[3]!;
    if (short === 127) {
      const high = ((h[2]! << 24) >>> 0) + (h[3]! << 16) + (h[4]! << 8) + h[5]!;
      const low = ((h[6]! << 24) >>> 0) + (h[7]! << 16) + (h[8]! << 8) + h[9]!;
      if (high > 0x1fffff) {
        const hex = Array.from(h.subarray(2, 10), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
        return this.fault('ws-length-overflow', this.headStart + 2, say.lengthOverflow(this.sender, frame, hex), bytes);
      }
      payloadLength = high * 2 ** 32 + low;
    }
    const at = this.headStart;
    if (this.frameEvents) this.out.push({ type: 'frame-header', offset: at, length: headerLength, frame, fin, rsv, opcode, masked, payloadLength });
    this.fin = fin;
    this.control = isControlOpcode(opcode);
    if (masked) this.maskKey.set(h.subarray(headerLength - 4, headerLength));
    this.mask = masked ? this.maskKey : null;
    this.payloadLength = payloadLength;
    this.position = 0;
    const message = (this.current = this.messageFor(opcode, rsv, at, frame));
    message.record.frames++;
    frameProblems(this.rules, this.closeSent, { frame, fin, rsv, opcode, masked, short, payloadLength, at }, (code, offset, text) => message.problem(this.report, code, offset, text));
    if (payloadLength === 0) this.frameDone(this.base + i);
    else this.state = State.Payload;
    return i;
  }

  /**
   * Counting, between frames: the whole frames that ask for nothing but a count are read
   * here in one tight loop, with no builder and no event. Those are a text, binary, ping or
   * pong that is a message of its own, and a continuation (not the last) of a message that
   * needs no bytes, each under 126 bytes, whose problems, if any, were all reported
   * already. The first other frame, or one the read cuts, goes the long way. A peer's flood
   * of tiny frames costs the relay a few bytes' look each.
   */
  private countPlain(bytes: Uint8Array, i: number): number {
    const length = bytes.length;
    const client = this.sender === 'client';
    const data = this.data;
    const continues = data !== null && !data.needsBytes();
    let frames = 0;
    let messages = 0;
    while (i + 1 < length) {
      const b0 = bytes[i]!;
      const b1 = bytes[i + 1]!;
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      const rsv = (b0 >> 4) & 7;
      const masked = (b1 & 0x80) !== 0;
      const n = b1 & 0x7f;
      const control = isControlOpcode(opcode);
      const continuation = opcode === OPCODE.continuation;
      // A Close, a message's first or last fragment, a data frame amid a fragmented message, or a compressed one needs the long way.
      if (n > 125 || opcode === OPCODE.close) break;
      if (continuation ? fin || !continues : !control && (!fin || data !== null)) break;
      if (this.inflater && rsv & 4 && (opcode === OPCODE.text || opcode === OPCODE.binary)) break;
      const from = i + (masked ? 6 : 2);
      if (from + n > length) break;
      const known = opcode === OPCODE.text || opcode === OPCODE.binary || opcode === OPCODE.ping || opcode === OPCODE.pong || continuation;
      const plain = known && (fin || continuation) && rsv === 0 && masked === client && this.closeSent === null;
      // A header's problems follow from its first byte and mask bit (and whether a Close came): once all were reported, the same header has none new.
      const key = b0 | ((b1 & 0x80) << 1) | (this.closeSent ? 0x200 : 0);
      if (!plain && key !== this.quietHead) {
        if (!this.onlyReported(this.frame + frames + 1, b0, b1, this.base + i)) break;
        this.quietHead = key;
      }
      if (opcode === OPCODE.text && !this.textCounted(bytes, from, from + n, masked ? i + 2 : -1)) break;
      if (continuation) data!.counted(n, this.base + from + n);
      else messages++;
      i = from + n;
      frames++;
    }
    this.frame += frames;
    this.messages += messages;
    this.counted += messages;
    return i;
  }

  /** Every problem of this short frame's header was reported already (its first two bytes, at `at`). */
  private onlyReported(frame: number, b0: number, b1: number, at: number): boolean {
    let all = true;
    const head: FrameHead = { frame, fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked: (b1 & 0x80) !== 0, short: b1 & 0x7f, payloadLength: b1 & 0x7f, at };
    frameProblems(this.rules, this.closeSent, head, (code) => (all &&= this.reported.has(code)));
    return all;
  }

  /** A short text's payload bytes[from..to) (masked with the 4 bytes at `mask`, or -1) is UTF-8, or its problem was reported. */
  private textCounted(bytes: Uint8Array, from: number, to: number, mask: number): boolean {
    let high = 0;
    if (mask < 0) for (let k = from; k < to; k++) high |= bytes[k]!;
    else for (let k = from; k < to; k++) high |= bytes[k]! ^ bytes[mask + ((k - from) & 3)]!;
    if ((high & 0x80) === 0) return true;
    const text = this.scratch;
    for (let k = from; k < to; k++) text[k - from] = mask < 0 ? bytes[k]! : bytes[k]! ^ bytes[mask + ((k - from) & 3)]!;
    return (this.shortText.reset().push(text, 0, to - from, 0) && this.shortText.finish()) || this.reported.has('ws-invalid-utf8');
  }

  /** The message a frame belongs to: the fragmented one it continues, or a new one. */
  private messageFor(opcode: number, rsv: number, at: number, frame: number): MessageBuilder {
    if (isControlOpcode(opcode)) return this.begin(opcode, at, false);
    if (opcode === OPCODE.continuation) {
      if (this.data) return this.data;
      const orphan = (this.data = this.begin(opcode, at, false));
      orphan.problem(this.report, 'ws-unexpected-continuation', at, () => say.unexpectedContinuation(this.sender, frame));
      return orphan;
    }
    const unfinished = this.data;
    const compressed = this.inflater !== null && (opcode === OPCODE.text || opcode === OPCODE.binary) && (rsv & 4) !== 0;
    const message = (this.data = this.begin(opcode, at, compressed));
    if (unfinished) {
      message.problem(this.report, 'ws-interleaved-message', at, () => say.interleavedMessage(this.sender, frame, unfinished.record.index));
      this.emit(unfinished, false);
    }
    return message;
  }

  private begin(opcode: number, at: number, compressed: boolean): MessageBuilder {
    const spare = this.spare;
    this.spare = null;
    if (spare) return spare.restart(this.messages++, kindOfOpcode(opcode), opcode, at, compressed);
    return new MessageBuilder(this.sender, this.messages++, kindOfOpcode(opcode), opcode, at, compressed, this.limits);
  }

  // ---- frame ends ------------------------------------------------------------------

  private frameDone(end: number): void {
    this.flushDeferred();
    const message = this.current!;
    message.record.end = end;
    this.state = State.Header;
    this.current = null;
    if (this.control) {
      const record = this.emit(message, true);
      if (record.kind === 'close' && !this.closeSent) this.closeSent = record;
    } else if (this.fin) {
      this.data = null;
      this.emit(message, true);
    }
  }

  private emit(message: MessageBuilder, complete: boolean): WsMessageRecord {
    const record = message.finish(complete, this.inflater, this.report);
    if (this.counting && record.kind !== 'close') {
      this.counted++;
      this.spare = message;
    } else {
      this.out.push({ type: 'message', offset: record.offset, message: record });
    }
    return record;
  }

  // ---- findings ----------------------------------------------------------------------

  private readonly report: Report = (code, offset, text) => {
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.anomaly(code, offset, text());
  };

  private anomaly(code: AnomalyCode, offset: number, text: string): void {
    const event: WsEvent = { type: 'anomaly', code, cls: ANOMALIES[code].cls, offset, text };
    if (this.state === State.Payload) this.deferred.push(event);
    else this.out.push(event);
  }

  private flushDeferred(): void {
    if (this.deferred.length === 0) return;
    for (const event of this.deferred) this.out.push(event);
    this.deferred = [];
  }

  /** The frame's length cannot be trusted: from its first byte on, the stream is raw. */
  private fault(code: AnomalyCode, at: number, text: string, bytes: Uint8Array): number {
    this.anomaly(code, at, text);
    this.headLength = 0;
    this.state = State.Raw;
    // A fragmented message cut off by it is shown as far as it came.
    if (this.data) this.emit(this.data, false);
    this.data = null;
    const end = this.base + bytes.length;
    this.out.push({ type: 'raw', offset: this.headStart, length: end - this.headStart, reason: 'unparsed' });
    return bytes.length;
  }
}

/** Bytes of a frame header, from its first two bytes (RFC 6455 §5.2). */
function headerLength(h: Uint8Array): number {
  const short = h[1]! & 0x7f;
  return 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (h[1]! & 0x80 ? 4 : 0);
}
