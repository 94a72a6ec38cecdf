// One message as its frames' payloads arrive: unmasked only as far as something needs the
// bytes (the preview, the UTF-8 check of text, a Close body, a compressed message held to
// be decompressed), so an analysis that only counts reads a binary stream by lengths alone.

import type { AnomalyCode } from '../../shared/anomalies';
import { closeCodeAllowed, closeCodeMeaning, type WsClose, type WsKind, type WsMessageRecord, type WsSender } from '../../shared/websocket';
import { size } from '../../shared/words';
import type { Inflated, MessageInflater } from './deflate';
import type { WebSocketLimits } from './limits';
import * as say from './sentences';
import { firstInvalidUtf8, Utf8Validator } from './utf8';

/**
 * Where the problems a message finds go (the parser reports the first of each code). The
 * sentence is made only when it is reported: a flood of frames with the same problem
 * words it once.
 */
export type Report = (code: AnomalyCode, offset: number, text: () => string, record: WsMessageRecord) => void;

/** A Close body is read up to this many bytes (125 is all it may have). */
const CLOSE_BODY = 1024;
const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder('utf-8', { fatal: false });

export class MessageBuilder {
  readonly record: WsMessageRecord;
  private utf8: Utf8Validator | null;
  private preview: Uint8Array = EMPTY;
  private previewLength = 0;
  /** A compressed message's payload, held whole to be decompressed; null once over the limit. */
  private held: Uint8Array[] | null;
  private heldLength = 0;
  private closeBody: Uint8Array | null;
  private closeLength = 0;
  /** Where the Close body began (the first payload byte). */
  private closeAt = -1;

  constructor(
    sender: WsSender,
    index: number,
    kind: WsKind,
    opcode: number,
    offset: number,
    compressed: boolean,
    private readonly limits: WebSocketLimits,
  ) {
    this.record = { sender, index, kind, opcode, offset, end: offset, frames: 0, wireLength: 0, size: null, compressed, decompressed: false, note: null, preview: EMPTY, previewCut: false, close: null, complete: false, problems: [] };
    this.utf8 = null;
    this.held = null;
    this.closeBody = null;
    this.start(kind, compressed);
  }

  /** The same builder for the next message, when nothing kept the last one's record (a parser that counts). */
  restart(index: number, kind: WsKind, opcode: number, offset: number, compressed: boolean): this {
    const r = this.record;
    r.index = index;
    r.kind = kind;
    r.opcode = opcode;
    r.offset = r.end = offset;
    r.frames = r.wireLength = 0;
    r.size = r.close = r.note = null;
    r.compressed = compressed;
    r.decompressed = r.previewCut = r.complete = false;
    r.preview = EMPTY;
    if (r.problems.length > 0) r.problems = [];
    this.previewLength = this.heldLength = this.closeLength = 0;
    this.closeAt = -1;
    this.start(kind, compressed);
    return this;
  }

  private start(kind: WsKind, compressed: boolean): void {
    this.utf8 = kind === 'text' && !compressed ? (this.utf8?.reset() ?? new Utf8Validator()) : null;
    this.held = compressed ? [] : null;
    this.closeBody = kind === 'close' ? new Uint8Array(CLOSE_BODY) : null;
  }

  /** A problem of this message: noted once per code, and reported. */
  problem(report: Report, code: AnomalyCode, offset: number, text: () => string): void {
    if (!this.record.problems.includes(code)) this.record.problems.push(code);
    report(code, offset, text, this.record);
  }

  /**
   * Payload bytes of one of its frames as sent: bytes[from..to), the first at stream offset
   * `at` and `position` bytes into the frame's payload, masked with `mask` (or not).
   */
  payload(bytes: Uint8Array, from: number, to: number, at: number, position: number, mask: Uint8Array | null, report: Report): void {
    const r = this.record;
    const length = to - from;
    const wantPreview = !r.compressed && this.previewLength < this.limits.previewBytes;
    const wantClose = this.closeBody !== null && this.closeLength < CLOSE_BODY;
    if (!this.utf8 && !wantPreview && !wantClose && !this.held) {
      r.wireLength += length;
      return;
    }
    // Only as much is unmasked as anything needs: all of it for text or a held message.
    const need = this.utf8 || this.held ? length : Math.min(length, Math.max(wantPreview ? this.limits.previewBytes - this.previewLength : 0, wantClose ? CLOSE_BODY - this.closeLength : 0));
    const plain = mask ? unmask(bytes, from, from + need, mask, position) : bytes.subarray(from, from + need);
    if (this.utf8 && this.utf8.failedAt < 0 && !this.utf8.push(plain, 0, plain.length, at)) {
      this.problem(report, 'ws-invalid-utf8', this.utf8.failedAt, () => say.invalidUtf8(r.sender, r.index, 'text', null));
    }
    if (wantPreview) this.keepPreview(plain.subarray(0, this.limits.previewBytes - this.previewLength));
    if (wantClose) {
      if (this.closeAt < 0) this.closeAt = at - position;
      const n = Math.min(plain.length, CLOSE_BODY - this.closeLength);
      this.closeBody!.set(plain.subarray(0, n), this.closeLength);
      this.closeLength += n;
    }
    if (this.held) {
      if (this.heldLength + length > this.limits.maxDeflateInput) {
        this.held = null;
      } else {
        this.held.push(mask ? plain : plain.slice());
        this.heldLength += length;
      }
    }
    r.wireLength += length;
  }

