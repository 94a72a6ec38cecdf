// Running the WebSocket parser over pieces of input, a readable log of what it found
// (the expected result of fixtures), and the invariants every run keeps.

import type { EndKind } from '../../../shared/http1';
import type { WsEvent, WsMessageRecord, WsSender } from '../../../shared/websocket';
import { quote } from '../../http1/test-support/ledger-log';
import { negotiatedExtensions } from '../deflate';
import { WebSocketParser, type WsParserOptions } from '../parser';

export function parserOptions(sender: WsSender, extensions: string | null, limits: WsParserOptions['limits'] = {}): WsParserOptions {
  const negotiated = negotiatedExtensions(extensions);
  return { deflate: negotiated.deflate?.[sender] ?? null, otherExtensions: negotiated.others, limits };
}

export function runPieces(sender: WsSender, pieces: Iterable<Uint8Array>, eof: EndKind, options: WsParserOptions = {}): WsEvent[] {
  const parser = new WebSocketParser(sender, options);
  const events: WsEvent[] = [];
  for (const piece of pieces) for (const e of parser.feed(piece)) events.push(e);
  for (const e of parser.end(eof)) events.push(e);
  return events;
}

/** Adjacent pieces of one span merged: how many pieces a payload arrives in depends on the reads, and is the only thing that may. */
export function normalize(events: readonly WsEvent[]): unknown[] {
  const out: WsEvent[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (prev && (e.type === 'frame-payload' || e.type === 'raw') && prev.type === e.type && prev.offset + prev.length === e.offset && (e.type !== 'raw' || (prev as typeof e).reason === e.reason)) {
      out[out.length - 1] = { ...prev, length: prev.length + e.length } as WsEvent;
      continue;
    }
    out.push(e);
  }
  return out.map((e) => (e.type === 'message' ? { ...e, message: { ...e.message, preview: Array.from(e.message.preview) } } : e));
}

/** Spans (headers, payloads, raw bytes) must cover [0, total) exactly once. */
export function coverageProblem(events: readonly WsEvent[], total: number): string | null {
  const spans = events.filter((e): e is Extract<WsEvent, { length: number }> => 'length' in e && e.length > 0);
  spans.sort((a, b) => a.offset - b.offset);
  let at = 0;
  for (const span of spans) {
    if (span.offset !== at) return `${span.offset > at ? 'gap' : 'overlap'} at byte ${at} (next span: ${span.type} @${span.offset}+${span.length})`;
    at += span.length;
  }
  return at === total ? null : `spans end at ${at}, input has ${total} bytes`;
}

function messageLine(m: WsMessageRecord): string {
  const size = m.size === null ? 'size=?' : `size=${m.size}`;
  const flags = [m.complete ? 'complete' : 'INCOMPLETE', m.compressed ? (m.decompressed ? 'decompressed' : 'compressed') : ''].filter(Boolean).join(' ');
  const preview = m.preview.length > 0 ? ` ${quote(Buffer.from(m.preview).toString('latin1'))}${m.previewCut ? '…' : ''}` : '';
  return `message ${m.sender}#${m.index} ${m.kind}${m.kind === 'reserved' ? `(0x${m.opcode.toString(16)})` : ''} @${m.offset}-${m.end} frames=${m.frames} wire=${m.wireLength} ${size} ${flags}${preview}`;
}

/** The log of a run, one line per frame, message, finding and raw span. */
export function wsLog(events: readonly WsEvent[]): string {
  const lines: string[] = [];
  for (const e of normalize(events) as WsEvent[]) {
    switch (e.type) {
      case 'frame-header':
        lines.push(`frame ${e.frame} @${e.offset}+${e.length} ${e.fin ? 'fin' : 'nofin'} op=${e.opcode}${e.rsv ? ` rsv=${e.rsv}` : ''}${e.masked ? ' masked' : ''} len=${e.payloadLength}`);
        break;
      case 'message': {
        const m = e.message;
        lines.push(messageLine(m));
        if (m.close) lines.push(`  close ${m.close.code ?? '-'} (${m.close.meaning}) reason=${quote(m.close.reason)}`);
        if (m.note) lines.push(`  note ${m.note}`);
        if (m.problems.length > 0) lines.push(`  problems ${m.problems.join(' ')}`);
        break;
      }
      case 'anomaly':
        lines.push(`! ${e.code} ${e.cls} @${e.offset}`);
        break;
      case 'raw':
        lines.push(`raw @${e.offset}+${e.length} ${e.reason}`);
        break;
      case 'end':
        lines.push(`end ${e.kind} @${e.offset}`);
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}

export function* bytewise(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

export function piecesAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}
