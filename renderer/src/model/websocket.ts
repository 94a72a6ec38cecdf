// What the Messages tab says of a WebSocket and its messages: who sent each, what it is,
// how big (decoded, and as sent when compressed), its text or first bytes cut with an
// ellipsis, its close code in words. Pure, so tested alone; numbers and sizes read as
// everywhere else (shared/words.ts), close codes as shared/websocket.ts words them.

import type { WebSocketMessagesResult } from '../../../shared/api';
import type { AnomalyRecord } from '../../../shared/ledger';
import type { WebSocketMessage, WsSender } from '../../../shared/websocket';
import { atByte, groupDigits, plural, size } from '../../../shared/words';

/** Characters of a text shown in a row; the rest is behind an ellipsis. */
export const ROW_TEXT = 160;
/** Bytes of binary data shown in hex in a row. */
export const ROW_HEX = 24;

/** "client → server", "server → client". */
export function direction(from: WsSender): string {
  return from === 'client' ? 'client → server' : 'server → client';
}

/** "text", "close", or a reserved opcode by number: "opcode 0x3 (reserved)". */
export function kindLabel(m: Pick<WebSocketMessage, 'kind' | 'opcode'>): string {
  return m.kind === 'reserved' ? `opcode 0x${m.opcode.toString(16)} (reserved)` : m.kind;
}

/** "5 B"; compressed: "5 B (11 B sent)"; not decompressed: "11 B sent". */
export function sizeLabel(m: Pick<WebSocketMessage, 'size' | 'wireLength' | 'compressed'>): string {
  if (m.size === null) return `${size(m.wireLength)} sent`;
  return m.compressed ? `${size(m.size)} (${size(m.wireLength)} sent)` : size(m.size);
}

/** Text with control characters made visible (\xHH), as inspect shows them. */
export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

export function bytesOf(base64: string | null): Uint8Array {
  if (!base64) return new Uint8Array(0);
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** A close code, its meaning and its reason: `4000 private use (4000-4999) "bye"`. */
export function closeLabel(close: NonNullable<WebSocketMessage['close']>): string {
  return `${close.code ?? '(no code)'} ${close.meaning}${close.reason ? ` "${visibleText(close.reason)}"` : ''}`;
}

/**
 * What a row shows of a message's payload: its close code, its text, or its first bytes
 * in hex; an ellipsis where the message goes on (beyond the row, or beyond what was kept).
 */
export function preview(m: WebSocketMessage, limits = { text: ROW_TEXT, hex: ROW_HEX }): { text: string; hex: boolean; cut: boolean } {
  if (m.close) return { text: closeLabel(m.close), hex: false, cut: false };
  if (m.compressed && !m.decompressed) return { text: `(not decompressed: ${m.note ?? 'no reason given'})`, hex: false, cut: false };
  if (m.text !== null) {
    const text = visibleText(m.text);
    const cut = m.cut || text.length > limits.text;
    return { text: `${text.slice(0, limits.text)}${cut ? '…' : ''}`, hex: false, cut };
  }
  const bytes = bytesOf(m.data);
  const cut = m.cut || bytes.length > limits.hex;
  return { text: `${hexBytes(bytes.subarray(0, limits.hex))}${cut ? ' …' : ''}`, hex: true, cut };
}

/** "compressed, shown decompressed" / "compressed, not decompressed: why" / null. */
export function compressionLabel(m: Pick<WebSocketMessage, 'compressed' | 'decompressed' | 'note'>): string | null {
  if (!m.compressed) return null;
  return m.decompressed ? 'compressed (permessage-deflate), shown decompressed' : `compressed (permessage-deflate), not decompressed: ${m.note ?? 'no reason given'}`;
}

/** The handshake, in words: subprotocol, extensions, each side's deflate context. */
export function handshakeLabel(view: Pick<WebSocketMessagesResult, 'protocol' | 'extensions' | 'deflate'>): string[] {
  const parts = [view.protocol ? `subprotocol ${view.protocol}` : 'no subprotocol', view.extensions ? `extensions: ${view.extensions}` : 'no extension'];
  if (view.deflate) {
    const side = (s: WsSender) => {
      const d = view.deflate![s];
      return `the ${s} ${d.contextTakeover ? 'keeps' : 'resets'} its context, window 2^${d.maxWindowBits}`;
    };
    parts.push(`permessage-deflate: ${side('client')}; ${side('server')}`);
  }
  return parts;
}

/** "12 messages (6 from the client, 6 from the server)" and, past the kept ones, "N more counted, not kept". */
export function countLabel(view: Pick<WebSocketMessagesResult, 'account' | 'omitted' | 'open'>): string {
  const { client, server } = view.account.messages;
  const parts = [`${plural(client + server, 'message')} (${groupDigits(client)} from the client, ${groupDigits(server)} from the server)`];
  if (view.omitted > 0) parts.push(`${groupDigits(view.omitted)} more counted, not kept`);
  if (view.open) parts.push('still open: messages appear as they arrive');
  return parts.join(' · ');
}

/** A message's problems, each with the finding that has its sentence when it lies in this message's bytes. */
export function problemsOf(m: WebSocketMessage, findings: readonly AnomalyRecord[]): { code: string; offset: number; sentence: string | null }[] {
  return m.problems.map((code) => {
    const found = findings.find((f) => f.code === code && f.offset >= m.offset && f.offset < Math.max(m.end, m.offset + 1));
    return { code, offset: found?.offset ?? m.offset, sentence: found?.message ?? null };
  });
}

/** "ws-reserved-opcode at byte 129". */
export function problemLabel(problem: { code: string; offset: number }): string {
  return `${problem.code} ${atByte(problem.offset)}`;
}
