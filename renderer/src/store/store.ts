// The app's state: one zustand store made of slices (rows, ui, detail, workbench). Components
// select what they need with named selectors and call actions; turning updates into
// rows is a pure function (rows.ts). The settings part of the ui slice is remembered
// across reloads (settings.ts) when the store is given a storage.

import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { ExchangeDetail, ExchangeMark, UpdateBatch } from '../../../shared/api';
import type { SearchArgs, SearchMatch } from '../../../shared/search';
import { DEFAULT_SEARCH_OPTIONS, foldUpdates, startedRun, type SearchOptions, type SearchRun } from '../model/search';
import type { ProbeUpdate } from '../../../shared/probe';
import { mergeDetail, isLive } from './detail';
import { applyBatches, emptyRows, upsertRow, type RowsState } from './rows';
import { applyHeld, emptyHeld, type HeldState } from './held';
import type { PlanCheck } from '../../../shared/compose';
import { emptyWorkbench, type ResendShown, type WorkbenchState } from './workbench';
import { DEFAULT_SETTINGS, SETTINGS_KEY, SETTINGS_VERSION, readSettings, type ColumnSettings, type DetailTab, type Settings, type Theme, type View } from './settings';

export type { DetailTab, Theme, View } from './settings';

/** A chunk picked in the ledger or on the Timeline: its bytes are shown, and Raw marks them. */
export interface ChunkPick {
  side: 'request' | 'response';
  index: number;
}

/** The panel over the workspace's right side: one at a time. */
export type SidePanel = 'rules' | 'connect' | 'probe' | 'replay';

interface RowsSlice extends RowsState, HeldState {
  transport: 'connecting' | 'connected' | 'disconnected';
  /** The last probe's state, as its last update said (kept when the panel closes, and across sessions). */
  probe: ProbeUpdate | null;
  ingest(batches: readonly UpdateBatch[]): void;
  /** A mark made here, shown at once (the engine's row with it follows): the next change starts from it. */
  markRow(id: string, mark: ExchangeMark | null): void;
  setTransport(state: RowsSlice['transport']): void;
  /** Forget what the timeout released (the Held panel's notes). */
  dismissReleased(): void;
}

