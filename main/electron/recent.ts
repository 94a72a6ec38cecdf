// The desktop app's recent files: the last 10 opened or saved, newest first, in
// recent.json in Electron's user data folder. Plain Node, so it is tested without
// Electron. A file moved or deleted since stays listed, marked gone, until newer ones
// push it out; opening it then says so.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RecentFile } from '../../shared/api';
import { writeUserFile } from './settings';

const FILE = 'recent.json';
export const MAX_RECENT = 10;

/** The recent files kept in `dir`, each marked gone when it is no longer there; none when the file is missing or not ours. */
export function readRecent(dir: string): RecentFile[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isEntry).slice(0, MAX_RECENT).map((entry) => ({ name: basename(entry.where), where: entry.where, how: entry.how, at: entry.at, ...(existsSync(entry.where) ? {} : { gone: true }) }));
}

/** `path` was opened or saved now: first in the list, once; the oldest beyond 10 drop out. */
export function rememberRecent(dir: string, path: string, how: RecentFile['how'], now = new Date()): RecentFile[] {
  const kept = readRecent(dir).filter((entry) => entry.where !== path);
  const list = [{ where: path, how, at: now.toISOString() }, ...kept.map(({ where, how: h, at }) => ({ where, how: h, at }))].slice(0, MAX_RECENT);
  writeUserFile(dir, FILE, list);
  return readRecent(dir);
}

export function clearRecent(dir: string): void {
  writeUserFile(dir, FILE, []);
}

/** A recent file to open again: one of the list, still there; else a sentence for the user. */
export function recentToOpen(dir: string, path: string): string {
  const entry = readRecent(dir).find((e) => e.where === path);
  if (!entry) throw new Error(`${basename(path)} is not among the recent files: open it with Open…`);
  if (entry.gone) throw new Error(`${entry.name} is gone: it was moved or deleted since it was ${entry.how} (it was ${path})`);
  return path;
}

function isEntry(value: unknown): value is { where: string; how: RecentFile['how']; at: string } {
  const entry = value as { where?: unknown; how?: unknown; at?: unknown } | null;
  return typeof entry === 'object' && entry !== null && typeof entry.where === 'string' && entry.where !== '' && (entry.how === 'opened' || entry.how === 'saved') && typeof entry.at === 'string';
}
