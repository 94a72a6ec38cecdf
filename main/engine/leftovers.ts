// The live session is captured to a temporary folder until the user saves it. A run that
// ended abruptly (a crash, kill -9, a power cut) leaves that capture behind: the next run
// finds it by the owner file each run writes, and keeps it in the data folder, where the
// user is told it is (issue 14: never lose a capture).

import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADER_LENGTH } from '../capture/format';
import { dataDir, ensurePrivateDir } from '../tls/data-dir';

const OWNER = 'owner.json';
const PREFIX = 'chunkscope-';

/** Say which process owns a session folder, so a later run can tell it was left behind. */
export function markOwner(dir: string): void {
  writeFileSync(join(dir, OWNER), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { mode: 0o600 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function owner(dir: string): { pid: number; startedAt: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, OWNER), 'utf8')) as { pid?: unknown; startedAt?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.startedAt === 'string' ? { pid: parsed.pid, startedAt: parsed.startedAt } : null;
  } catch {
    return null;
  }
}

/**
 * Keep the captures of runs that ended abruptly: moved from their temporary folders into
 * `<data>/recovered/` (private to the user), the folders removed. Returns where each is now.
 */
export function recoverLeftovers(temporary = tmpdir(), into = join(dataDir(), 'recovered')): string[] {
  const kept: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(temporary).filter((name) => name.startsWith(PREFIX));
  } catch {
    return kept;
  }
  const uid = process.getuid?.();
  for (const name of entries) {
    const dir = join(temporary, name);
    try {
      const stat = statSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      const run = owner(dir);
      if (!run || alive(run.pid)) continue; // a folder of another kind, or of a run still going
      for (const file of readdirSync(dir)) {
        if (!/^session-\d+\.cscap$/.test(file)) continue;
        const from = join(dir, file);
        if (statSync(from).size <= HEADER_LENGTH) continue; // nothing was captured
        const to = join(ensurePrivateDir(into), `${run.startedAt.replace(/[:.]/g, '-')}-${file}`);
        if (existsSync(to)) continue;
        try {
          renameSync(from, to);
        } catch {
          copyFileSync(from, to); // another file system
        }
        kept.push(to);
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder that cannot be read is left as it is: never fail a start for it.
    }
  }
  return kept;
}
