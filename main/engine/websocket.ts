// An exchange's WebSocket for the UI (the API's webSocketMessages, and the row's count):
// the messages its connection's detail analysis kept, a page at a time, each with a text
// or a data preview, and the account of the socket.

import type { WebSocketMessage, WebSocketMessagesResult, WebSocketRow } from '../../shared/api';
import type { WsMessageEntry } from '../../shared/websocket';
import type { ConnectionAnalyzer } from '../analysis/connection';
import type { WebSocketAnalysis } from '../analysis/websocket';
import { webSocketHeadline } from '../analysis/websocket-account';

/** Messages in one answer: a socket far ahead is caught up in several small answers. */
export const MESSAGES_PER_ANSWER = 500;

const decoder = new TextDecoder('utf-8', { fatal: false });

export function webSocketRow(ws: WebSocketAnalysis): WebSocketRow {
  const account = ws.account();
  return { messages: ws.total, client: ws.counts.client, server: ws.counts.server, closed: account.over };
}

export function webSocketMessage(m: WsMessageEntry): WebSocketMessage {
  const text = m.kind === 'text' && (!m.compressed || m.decompressed);
  return {
    seq: m.seq,
    from: m.sender,
    index: m.index,
    kind: m.kind,
    opcode: m.opcode,
    first: m.first,
    last: m.last,
    stream: m.sender === 'client' ? 0 : 1,
    offset: m.offset,
    end: m.end,
    frames: m.frames,
    wireLength: m.wireLength,
    size: m.size,
    compressed: m.compressed,
    decompressed: m.decompressed,
    note: m.note,
    // A preview cut inside a character ends with a replacement character; a whole one does not.
    text: text ? decoder.decode(m.preview) : null,
    data: text ? null : Buffer.from(m.preview).toString('base64'),
    cut: m.previewCut,
    close: m.close,
    complete: m.complete,
    problems: m.problems,
  };
}

/** Messages #from on of the WebSocket that exchange #index (`id`) began, on connection analysis `a`. */
export function webSocketMessages(a: ConnectionAnalyzer, index: number, id: string, from: number): WebSocketMessagesResult {
  const ws = a.webSocket;
  if (!ws || ws.exchange !== index) throw new Error(`exchange #${index + 1} on c${a.number} began no WebSocket: it was not a 101 Switching Protocols to a request with Upgrade: websocket`);
  const start = Math.min(from, ws.messages.length);
  const { tone, headline, webSocket } = webSocketHeadline(a, ws);
  const received = a.streamEnd(1);
  return {
    id,
    protocol: ws.protocol,
    extensions: ws.extensions,
    deflate: ws.negotiated.deflate,
    messages: ws.messages.slice(start, start + MESSAGES_PER_ANSWER).map(webSocketMessage),
    from: start,
    kept: ws.messages.length,
    omitted: ws.omitted,
    account: webSocket,
    headline,
    tone,
    open: received === null,
  };
}
