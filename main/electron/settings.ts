// The desktop app's settings, in Electron's user data folder (settings.json). Plain Node,
// so it is tested without Electron. Today: the proxy's port, remembered when the default
// was taken and another was chosen, so clients set up for it keep working next time.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DesktopSettings {
  proxyPort?: number;
}

const FILE = 'settings.json';

/** The settings kept in `dir`; none when the file is missing or not what we wrote. */
export function readSettings(dir: string): DesktopSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, FILE), 'utf8'));
  } catch {
    return {};
  }
  const port = (parsed as { proxyPort?: unknown } | null)?.proxyPort;
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? { proxyPort: port } : {};
}

/** Replace the settings in `dir` (written beside, then renamed: never half a file). */
export function writeSettings(dir: string, settings: DesktopSettings): void {
  writeUserFile(dir, FILE, settings);
}

/** A JSON file of ours in the user data folder `dir`, readable by the user alone, replaced whole. */
export function writeUserFile(dir: string, name: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, join(dir, name));
}
