// The app's state: one zustand store made of slices (rows, ui, detail, workbench). Components
// select what they need with named selectors and call actions; turning updates into
// rows is a pure function (rows.ts). The settings part of the ui slice is remembered
// across reloads (settings.ts) when the store is given a storage.

import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { ExchangeDetail, UpdateBatch } from '../../../shared/api';
import { mergeDetail, isLive } from './detail';
import { applyBatches, emptyRows, upsertRow, type RowsState } from './rows';
import type { PlanCheck } from '../../../shared/compose';
import { EMPTY_PICK, emptyWorkbench, pickAfter, type ResendShown, type WorkbenchState } from './workbench';
import { DEFAULT_SETTINGS, SETTINGS_KEY, SETTINGS_VERSION, readSettings, type ColumnSettings, type DetailTab, type Settings, type Theme, type View } from './settings';

export type { DetailTab, Theme, View } from './settings';

/** A chunk picked in the ledger or on the Timeline: its bytes are shown, and Raw marks them. */
export interface ChunkPick {
  side: 'request' | 'response';
  index: number;
}

interface RowsSlice extends RowsState {
  transport: 'connecting' | 'connected' | 'disconnected';
  ingest(batches: readonly UpdateBatch[]): void;
  setTransport(state: RowsSlice['transport']): void;
}

interface UiSlice extends Settings {
  selectedId: string | null;
  /** The theme in effect: the system's when `theme` is 'system'. */
  resolvedTheme: 'light' | 'dark';
  chunk: ChunkPick | null;
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
  setTheme(theme: Theme): void;
  setResolvedTheme(theme: 'light' | 'dark'): void;
  setHarMaxBody(bytes: number): void;
  setColumns(update: (columns: ColumnSettings) => ColumnSettings): void;
  pickChunk(chunk: ChunkPick | null): void;
}

interface WorkbenchSlice extends WorkbenchState {
  /** A click on a row: it alone, toggled (Ctrl/Cmd), or the range from the one shown (Shift) in `order`. */
  pick(id: string, how: 'only' | 'toggle' | 'range', order: readonly string[]): void;
  /** Open the composer on a plan (Edit and resend), or on a new request. */
  compose(check: PlanCheck | null, from?: string | null): void;
  /** What the composer opened on `nonce` holds when it goes out of sight: it opens on it again (unless another was opened meanwhile). */
  keepDraft(nonce: number, check: PlanCheck): void;
  showResend(resend: ResendShown): void;
  /** Back to the list. */
  closePane(): void;
  selectAfterNextReset(id: string | null): void;
  setReplayOpen(open: boolean): void;
}

interface DetailSlice {
  detail: ExchangeDetail | null;
  detailError: string | null;
  setDetail(detail: ExchangeDetail | null, error?: string | null): void;
}

export type AppState = RowsSlice & UiSlice & DetailSlice & WorkbenchSlice;
export type AppStore = StoreApi<AppState>;

