// The Stream view of an exchange, fetched again while its row changes (at most twice a
// second), so items appear while the body streams.
import { useEffect, useRef, useState } from 'react';
import type { StreamViewResult } from '../../../../shared/api';
import { useApi, useApp } from '../../context';

export function useStreamView(id: string, enabled: boolean): { view: StreamViewResult | null; error: string | null } {
  const api = useApi();
  const row = useApp((s) => {
    const at = s.index.get(id);
    return at === undefined ? undefined : s.rows[at];
  });
  const [state, setState] = useState<{ id: string; view: StreamViewResult | null; error: string | null }>({ id, view: null, error: null });
  const last = useRef(0);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      last.current = Date.now();
      api.streamView({ id }).then(
        (view) => !cancelled && setState({ id, view, error: null }),
        (error: Error) => !cancelled && setState({ id, view: null, error: error.message }),
      );
    }, Math.max(0, 500 - (Date.now() - last.current)));
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, id, row, enabled]);
  return state.id === id ? { view: state.view, error: state.error } : { view: null, error: null };
}
