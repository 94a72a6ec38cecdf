// What the app remembers across a reload: the theme, the filter, the open tab and view, the
// HAR body limit and the Exchanges list's columns. Kept in the renderer's localStorage (in
// Electron that lives in the app's user data folder); the list/detail split is kept by
// react-resizable-panels under its own key.

import type { StateStorage } from 'zustand/middleware';

export type Theme = 'system' | 'light' | 'dark';
export type DetailTab = 'chunks' | 'stream' | 'body' | 'messages' | 'timeline' | 'raw' | 'headers';
export type View = 'sessions' | 'connections';

export interface ColumnSettings {
  /** Widths the user dragged, by column id (px). */
  sizing: Record<string, number>;
  /** Columns the user hid (false) or showed (true); absent: the column's default. */
  visibility: Record<string, boolean>;
  /** Sorted by these columns, in order; empty: session order. */
  sorting: { id: string; desc: boolean }[];
}

export interface Settings {
  theme: Theme;
  filter: string;
  tab: DetailTab;
  view: View;
  harMaxBody: number;
  columns: ColumnSettings;
}

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  filter: '',
  tab: 'chunks',
  view: 'sessions',
  harMaxBody: 1024 * 1024,
  columns: { sizing: {}, visibility: {}, sorting: [] },
};

export const SETTINGS_KEY = 'chunkscope:settings';
/** Bump when a setting changes meaning; older ones are then dropped, not misread. */
export const SETTINGS_VERSION = 1;

const TABS: readonly DetailTab[] = ['chunks', 'stream', 'body', 'messages', 'timeline', 'raw', 'headers'];

/** Settings read back from storage, each checked: a hand-edited or older value falls back to its default. */
export function readSettings(stored: unknown): Partial<Settings> {
  if (!stored || typeof stored !== 'object') return {};
  const s = stored as Record<string, unknown>;
  const out: Partial<Settings> = {};
  if (s.theme === 'system' || s.theme === 'light' || s.theme === 'dark') out.theme = s.theme;
  if (typeof s.filter === 'string') out.filter = s.filter.slice(0, 2000);
  if (TABS.includes(s.tab as DetailTab)) out.tab = s.tab as DetailTab;
  if (s.view === 'sessions' || s.view === 'connections') out.view = s.view;
  if (typeof s.harMaxBody === 'number' && Number.isFinite(s.harMaxBody) && s.harMaxBody > 0) out.harMaxBody = s.harMaxBody;
  const c = s.columns as Record<string, unknown> | undefined;
  if (c && typeof c === 'object') {
    const numbers = Object.entries((c.sizing as Record<string, unknown>) ?? {}).filter(([, v]) => typeof v === 'number' && v > 0 && v < 4000);
    const flags = Object.entries((c.visibility as Record<string, unknown>) ?? {}).filter(([, v]) => typeof v === 'boolean');
    const sorting = Array.isArray(c.sorting) ? c.sorting.filter((x): x is { id: string; desc: boolean } => !!x && typeof x.id === 'string' && typeof x.desc === 'boolean') : [];
    out.columns = { sizing: Object.fromEntries(numbers) as Record<string, number>, visibility: Object.fromEntries(flags) as Record<string, boolean>, sorting };
  }
  return out;
}

/** localStorage when there is one and it works (a private window may refuse writes). */
export function browserStorage(): StateStorage | undefined {
  try {
    const storage = globalThis.localStorage;
    if (!storage) return undefined;
    return {
      getItem: (name) => storage.getItem(name),
      setItem: (name, value) => {
        try {
          storage.setItem(name, value);
        } catch {
          // Full or refused: the settings stay for this session only.
        }
      },
      removeItem: (name) => storage.removeItem(name),
    };
  } catch {
    return undefined;
  }
}
