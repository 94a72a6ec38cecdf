// Where Chunkscope keeps what belongs to the user (the CA): private to them.
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataDir(): string {
  if (process.env.CHUNKSCOPE_DATA_DIR) return process.env.CHUNKSCOPE_DATA_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Chunkscope');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Chunkscope');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'chunkscope');
}

/** Create the directory (mode 0700) if needed and return it. */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  return dir;
}