const creator: StateCreator<AppState> = (set) => ({
    ...emptyRows(),
    transport: 'connecting',
    ingest: (batches) =>
      set((state) => {
        // While a live exchange's detail is open, its row comes with the detail (the same records).
        const held = state.detail && state.detail.id === state.selectedId && isLive(state.detail.row.state) ? state.selectedId : null;
        const next = applyBatches(state, batches, held);
        const reset = batches.some((b) => b.reset);
        // Another session shown: what was picked was in the one before (an exchange asked for in this one is selected).
        const selectedId = state.selectAfterReset;
        return reset ? { ...next, selectedId, picked: selectedId ? new Set([selectedId]) : EMPTY_PICK, selectAfterReset: null, detail: null, detailError: null, rawTarget: null, chunk: null } : next;
      }),
    setTransport: (transport) => set({ transport }),

    ...DEFAULT_SETTINGS,
    selectedId: null,
    resolvedTheme: 'light',
    chunk: null,
    rawTarget: null,
    notice: null,
    rulesOpen: false,
    setRulesOpen: (rulesOpen) => set(rulesOpen ? { rulesOpen, replayOpen: false } : { rulesOpen }),
    setFilter: (filter) => set({ filter }),
    select: (selectedId) =>
      set((state) => {
        const picked = selectedId ? new Set([selectedId]) : EMPTY_PICK;
        return state.selectedId === selectedId ? { picked } : { selectedId, picked, detail: null, detailError: null, rawTarget: null, chunk: null };
      }),
    setTab: (tab) => set({ tab }),
    setView: (view) => set({ view }),
    showByte: (stream, offset) => set((state) => ({ tab: 'raw', rawTarget: { stream, offset, nonce: (state.rawTarget?.nonce ?? 0) + 1 } })),
    notify: (notice) => set({ notice }),
    setTheme: (theme) => set({ theme }),
    setResolvedTheme: (resolvedTheme) => set({ resolvedTheme }),
    setHarMaxBody: (harMaxBody) => set({ harMaxBody }),
    setColumns: (update) => set((state) => ({ columns: update(state.columns) })),
    pickChunk: (chunk) => set({ chunk }),

    ...emptyWorkbench(),
    pick: (id, how, order) =>
      set((state) => {
        const picked = pickAfter(state.picked, state.selectedId, id, how, order);
        // The detail shows the row clicked; when a Ctrl/Cmd click took that away, one still picked.
        const shown = picked.has(id) ? id : state.selectedId && picked.has(state.selectedId) ? state.selectedId : (order.find((o) => picked.has(o)) ?? null);
        return shown === state.selectedId ? { picked } : { picked, selectedId: shown, detail: null, detailError: null, rawTarget: null, chunk: null };
      }),
    compose: (check, from = null) => set((state) => ({ view: 'sessions', pane: 'composer', seed: { check, from, nonce: state.seed.nonce + 1 } })),
    keepDraft: (nonce, check) => set((state) => (state.seed.nonce === nonce ? { seed: { ...state.seed, check } } : {})),
    showResend: (resend) => set({ view: 'sessions', pane: 'resend', resend }),
    closePane: () => set({ pane: 'list' }),
    selectAfterNextReset: (selectAfterReset) => set({ selectAfterReset }),
    // One side panel at a time: Replay and Rules take the same place.
    setReplayOpen: (replayOpen) => set(replayOpen ? { replayOpen, rulesOpen: false } : { replayOpen }),

    detail: null,
    detailError: null,
    setDetail: (detail, error = null) =>
      set((state) => {
        if (!detail) return { detail: null, detailError: error };
        const merged = mergeDetail(state.detail, detail);
        return { ...upsertRow(state, merged.row), detail: merged, detailError: error };
      }),
});

function settingsOf(state: AppState): Settings {
  return { theme: state.theme, filter: state.filter, tab: state.tab, view: state.view, harMaxBody: state.harMaxBody, columns: state.columns };
}

/** The store; with `storage`, the settings are read from it at once and written to it as they change. */
export function createAppStore(storage?: StateStorage): AppStore {
  if (!storage) return createStore<AppState>()(creator);
  return createStore<AppState>()(
    persist(creator, {
      name: SETTINGS_KEY,
      version: SETTINGS_VERSION,
      storage: createJSONStorage(() => storage),
      partialize: settingsOf,
      // Each setting checked as it is read back: a bad one falls back to its default.
      merge: (persisted, current) => ({ ...current, ...readSettings(persisted) }),
      // Settings of another version are dropped rather than misread.
      migrate: () => ({}),
    }),
  );
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

const origins = new WeakMap<Map<number, unknown>, number>();

/**
 * When the session began, on the engine's clock: its first connection's opening. Times
 * shown "since the session's start" count from here, so a Clear starts them again at 0.
 */
export const selectOrigin = (s: AppState): number => {
  let origin = origins.get(s.connections);
  if (origin === undefined) {
    origin = Infinity;
    for (const c of s.connections.values()) if (c.openedAt < origin) origin = c.openedAt;
    if (origin === Infinity) origin = 0;
    origins.set(s.connections, origin);
  }
  return origin;
};

// Named selectors.
export const selectRows = (s: AppState) => s.rows;
export const selectFilter = (s: AppState) => s.filter;
export const selectSelected = (s: AppState) => s.selectedId;
export const selectSession = (s: AppState) => s.session;
export const selectConnections = (s: AppState) => s.connections;
export const selectDetail = (s: AppState) => s.detail;
export const selectTab = (s: AppState) => s.tab;
export const selectView = (s: AppState) => s.view;
