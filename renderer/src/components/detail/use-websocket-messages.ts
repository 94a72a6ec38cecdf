// The messages of an exchange's WebSocket, kept up to date while it is open: asked again
// when its row says more messages came or the socket closed (at most twice a second, one
// request at a time), and only for the messages after those already shown.
import { useEffect, useRef, useState } from 'react';
import type { WebSocketMessage, WebSocketMessagesResult } from '../../../../shared/api';
import { useApi, useApp } from '../../context';

export interface MessagesState {
  view: WebSocketMessagesResult | null;
  /** Every message so far (the view's `messages` hold only the last page). */
  messages: WebSocketMessage[];
  error: string | null;
}

const EMPTY: MessagesState = { view: null, messages: [], error: null };

export function useWebSocketMessages(id: string): MessagesState {
  const api = useApi();
  // What changes when a message came or the socket ended; not the row object, sent again for other reasons.
  const progress = useApp((s) => {
    const at = s.index.get(id);
    const ws = at === undefined ? undefined : s.rows[at]?.webSocket;
    const row = at === undefined ? undefined : s.rows[at];
    return ws ? `${ws.messages}:${ws.closed}:${row?.ended?.how ?? ''}:${row?.anomalies.count ?? 0}` : '';
  });
  const [state, setState] = useState<{ id: string } & MessagesState>({ id, ...EMPTY });
  const current = useRef(state);
  current.current = state;
  const latest = useRef(id);
  latest.current = id;
  const inFlight = useRef(false);
  const again = useRef(false);
  const last = useRef(0);

  useEffect(() => {
    const shown = current.current.id === id ? current.current : null;
    // Over, and every kept message is here: nothing more will come.
    if (shown?.view && !shown.view.open && shown.messages.length >= shown.view.kept) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      if (inFlight.current) {
        again.current = true;
        return;
      }
      inFlight.current = true;
      again.current = false;
      last.current = Date.now();
      const have = current.current.id === id ? current.current.messages : [];
      api.webSocketMessages({ id, from: have.length }).then(
        (view) => {
          if (latest.current !== id) return; // the user moved on to another exchange
          const before = current.current.id === id ? current.current.messages : [];
          const messages = view.from === before.length ? before.concat(view.messages) : view.messages;
          setState({ id, view, messages, error: null });
          // Many messages come in several answers: ask for the rest at once.
          if (messages.length < view.kept) again.current = true;
        },
        (error: Error) => latest.current === id && setState({ id, view: null, messages: [], error: error.message }),
      ).finally(() => {
        inFlight.current = false;
        if (!again.current || latest.current !== id) return;
        const behind = current.current.view && current.current.messages.length < current.current.view.kept;
        timer = setTimeout(ask, behind ? 0 : Math.max(0, 500 - (Date.now() - last.current)));
      });
    };
    timer = setTimeout(ask, Math.max(0, 500 - (Date.now() - last.current)));
    return () => clearTimeout(timer);
  }, [api, id, progress]);

  return state.id === id ? state : EMPTY;
}
