// The WebSocket in the one account (DESIGN.md principle 8): how many messages each side
// sent, who sent Close first with what code, whether the other side answered, and then who
// ended the TCP connection and how; and the finding when the close handshake never
// completed (RFC 6455 §7.1.5: the WebSocket was not closed cleanly).

import type { AccountTone } from '../../shared/account';
import { ANOMALIES, isErrorAnomaly, isWebSocketCode } from '../../shared/anomalies';
import { printable } from '../../shared/printable';
import type { WebSocketAccount, WebSocketRecord, WsCloseSeen, WsSender } from '../../shared/websocket';
import { groupDigits, howItEnded, plural } from '../../shared/words';
import type { ConnectionAnalyzer } from './connection';
import { accountEnds, firstEnd } from './ends';
import { messageView, type WebSocketAnalysis, type WsFound } from './websocket';

const OTHER: Record<WsSender, WsSender> = { client: 'server', server: 'client' };
const STREAM: Record<WsSender, 0 | 1> = { client: 0, server: 1 };

/** "Close (1000, normal closure: "bye")", "Close (no status code)". */
export function closeWords(close: WsCloseSeen, reason = true): string {
  if (close.code === null) return 'Close (no status code)';
  const why = reason && close.reason !== '' ? `: "${printable(close.reason)}"` : '';
  return `Close (${close.code}, ${close.meaning}${why})`;
}

function messageCount(account: WebSocketAccount): string {
  const { client, server } = account.messages;
  return `${plural(client + server, 'message')} (${groupDigits(client)} from the client, ${groupDigits(server)} from the server)`;
}

/** The WebSocket's headline and tone: what the account of its exchange and of its connection say. */
export function webSocketHeadline(a: ConnectionAnalyzer, ws: WebSocketAnalysis): { tone: AccountTone; headline: string; webSocket: WebSocketAccount } {
  const account = ws.account();
  const first = firstEnd(accountEnds(a.closes, a.tls?.client != null));
  const captureEnded = a.streamEnd(1)?.kind === 'open';
  const count = messageCount(account);
  const then = first ? `; then ${howItEnded(first)}` : captureEnded ? '; the connection was still open when the capture ended' : '';
  const said = (tone: AccountTone, headline: string) => ({ tone: problems(a, ws) ? 'problem' : tone, headline, webSocket: account });
  const by = account.closedBy;
  if (by) {
    const sent = `the ${by} sent ${closeWords(account.closes[by]!)}`;
    const other = account.closes[OTHER[by]];
    if (other) {
      const abrupt = first !== null && (first.how === 'rst' || first.how === 'error');
      return said(abrupt ? 'problem' : 'ok', `WebSocket closed${abrupt ? '' : ' cleanly'}: ${count}; ${sent}, the ${OTHER[by]} answered with ${closeWords(other, false)}${then}`);
    }
    if (first) return said('problem', `WebSocket closed without the close handshake: ${count}; ${sent} and the ${OTHER[by]} never answered${then}`);
    if (captureEnded) return said('problem', `WebSocket closing when the capture ended: ${count}; ${sent} and the ${OTHER[by]} had not answered`);
    return said('live', `WebSocket closing: ${count}; ${sent}, waiting for the ${OTHER[by]}'s Close`);
  }
  if (first) return said('problem', `WebSocket ended without a Close frame: ${count}${then}`);
  if (captureEnded) return said('ok', `WebSocket still open when the capture ended: ${count}`);
  return said('live', `WebSocket open: ${count}`);
}

/** An error-class finding on the WebSocket's frames. */
function problems(a: ConnectionAnalyzer, ws: WebSocketAnalysis): boolean {
  const { request, response } = a.exchangeMessages(ws.exchange);
  const bad = (m: typeof request, direction: 'request' | 'response') => m?.anomalies.some((x) => isWebSocketCode(x.code) && isErrorAnomaly(x.cls, direction)) === true;
  return bad(request, 'request') || bad(response, 'response');
}

/**
 * Once both directions ended: the close handshake never completed (ws-no-close-frame), on
 * the side that sent no Close frame (or, when neither did, the side that ended first).
 */
export function closeHandshakeFinding(a: ConnectionAnalyzer, ws: WebSocketAnalysis): WsFound | null {
  const account = ws.account();
  if (account.answered || ws.lost.client || ws.lost.server) return null;
  if (a.streamEnd(0)?.kind === 'open' || a.streamEnd(1)?.kind === 'open') return null; // the capture ended first
  const first = firstEnd(accountEnds(a.closes, a.tls?.client != null));
  if (!first || first.who === 'proxy') return null;
  const by = account.closedBy;
  let silent: WsSender;
  let text: string;
  if (by) {
    silent = OTHER[by];
    text = `the ${silent} never answered the ${by}'s ${closeWords(account.closes[by]!)} with a Close frame of its own before ${howItEnded(first)}: each side sends one, and only then is the WebSocket closed cleanly (RFC 6455 §5.5.1, §7.1.1)`;
  } else {
    silent = first.who === 'client' ? 'client' : 'server';
    text = `${howItEnded(first)} with no Close frame from either side: the WebSocket was not closed cleanly (RFC 6455 §7.1.5: 1006, abnormal closure)`;
  }
  const stream = STREAM[silent];
  const owner = a.exchangeMessages(ws.exchange)[stream === 0 ? 'request' : 'response'];
  if (!owner) return null;
  return { stream, event: { type: 'anomaly', message: owner.index, code: 'ws-no-close-frame', cls: ANOMALIES['ws-no-close-frame'].cls, offset: a.streamBytes(stream), text } };
}

/** The WebSocket as a connection's report carries it on its exchange (`inspect --json`). */
export function webSocketRecord(a: ConnectionAnalyzer, ws: WebSocketAnalysis): WebSocketRecord {
  const { headline, webSocket } = webSocketHeadline(a, ws);
  return { protocol: ws.protocol, extensions: ws.extensions, deflate: ws.negotiated.deflate, account: webSocket, headline, messages: ws.messages.map(messageView), omitted: ws.omitted };
}
