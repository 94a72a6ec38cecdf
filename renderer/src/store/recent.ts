// A browser's recent files: the last 10 it opened, newest first, in localStorage. A page
// cannot know a file's path, so each keeps the id of its upload on the bridge, which opens
// it again while `chunkscope serve` runs (after a restart it is gone, and says so). Files a
// browser saves are downloads, out of its reach: only opened files are listed.

import type { RecentFile } from '../../../shared/api';
import type { StateStorage } from 'zustand/middleware';

export const RECENT_KEY = 'chunkscope:recent';
export const MAX_RECENT = 10;

type Storage = Pick<StateStorage, 'getItem' | 'setItem'>;

/** The list kept in `storage`; anything there that is not an entry is left out. */
export function readRecent(storage: Storage | undefined): RecentFile[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse((storage?.getItem(RECENT_KEY) as string | null) ?? '[]');
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isRecent).slice(0, MAX_RECENT) : [];
}

/** A file opened by upload: first in the list, once by name (the newest upload of it); the oldest beyond 10 drop out. */
export function rememberUpload(storage: Storage | undefined, name: string, upload: string, now = new Date()): RecentFile[] {
  const list = [{ name, where: upload, how: 'opened' as const, at: now.toISOString() }, ...readRecent(storage).filter((r) => r.name !== name)].slice(0, MAX_RECENT);
  storage?.setItem(RECENT_KEY, JSON.stringify(list));
  return list;
}

/** An entry found gone: kept, marked, so the menu says so. */
export function markGone(storage: Storage | undefined, where: string): RecentFile[] {
  const list = readRecent(storage).map((r) => (r.where === where ? { ...r, gone: true } : r));
  storage?.setItem(RECENT_KEY, JSON.stringify(list));
  return list;
}

export function clearRecent(storage: Storage | undefined): void {
  storage?.setItem(RECENT_KEY, '[]');
}

function isRecent(value: unknown): value is RecentFile {
  const r = value as Partial<RecentFile> | null;
  return typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.where === 'string' && (r.how === 'opened' || r.how === 'saved') && typeof r.at === 'string' && (r.gone === undefined || typeof r.gone === 'boolean');
}
