// The WebSocket of an exchange in `inspect`'s human output: what the handshake agreed, one
// line per message (when, who, what, how big, its text or first bytes, its problems), and
// how many more were counted than listed.

import { printable } from '../../shared/printable';
import type { WebSocketMessage, WebSocketRecord } from '../../shared/websocket';
import { duration, groupDigits, plural, size } from '../../shared/words';
import { append, type HumanOptions } from './human';

/** Text as UTF-8 decoded, with control characters made visible (\xHH). */
function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function handshake(ws: WebSocketRecord): string {
  const parts: string[] = [];
  if (ws.protocol) parts.push(`subprotocol ${printable(ws.protocol)}`);
  if (ws.deflate) {
    const context = (['client', 'server'] as const).map((s) => `${s} ${ws.deflate![s].contextTakeover ? 'keeps' : 'resets'} its context`).join(', ');
    parts.push(`permessage-deflate (${context})`);
  }
  const others = ws.extensions && !ws.deflate ? `extensions ${printable(ws.extensions)}` : null;
  if (others) parts.push(others);
  return parts.length > 0 ? parts.join(' · ') : 'no extension';
}

/** Its text, its close code, or its first bytes in hex. */
function content(m: WebSocketMessage): string {
  if (m.close) return `${m.close.code ?? '(no code)'} ${m.close.meaning}${m.close.reason ? ` "${visible(m.close.reason)}"` : ''}`;
  if (m.compressed && !m.decompressed) return `(${m.note ?? 'not decompressed'})`;
  if (m.text !== null) {
    const text = visible(m.text);
    return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}${m.cut && text.length <= 60 ? '…' : ''}"`;
  }
  const bytes = Buffer.from(m.data ?? '', 'base64');
  return bytes.length === 0 ? '' : `${bytes.subarray(0, 16).toString('hex').replace(/(..)/g, '$1 ').trim()}${bytes.length > 16 || m.cut ? ' …' : ''}`;
}

function messageLine(m: WebSocketMessage): string {
  const kind = `${m.kind === 'reserved' ? `op 0x${m.opcode.toString(16)}` : m.kind}${m.compressed ? ' (deflate)' : ''}`;
  const problems = m.problems.length > 0 ? `  ✗ ${m.problems.join(', ')}` : '';
  const incomplete = m.complete ? '' : '  INCOMPLETE';
  return `     ${pad(String(m.seq + 1), 6, true)}  ${pad(duration(m.first), 9, true)}  ${pad(m.from, 6)}  ${pad(kind, 16)}  ${pad(String(m.frames), 6, true)}  ${pad(m.size === null ? `${size(m.wireLength)} sent` : size(m.size), 10, true)}  ${content(m)}${incomplete}${problems}`;
}

/** Lines for the WebSocket an exchange's 101 began. */
export function webSocketLines(ws: WebSocketRecord, options: HumanOptions): string[] {
  const total = ws.account.messages.client + ws.account.messages.server;
  const lines = [`   WebSocket   ${handshake(ws)} · ${plural(total, 'message')} (${groupDigits(ws.account.messages.client)} from the client, ${groupDigits(ws.account.messages.server)} from the server)`];
  const shown = options.maxChunks > 0 ? ws.messages.slice(0, options.maxChunks) : ws.messages;
  if (shown.length > 0) {
    lines.push(`     ${pad('#', 6, true)}  ${pad('at', 9, true)}  ${pad('from', 6)}  ${pad('kind', 16)}  ${pad('frames', 6, true)}  ${pad('size', 10, true)}  content`);
    append(lines, shown.map(messageLine));
  }
  const more = total - shown.length;
  if (more > 0) lines.push(`     … ${plural(more, 'more message')} (--all-chunks lists those kept${ws.omitted > 0 ? `; ${groupDigits(ws.omitted)} were counted, not kept` : ''})`);
  return lines;
}
