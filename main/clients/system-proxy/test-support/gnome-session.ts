// A private GNOME settings session for tests: a dbus-daemon of the test's own and dconf in
// a temporary home, so the machine's own settings are never touched.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerWith } from '../apply';
import type { Runner } from '../plan';

const present = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;

/** Why a private GNOME session cannot be had here, or null when it can. */
export function gnomeSessionMissing(): string | null {
  if (!present('dbus-daemon')) return 'dbus-daemon is not installed (apt: dbus)';
  if (!present('gsettings')) return 'gsettings is not installed (apt: libglib2.0-bin)';
  if (!spawnSync('gsettings', ['list-schemas']).stdout?.toString().includes('org.gnome.system.proxy')) return 'the org.gnome.system.proxy schema is not installed (apt: gsettings-desktop-schemas)';
  return null;
}

export interface GnomeSession {
  /** The session's environment: its bus, its home, XDG_CURRENT_DESKTOP=GNOME, and a data directory of its own. */
  env: NodeJS.ProcessEnv;
  run: Runner;
  get(schema: string, key: string): Promise<string>;
  put(schema: string, key: string, value: string): Promise<void>;
  close(): void;
}

export async function gnomeSession(): Promise<GnomeSession> {
  const home = mkdtempSync(join(tmpdir(), 'chunkscope-gnome-'));
  const runtime = join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const base = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_RUNTIME_DIR: runtime, XDG_CURRENT_DESKTOP: 'GNOME' };
  const bus: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env: base, stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve) => bus.stdout!.setEncoding('utf8').once('data', (text: string) => resolve(text.trim())));
  const env = { ...base, DBUS_SESSION_BUS_ADDRESS: address, CHUNKSCOPE_DATA_DIR: join(home, 'data') };
  const run = runnerWith(env);
  return {
    env,
    run,
    get: async (schema, key) => (await run({ program: 'gsettings', args: ['get', schema, key] })).trim(),
    put: async (schema, key, value) => void (await run({ program: 'gsettings', args: ['set', schema, key, value] })),
    close: () => void bus.kill(),
  };
}
