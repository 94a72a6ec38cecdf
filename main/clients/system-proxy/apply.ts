// Setting the system proxy while capturing and putting the previous settings back
// afterwards, even after a crash: the settings read before are written to
// system-proxy.json in the data directory (0600) before anything is changed, and removed
// once they are back. A Chunkscope that finds the file at its start, left by one that
// is gone, puts them back first, unless someone changed the settings since.

import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from '../discovery';
import { writeWhole } from '../private-files';
import type { ProxyAddress, Runner, Snapshot, SystemProxyPlatform } from './plan';

export const STATE_FILE = 'system-proxy.json';

interface SavedState {
  pid: number;
  platform: SystemProxyPlatform['id'];
  proxy: ProxyAddress;
  before: Snapshot;
  setAt: string;
}

/** Runs a step with execFile (no shell); a failure says which command and what it printed. */
export const execRunner: Runner = (step) => runIn(process.env, step);

/** The same, in another environment (a private D-Bus session, in tests). */
export function runnerWith(env: NodeJS.ProcessEnv): Runner {
  return (step) => runIn(env, step);
}

function runIn(env: NodeJS.ProcessEnv, step: Parameters<Runner>[0]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(step.program, step.args, { env, encoding: 'utf8', timeout: 30_000, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const said = (stderr || stdout || '').trim().split(/\r?\n/)[0];
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${step.program} is not installed` : said || error.message;
      reject(new Error(`${step.program} ${step.args.join(' ')} failed: ${why}`));
    });
  });
}

export class SystemProxyError extends Error {}

export class SystemProxy {
  private current: ProxyAddress | null = null;

  constructor(
    private readonly dataDir: string,
    readonly platform: SystemProxyPlatform,
    private readonly run: Runner = execRunner,
    private readonly pid = process.pid,
  ) {}

  get on(): boolean {
    return this.current !== null;
  }

  private get file(): string {
    return join(this.dataDir, STATE_FILE);
  }

  /** Point the system at `proxy`; returns what changed, in words. */
  async turnOn(proxy: ProxyAddress): Promise<string> {
    if (this.current) return this.platform.changes(this.current);
    const saved = readState(this.file);
    if (saved && saved.pid !== this.pid && alive(saved.pid)) {
      throw new SystemProxyError(`another Chunkscope (pid ${saved.pid}) has set the system proxy; stop it first`);
    }
    if (saved) await this.putBack(saved);
    const before = await this.platform.read(this.run);
    // Written before the first change: a crash from here on still finds what to put back.
    writeWhole(this.dataDir, STATE_FILE, `${JSON.stringify({ pid: this.pid, platform: this.platform.id, proxy, before, setAt: new Date().toISOString() } satisfies SavedState, null, 2)}\n`);
    try {
      for (const step of this.platform.set(proxy, before)) await this.run(step);
    } catch (error) {
      await this.restoreSteps(before);
      rmSync(this.file, { force: true });
      throw new SystemProxyError(`the system proxy could not be set, and what was changed is put back: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.current = proxy;
    return this.platform.changes(proxy);
  }

  /** Put back the settings from before turnOn. */
  async turnOff(): Promise<void> {
    if (!this.current) return;
    const saved = readState(this.file);
    this.current = null;
    if (saved) await this.putBack(saved);
  }

  /**
   * At start: settings left by a Chunkscope that stopped without putting them back. Returns
   * the sentence to show, or null when there was nothing to do.
   */
  async restoreAfterCrash(): Promise<string | null> {
    const saved = readState(this.file);
    if (!saved || saved.pid === this.pid || alive(saved.pid)) return null;
    if (saved.platform !== this.platform.id) {
      rmSync(this.file, { force: true });
      return null;
    }
    const now = await this.platform.read(this.run);
    if (!this.platform.isOurs(now, saved.proxy)) {
      rmSync(this.file, { force: true });
      return `the system proxy that a Chunkscope which stopped (pid ${saved.pid}) had set was changed since; it is left as it is`;
    }
    await this.putBack(saved);
    return `the system proxy that a Chunkscope which stopped without putting it back (pid ${saved.pid}) had set is put back as it was before`;
  }

  private async putBack(saved: SavedState): Promise<void> {
    const failures = await this.restoreSteps(saved.before);
    if (failures.length) throw new SystemProxyError(`the system proxy could not all be put back (${failures.join('; ')}); the settings from before are kept in ${this.file}`);
    rmSync(this.file, { force: true });
  }

  /** Every step is tried, whatever fails before it: as much as can be put back is. */
  private async restoreSteps(before: Snapshot): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.platform.restore(before)) {
      try {
        await this.run(step);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    return failures;
  }
}

function readState(file: string): SavedState | null {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedState>;
    if (typeof state.pid !== 'number' || typeof state.platform !== 'string' || typeof state.before !== 'object' || state.before === null || typeof state.proxy !== 'object') return null;
    return state as SavedState;
  } catch {
    return null;
  }
}
