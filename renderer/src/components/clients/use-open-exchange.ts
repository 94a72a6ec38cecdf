// Open an exchange of the live session from a panel (a probe's result): the panel closes,
// the Exchanges view and the live session are shown (its rows come first), then the
// exchange is selected and its detail opens.
import { useCallback } from 'react';
import { useApi, useAppStore } from '../../context';
import type { AppState, AppStore } from '../../store/store';

/** Resolves once `ready` holds of the store, or after `ms` (the caller goes on either way). */
function until(store: AppStore, ready: (state: AppState) => boolean, ms: number): Promise<void> {
  if (ready(store.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = store.subscribe((state) => ready(state) && done());
  });
}

export function useOpenExchange(): (id: string) => Promise<void> {
  const api = useApi();
  const store = useAppStore();
  return useCallback(
    async (id: string) => {
      const state = store.getState();
      state.setPanel(null);
      state.setView('sessions');
      const live = state.session?.sessions.find((t) => t.kind === 'live');
      if (live && state.session?.current !== live.id) {
        await api.selectSession({ id: live.id });
        // Selected before its rows arrive, the reset that brings them would clear the choice.
        await until(store, (s) => s.session?.current === live.id && s.index.has(id), 5000);
      }
      store.getState().select(id);
    },
    [api, store],
  );
}
