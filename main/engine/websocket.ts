// An exchange's WebSocket for the UI (the API's webSocketMessages, and the row's count):
// the messages its connection's detail analysis kept, a page at a time, each with a text
// or a data preview, and the account of the socket.

import type { WebSocketMessagesResult, WebSocketRow } from '../../shared/api';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { messageView, type WebSocketAnalysis } from '../analysis/websocket';
import { webSocketHeadline } from '../analysis/websocket-account';

/** Messages in one answer: a socket far ahead is caught up in several small answers. */
export const MESSAGES_PER_ANSWER = 500;

export function webSocketRow(ws: WebSocketAnalysis): WebSocketRow {
  const account = ws.account();
  return { messages: ws.total, client: ws.counts.client, server: ws.counts.server, closed: account.over };
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
    messages: ws.messages.slice(start, start + MESSAGES_PER_ANSWER).map(messageView),
    from: start,
    kept: ws.messages.length,
    omitted: ws.omitted,
    account: webSocket,
    headline,
    tone,
    open: received === null,
  };
}