interface UiSlice extends Settings {
  selectedId: string | null;
  /** The exchanges chosen in the list (Ctrl+click, Shift+click), in the order chosen: what Export selected and the row menu act on. The selected one is among them. */
  chosen: string[];
  /** The theme in effect: the system's when `theme` is 'system'. */
  resolvedTheme: 'light' | 'dark';
  chunk: ChunkPick | null;
  /** Where the raw view should show a byte (from a click on an anomaly). */
  rawTarget: { stream: 0 | 1; offset: number; nonce: number } | null;
  notice: string | null;
  panel: SidePanel | null;
  /** Open a panel (the one open closes), or close it (null). */
  setPanel(panel: SidePanel | null): void;
  setFilter(filter: string): void;
  select(id: string | null): void;
  /** Choose these exchanges; `focus`, one of them, is the one whose detail shows. */
  choose(ids: string[], focus: string | null): void;
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

interface SearchSlice {
  searchOpen: boolean;
  searchQuery: string;
  searchOptions: SearchOptions;
  /** The last search started, with its matches so far. */
  searchRun: SearchRun | null;
  /** The list shows only the exchanges with a match. */
  matchesOnly: boolean;
  /** The match stepped to last; the nonce makes a viewer scroll to it again. */
  currentMatch: { match: SearchMatch; nonce: number } | null;
  setSearchOpen(open: boolean): void;
  setSearchQuery(query: string): void;
  setSearchOptions(options: SearchOptions): void;
  beginSearch(id: string, args: SearchArgs, total: number): void;
  clearSearch(): void;
  setMatchesOnly(on: boolean): void;
  /** Show a match: its exchange selected, the tab that shows it (Body, or Raw for headers). */
  goToMatch(match: SearchMatch): void;
}

interface WorkbenchSlice extends WorkbenchState {
  /** Open the composer on a plan (Edit and resend), or on a new request. */
  compose(check: PlanCheck | null, from?: string | null): void;
  /** What the composer opened on `nonce` holds when it goes out of sight: it opens on it again (unless another was opened meanwhile). */
  keepDraft(nonce: number, check: PlanCheck): void;
  showResend(resend: ResendShown): void;
  /** Back to the list. */
  closePane(): void;
  selectAfterNextReset(id: string | null): void;
}

interface DetailSlice {
  detail: ExchangeDetail | null;
  detailError: string | null;
  setDetail(detail: ExchangeDetail | null, error?: string | null): void;
}

export type AppState = RowsSlice & UiSlice & SearchSlice & DetailSlice & WorkbenchSlice;
export type AppStore = StoreApi<AppState>;

const creator: StateCreator<AppState> = (set) => ({
    ...emptyRows(),
    ...emptyHeld(),
    transport: 'connecting',
    probe: null,
    ingest: (batches) =>
      set((state) => {
        // While a live exchange's detail is open, its row comes with the detail (the same records).
        const open = state.detail && state.detail.id === state.selectedId && isLive(state.detail.row.state) ? state.selectedId : null;
        const held = applyHeld({ held: state.held, released: state.released }, batches, Date.now());
        const next = { ...applyBatches(state, batches, open), held: held.held, released: held.released };
        // Each probe update is its whole state: the last one says it all.
        const probe = batches.findLast((b) => b.probe)?.probe ?? state.probe;
        const reset = batches.some((b) => b.reset);
        // A search's matches belong to the session it searched: a reset drops them.
        const updates = batches.flatMap((b) => (b.search ? [b.search] : []));
        const searchRun = reset ? null : state.searchRun && updates.length > 0 ? foldUpdates(state.searchRun, updates) : state.searchRun;
        const search = searchRun === state.searchRun ? {} : { searchRun, ...(reset ? { currentMatch: null, matchesOnly: false } : {}) };
        if (!reset) return { ...next, ...search, probe };
        // Another session shown: what was chosen was in the one before (an exchange asked for in this one is selected).
        const selectedId = state.selectAfterReset;
        return { ...next, ...search, probe, selectedId, chosen: selectedId ? [selectedId] : [], selectAfterReset: null, detail: null, detailError: null, rawTarget: null, chunk: null };
      }),
    setTransport: (transport) => set({ transport }),
    dismissReleased: () => set({ released: [] }),
    markRow: (id, mark) =>
      set((state) => {
        const at = state.index.get(id);
        if (at === undefined) return {};
        state.pendingMarks.set(id, mark);
        const rows = state.rows.slice();
        rows[at] = { ...rows[at]!, mark };
        return { rows };
      }),

    ...DEFAULT_SETTINGS,
    selectedId: null,
    chosen: [],
    resolvedTheme: 'light',
    chunk: null,
    rawTarget: null,
    notice: null,
    panel: null,
    setPanel: (panel) => set({ panel }),
    setFilter: (filter) => set({ filter }),
    select: (selectedId) =>
      set((state) => {
        const chosen = selectedId === null ? [] : [selectedId];
        if (state.selectedId === selectedId) return state.chosen.length === chosen.length && state.chosen[0] === selectedId ? {} : { chosen };
        return { selectedId, chosen, detail: null, detailError: null, rawTarget: null, chunk: null };
      }),
    choose: (ids, focus) =>
      set((state) => {
        const selectedId = focus !== null && ids.includes(focus) ? focus : (ids.at(-1) ?? null);
        const moved = selectedId !== state.selectedId ? { detail: null, detailError: null, rawTarget: null, chunk: null } : {};
        return { chosen: ids, selectedId, ...moved };
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

    searchOpen: false,
    searchQuery: '',
    searchOptions: DEFAULT_SEARCH_OPTIONS,
    searchRun: null,
    matchesOnly: false,
    currentMatch: null,
    setSearchOpen: (searchOpen) => set({ searchOpen }),
    setSearchQuery: (searchQuery) => set({ searchQuery }),
    setSearchOptions: (searchOptions) => set({ searchOptions }),
    beginSearch: (id, args, total) => set({ searchRun: startedRun(id, args, total), currentMatch: null }),
    clearSearch: () => set({ searchRun: null, currentMatch: null, matchesOnly: false }),
    setMatchesOnly: (matchesOnly) => set({ matchesOnly }),
    goToMatch: (match) =>
      set((state) => {
        const moved = state.selectedId !== match.id ? { selectedId: match.id, detail: null, detailError: null, chunk: null } : {};
        const currentMatch = { match, nonce: (state.currentMatch?.nonce ?? 0) + 1 };
        if (match.part === 'body') return { ...moved, rawTarget: null, tab: 'body', currentMatch };
        // Headers are shown with their bytes in Raw: the match's first byte is the target.
        const stream = match.direction === 'request' ? 0 : 1;
        return { ...moved, tab: 'raw', currentMatch, rawTarget: match.streamOffset === null ? null : { stream, offset: match.streamOffset, nonce: (state.rawTarget?.nonce ?? 0) + 1 } };
      }),

    ...emptyWorkbench(),
    compose: (check, from = null) => set((state) => ({ view: 'sessions', pane: 'composer', seed: { check, from, nonce: state.seed.nonce + 1 } })),
    keepDraft: (nonce, check) => set((state) => (state.seed.nonce === nonce ? { seed: { ...state.seed, check } } : {})),
    showResend: (resend) => set({ view: 'sessions', pane: 'resend', resend }),
    closePane: () => set({ pane: 'list' }),
    selectAfterNextReset: (selectAfterReset) => set({ selectAfterReset }),

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
export const selectChosen = (s: AppState) => s.chosen;
export const selectSession = (s: AppState) => s.session;
export const selectConnections = (s: AppState) => s.connections;
export const selectDetail = (s: AppState) => s.detail;
export const selectTab = (s: AppState) => s.tab;
export const selectView = (s: AppState) => s.view;
export const selectHeld = (s: AppState) => s.held;
export const selectReleased = (s: AppState) => s.released;