  /** Its payload's bytes are wanted: for a preview, a UTF-8 check, a Close body or to be decompressed. */
  needsBytes(): boolean {
    return this.utf8 !== null || this.held !== null || this.closeBody !== null || (!this.record.compressed && this.previewLength < this.limits.previewBytes);
  }

  /** One more frame of `length` payload bytes, ending at `end`, when none of its bytes are wanted (see needsBytes). */
  counted(length: number, end: number): void {
    const r = this.record;
    r.frames++;
    r.wireLength += length;
    r.end = end;
  }

  private keepPreview(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const need = this.previewLength + bytes.length;
    if (need > this.preview.length) {
      // Sized to what came (most messages are one frame): a 16-byte message keeps 16 bytes.
      const grown = new Uint8Array(Math.min(this.limits.previewBytes, Math.max(need, this.preview.length * 2)));
      grown.set(this.preview.subarray(0, this.previewLength));
      this.preview = grown;
    }
    this.preview.set(bytes, this.previewLength);
    this.previewLength = need;
  }

  /** Its last frame arrived (complete), or the stream ended first: the record, checked. */
  finish(complete: boolean, inflater: MessageInflater | null, report: Report): WsMessageRecord {
    const r = this.record;
    r.complete = complete;
    if (r.compressed && inflater) this.decompress(complete, inflater, report);
    else if (!r.compressed) r.size = r.wireLength;
    if (this.utf8 && complete && this.utf8.failedAt < 0 && !this.utf8.finish()) {
      this.problem(report, 'ws-invalid-utf8', this.utf8.failedAt, () => say.invalidUtf8(r.sender, r.index, 'text', null));
    }
    if (this.closeBody && complete) r.close = this.readClose(report);
    r.preview = this.previewLength === this.preview.length ? this.preview : this.preview.slice(0, this.previewLength);
    r.previewCut = (r.size ?? r.wireLength) > r.preview.length;
    this.preview = EMPTY;
    return r;
  }

  private decompress(complete: boolean, inflater: MessageInflater, report: Report): void {
    const r = this.record;
    let result: Inflated;
    if (!complete) result = inflater.skip(r.index, 'its last frame never arrived');
    else if (!this.held) result = inflater.skip(r.index, `it is larger than ${size(this.limits.maxDeflateInput)} compressed, the analysis' limit`);
    else result = inflater.inflate(r.index, this.held, this.heldLength);
    this.held = null;
    if (result.kind === 'failed') {
      r.note = `not decompressed: ${result.reason}`;
      this.problem(report, 'ws-inflate-failed', r.offset, () => say.inflateFailed(r.sender, r.index, result.reason));
      return;
    }
    if (result.kind === 'skipped') {
      r.note = `not decompressed: ${result.note}`;
      return;
    }
    r.decompressed = true;
    r.size = result.data.length;
    this.keepPreview(result.data.subarray(0, this.limits.previewBytes));
    if (r.kind === 'text') {
      const bad = firstInvalidUtf8(result.data);
      if (bad >= 0) this.problem(report, 'ws-invalid-utf8', r.offset, () => say.invalidUtf8(r.sender, r.index, 'text', bad));
    }
  }

  /** Its status code and reason (RFC 6455 §5.5.1, §7.4). */
  private readClose(report: Report): WsClose {
    const r = this.record;
    const body = this.closeBody!.subarray(0, this.closeLength);
    if (body.length === 0) return { code: null, reason: '', meaning: 'no status code (read as 1005, no status received)' };
    if (body.length === 1) {
      this.problem(report, 'ws-close-one-byte', this.closeAt, () => say.closeOneByte(r.sender, r.index));
      return { code: null, reason: '', meaning: 'a 1-byte body, no status code' };
    }
    const code = (body[0]! << 8) | body[1]!;
    if (!closeCodeAllowed(code)) this.problem(report, 'ws-close-code-invalid', this.closeAt, () => say.closeCodeInvalid(r.sender, r.index, code));
    const reason = body.subarray(2);
    const bad = firstInvalidUtf8(reason);
    if (bad >= 0) this.problem(report, 'ws-invalid-utf8', this.closeAt + 2 + bad, () => say.invalidUtf8(r.sender, r.index, 'close-reason', null));
    return { code, reason: decoder.decode(reason), meaning: closeCodeMeaning(code) };
  }
}

/** bytes[from..to) unmasked, the first being byte `position` of the frame's payload (RFC 6455 §5.3). */
export function unmask(bytes: Uint8Array, from: number, to: number, mask: Uint8Array, position: number): Uint8Array {
  const n = to - from;
  const out = new Uint8Array(n);
  // The mask turned to start where this piece does, four bytes a turn.
  const k = position & 3;
  const m0 = mask[k]!;
  const m1 = mask[(k + 1) & 3]!;
  const m2 = mask[(k + 2) & 3]!;
  const m3 = mask[(k + 3) & 3]!;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    out[i] = bytes[from + i]! ^ m0;
    out[i + 1] = bytes[from + i + 1]! ^ m1;
    out[i + 2] = bytes[from + i + 2]! ^ m2;
    out[i + 3] = bytes[from + i + 3]! ^ m3;
  }
  for (; i < n; i++) out[i] = bytes[from + i]! ^ mask[(k + i) & 3]!;
  return out;
}
