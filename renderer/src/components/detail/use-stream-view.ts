// The Stream view of an exchange, kept up to date while its body streams: asked again
// when the row's bytes or state change (at most twice a second, one request at a time),
// and only for the items after those already shown.
import { useEffect, useRef, useState } from 'react';
import type { StreamViewResult } from '../../../../shared/api';
import type { CarriedItem } from '../../../../shared/stream';
import { useApi, useApp } from '../../context';

export interface StreamViewState {
  view: StreamViewResult | null;
  /** Every item so far (the view's `items` hold only the last batch). */
  items: CarriedItem[];
  error: string | null;
}

const EMPTY: StreamViewState = { view: null, items: [], error: null };

export function useStreamView(id: string, enabled: boolean): StreamViewState {
  const api = useApi();
  // What changes when more of the body arrived or it ended; not the row object, which
  // is sent again while its connection stays open.
  const progress = useApp((s) => {
    const at = s.index.get(id);
    const row = at === undefined ? undefined : s.rows[at];
    return row ? `${row.bodyBytes}:${row.chunks}:${row.state}:${row.ended?.how ?? ''}` : '';
  });
  const [state, setState] = useState<{ id: string } & StreamViewState>({ id, ...EMPTY });
  const current = useRef(state);
  current.current = state;
  const latest = useRef(id);
  latest.current = id;
  const inFlight = useRef<string | null>(null);
  const again = useRef(false);
  const last = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const shown = current.current.id === id ? current.current : null;
    // Nothing more will come: the body ended, it was read to its end, and every item is here.
    if (shown?.view && !shown.view.streaming && shown.items.length >= shown.view.total) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      if (inFlight.current === id) {
        again.current = true;
        return;
      }
      inFlight.current = id;
      again.current = false;
      last.current = Date.now();
      const have = current.current.id === id ? current.current.items : [];
      api.streamView({ id, from: have.length }).then(
        (view) => {
          if (latest.current !== id) return; // the user moved on to another exchange
          const before = current.current.id === id ? current.current.items : [];
          const items = view.from === before.length ? before.concat(view.items) : view.items;
          setState({ id, view, items, error: null });
          // A long view comes in several answers: ask for the rest at once.
          if (items.length < view.total) again.current = true;
        },
        (error: Error) => latest.current === id && setState({ id, view: null, items: [], error: error.message }),
      ).finally(() => {
        if (inFlight.current === id) inFlight.current = null;
        if (again.current) timer = setTimeout(ask, current.current.id === id && current.current.view && current.current.items.length < current.current.view.total ? 0 : Math.max(0, 500 - (Date.now() - last.current)));
      });
    };
    timer = setTimeout(ask, Math.max(0, 500 - (Date.now() - last.current)));
    return () => clearTimeout(timer);
  }, [api, id, progress, enabled]);

  return state.id === id ? state : EMPTY;
}
