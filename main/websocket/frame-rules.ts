// The rules RFC 6455 §5 sets for a frame's header, apart from the parser so that its
// long way (every frame) and its counting loop (frames whose problems were all reported)
// judge a header by the same lines.

import type { AnomalyCode } from '../../shared/anomalies';
import { isControlOpcode, kindOfOpcode, OPCODE, type WsMessageRecord, type WsSender } from '../../shared/websocket';
import * as say from './sentences';

/** A frame's header as read. */
export interface FrameHead {
  frame: number;
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The 7-bit length field as sent (126 and 127 say a longer one follows). */
  short: number;
  payloadLength: number;
  at: number;
}

/** What the rules need to know of the direction. */
export interface FrameRules {
  readonly sender: WsSender;
  /** permessage-deflate is in effect for this sender. */
  readonly deflate: boolean;
  /** Other extensions were agreed: reserved bits are theirs, not judged. */
  readonly otherExtensions: boolean;
}

/** What RFC 6455 §5 asks of a frame's header (`closeSent`: the sender's first Close, once it came): each problem it has, to `found`. */
export function frameProblems(rules: FrameRules, closeSent: WsMessageRecord | null, f: FrameHead, found: (code: AnomalyCode, offset: number, text: () => string) => void): void {
  const kind = kindOfOpcode(f.opcode);
  const control = isControlOpcode(f.opcode);
  if (closeSent) found('ws-data-after-close', f.at, () => say.dataAfterClose(rules.sender, f.frame, closeSent.index));
  if (kind === 'reserved') found('ws-reserved-opcode', f.at, () => say.reservedOpcode(rules.sender, f.frame, f.opcode));
  if (f.rsv !== 0 && !rules.otherExtensions) {
    const first = f.opcode === OPCODE.text || f.opcode === OPCODE.binary;
    const why = !rules.deflate ? 'no-extension' : control ? 'control' : f.rsv & 3 ? 'only-rsv1' : f.opcode === OPCODE.continuation ? 'not-first' : first ? null : 'no-extension';
    if (why) found('ws-reserved-bits', f.at, () => say.reservedBits(rules.sender, f.frame, f.rsv, why));
  }
  if (rules.sender === 'client' && !f.masked) found('ws-unmasked-client-frame', f.at + 1, () => say.unmaskedClientFrame(f.frame));
  if (rules.sender === 'server' && f.masked) found('ws-masked-server-frame', f.at + 1, () => say.maskedServerFrame(f.frame));
  if ((f.short === 126 && f.payloadLength < 126) || (f.short === 127 && f.payloadLength < 0x10000)) {
    found('ws-non-minimal-length', f.at + 2, () => say.nonMinimalLength(rules.sender, f.frame, f.payloadLength, f.short === 126 ? 2 : 8));
  }
  if (control && f.payloadLength > 125) found('ws-control-too-long', f.at + 1, () => say.controlTooLong(rules.sender, f.frame, kind, f.payloadLength));
  if (control && !f.fin) found('ws-control-fragmented', f.at, () => say.controlFragmented(rules.sender, f.frame, kind));
}
