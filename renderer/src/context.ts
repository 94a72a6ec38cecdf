// The API (whichever transport) and the store, for every component.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChunkscopeApi } from '../../shared/api';
import type { AppState, AppStore } from './store/store';

export const ApiContext = createContext<ChunkscopeApi | null>(null);
export const StoreContext = createContext<AppStore | null>(null);

export function useApi(): ChunkscopeApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('no API');
  return api;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no store');
  return useStore(store, selector);
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no store');
  return store;
}
