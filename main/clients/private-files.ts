// Files Chunkscope keeps for launched clients in the user's data directory: written whole
// (to a new name, then renamed over the old), so a reader never sees half a file, and
// readable by the user alone unless said otherwise.

import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../tls/data-dir';

/** Write `text` to `dir/name` in one step; the directory is made private (0700) first. */
export function writeWhole(dir: string, name: string, text: string, mode = 0o600): string {
  ensurePrivateDir(dir);
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    if (process.platform !== 'win32') chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}
