// The app's state: one zustand store made of slices (rows, ui, detail). Components
// select what they need with named selectors and call actions; turning updates into
// rows is a pure function (rows.ts).

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExchangeDetail, UpdateBatch } from '../../../shared/api';
import { mergeDetail, isLive } from './detail';
import { applyBatches, emptyRows, upsertRow, type RowsState } from './rows';

export type DetailTab = 'chunks' | 'stream' | 'timeline' | 'raw' | 'headers';
export type View = 'sessions' | 'connections';

interface RowsSlice extends RowsState {
  transport: 'connecting' | 'connected' | 'disconnected';
  ingest(batches: readonly UpdateBatch[]): void;
  setTransport(state: RowsSlice['transport']): void;
}

interface UiSlice {
  filter: string;
  selectedId: string | null;
  tab: DetailTab;
  view: View;
  /** Where the raw view should show a byte (from a click on an anomaly). */
  rawTarget: { stream: 0 | 1; offset: number; nonce: number } | null;
  notice: string | null;
  rulesOpen: boolean;
  setRulesOpen(open: boolean): void;
  setFilter(filter: string): void;
  select(id: string | null): void;
  setTab(tab: DetailTab): void;
  setView(view: View): void;
  showByte(stream: 0 | 1, offset: number): void;
  notify(notice: string | null): void;
}

interface DetailSlice {
  detail: ExchangeDetail | null;
  detailError: string | null;
  setDetail(detail: ExchangeDetail | null, error?: string | null): void;
}

export type AppState = RowsSlice & UiSlice & DetailSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((set) => ({
    ...emptyRows(),
    transport: 'connecting',
    ingest: (batches) =>
      set((state) => {
        // While a live exchange's detail is open, its row comes with the detail (the same records).
        const held = state.detail && state.detail.id === state.selectedId && isLive(state.detail.row.state) ? state.selectedId : null;
        const next = applyBatches(state, batches, held);
        const reset = batches.some((b) => b.reset);
        return reset ? { ...next, selectedId: null, detail: null, detailError: null, rawTarget: null } : next;
      }),
    setTransport: (transport) => set({ transport }),

    filter: '',
    selectedId: null,
    tab: 'chunks',
    view: 'sessions',
    rawTarget: null,
    notice: null,
    rulesOpen: false,
    setRulesOpen: (rulesOpen) => set({ rulesOpen }),
    setFilter: (filter) => set({ filter }),
    select: (selectedId) => set((state) => (state.selectedId === selectedId ? {} : { selectedId, detail: null, detailError: null, rawTarget: null })),
    setTab: (tab) => set({ tab }),
    setView: (view) => set({ view }),
    showByte: (stream, offset) => set((state) => ({ tab: 'raw', rawTarget: { stream, offset, nonce: (state.rawTarget?.nonce ?? 0) + 1 } })),
    notify: (notice) => set({ notice }),

    detail: null,
    detailError: null,
    setDetail: (detail, error = null) =>
      set((state) => {
        if (!detail) return { detail: null, detailError: error };
        const merged = mergeDetail(state.detail, detail);
        return { ...upsertRow(state, merged.row), detail: merged, detailError: error };
      }),
  }));
}

/**
 * Queue incoming batches and apply them once per frame: a burst of 10,000 updates is one
 * render. A timer backs up requestAnimationFrame, which does not fire in a hidden window.
 */
export function createIngest(store: AppStore, schedule = defaultSchedule): (batch: UpdateBatch) => void {
  let queue: UpdateBatch[] = [];
  let scheduled = false;
  const flush = () => {
    if (!scheduled) return;
    scheduled = false;
    const batches = queue;
    queue = [];
    store.getState().ingest(batches);
  };
  return (batch) => {
    queue.push(batch);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
}

function defaultSchedule(run: () => void): void {
  const timer = setTimeout(run, 100);
  requestAnimationFrame(() => {
    clearTimeout(timer);
    run();
  });
}

// Named selectors.
export const selectRows = (s: AppState) => s.rows;
export const selectFilter = (s: AppState) => s.filter;
export const selectSelected = (s: AppState) => s.selectedId;
export const selectSession = (s: AppState) => s.session;
export const selectConnections = (s: AppState) => s.connections;
export const selectDetail = (s: AppState) => s.detail;
export const selectTab = (s: AppState) => s.tab;
export const selectView = (s: AppState) => s.view;
