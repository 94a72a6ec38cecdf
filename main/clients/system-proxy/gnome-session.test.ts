// The GNOME plan for real: gsettings in a private D-Bus session (a dbus-daemon of the test's
// own, dconf in a temporary home), so the machine's own settings are never touched. Set
// and put back; put back at the next start after a crash (kill -9); left alone when the
// user changed the settings since; refused while another Chunkscope holds them.

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../../cli/test-support/run-cli';
import { STATE_FILE, SystemProxy } from './apply';
import { gnome } from './gnome';
import type { Runner } from './plan';
import { gnomeSession, gnomeSessionMissing, type GnomeSession } from './test-support/gnome-session';

const missing = gnomeSessionMissing();

let session: GnomeSession | null = null;
let env: NodeJS.ProcessEnv;
let run: Runner;
const proxy = { host: '127.0.0.1', port: 18888 };

const get = (schema: string, key: string) => session!.get(schema, key);
const put = (schema: string, key: string, value: string) => session!.put(schema, key, value);

async function settings(): Promise<Record<string, string>> {
  return {
    mode: await get('org.gnome.system.proxy', 'mode'),
    ignore: await get('org.gnome.system.proxy', 'ignore-hosts'),
    httpHost: await get('org.gnome.system.proxy.http', 'host'),
    httpPort: await get('org.gnome.system.proxy.http', 'port'),
    httpsHost: await get('org.gnome.system.proxy.https', 'host'),
    httpsPort: await get('org.gnome.system.proxy.https', 'port'),
  };
}

/** The id of a process that has ended: a Chunkscope that crashed. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const USER_SETTINGS = { mode: "'auto'", ignore: "['localhost', '127.0.0.0/8', '::1', '*.corp']", httpHost: "'corp-proxy'", httpPort: '3128', httpsHost: "''", httpsPort: '0' };

beforeAll(async () => {
  if (missing) return;
  session = await gnomeSession();
  env = session.env;
  run = session.run;
});
afterAll(() => session?.close());

beforeEach(async () => {
  if (missing) return;
  // The user's own settings, which Chunkscope must put back exactly.
  await put('org.gnome.system.proxy.http', 'host', USER_SETTINGS.httpHost);
  await put('org.gnome.system.proxy.http', 'port', USER_SETTINGS.httpPort);
  await put('org.gnome.system.proxy.https', 'host', USER_SETTINGS.httpsHost);
  await put('org.gnome.system.proxy.https', 'port', USER_SETTINGS.httpsPort);
  await put('org.gnome.system.proxy', 'ignore-hosts', USER_SETTINGS.ignore);
  await put('org.gnome.system.proxy', 'mode', USER_SETTINGS.mode);
});

const skip = missing ? ` (skipped: ${missing})` : '';

describe.skipIf(missing !== null)(`the system proxy on GNOME, for real${skip}`, () => {
  const dataDir = () => env.CHUNKSCOPE_DATA_DIR!;

  it('sets manual mode through the proxy with nothing ignored, keeps what was there in a private file, and puts it all back', async () => {
    expect(await settings()).toEqual(USER_SETTINGS);
    const system = new SystemProxy(dataDir(), gnome, run);
    expect(await system.turnOn(proxy)).toBe("GNOME's proxy settings (org.gnome.system.proxy): manual, http and https through 127.0.0.1:18888, no hosts ignored");
    expect(await settings()).toEqual({ mode: "'manual'", ignore: '@as []', httpHost: "'127.0.0.1'", httpPort: '18888', httpsHost: "'127.0.0.1'", httpsPort: '18888' });
    expect(statSync(join(dataDir(), STATE_FILE)).mode & 0o777).toBe(0o600);
    await system.turnOff();
    expect(await settings()).toEqual(USER_SETTINGS);
    expect(existsSync(join(dataDir(), STATE_FILE))).toBe(false);
  });

  it('after a crash, the next start puts the settings back', async () => {
    await new SystemProxy(dataDir(), gnome, run, await deadPid()).turnOn(proxy);
    expect((await settings()).mode).toBe("'manual'");
    const line = await new SystemProxy(dataDir(), gnome, run).restoreAfterCrash();
    expect(line).toMatch(/^the system proxy that a Chunkscope which stopped without putting it back \(pid \d+\) had set is put back as it was before$/);
    expect(await settings()).toEqual(USER_SETTINGS);
    expect(existsSync(join(dataDir(), STATE_FILE))).toBe(false);
  });

  it('after a crash, settings the user changed since are left as they are', async () => {
    await new SystemProxy(dataDir(), gnome, run, await deadPid()).turnOn(proxy);
    await put('org.gnome.system.proxy', 'mode', "'none'");
    const line = await new SystemProxy(dataDir(), gnome, run).restoreAfterCrash();
    expect(line).toMatch(/was changed since; it is left as it is$/);
    expect((await settings()).mode).toBe("'none'");
    expect(existsSync(join(dataDir(), STATE_FILE))).toBe(false);
  });

  it('refuses while another running Chunkscope holds the system proxy', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await new SystemProxy(dataDir(), gnome, run, other.pid!).turnOn(proxy);
      await expect(new SystemProxy(dataDir(), gnome, run).turnOn(proxy)).rejects.toThrow(`another Chunkscope (pid ${other.pid}) has set the system proxy; stop it first`);
    } finally {
      other.kill();
      await new Promise((resolve) => other.on('exit', resolve));
      await new SystemProxy(dataDir(), gnome, run).restoreAfterCrash();
    }
    expect(await settings()).toEqual(USER_SETTINGS);
  });

  it('chunkscope proxy --system: set while it runs, put back at Ctrl-C; after kill -9, put back by the next chunkscope proxy', async () => {
    const first = await startCli(['proxy', '--system', '--port', '0'], 15_000, dataDir(), env);
    const set = await first.waitForLine(/^system proxy set: /);
    expect(set).toBe(`system proxy set: GNOME's proxy settings (org.gnome.system.proxy): manual, http and https through 127.0.0.1:${first.port}, no hosts ignored; put back when this proxy stops`);
    expect(await settings()).toMatchObject({ mode: "'manual'", httpPort: String(first.port) });
    first.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.lines).toContain('system proxy put back as it was');
    expect(await settings()).toEqual(USER_SETTINGS);

    const crashed = await startCli(['proxy', '--system', '--port', '0'], 15_000, dataDir(), env);
    await crashed.waitForLine(/^system proxy set: /);
    crashed.kill('SIGKILL');
    await crashed.exited;
    expect((await settings()).mode).toBe("'manual'");
    const next = await startCli(['proxy', '--port', '0'], 15_000, dataDir(), env);
    await next.waitForLine(/put back as it was before$/);
    expect(await settings()).toEqual(USER_SETTINGS);
    next.kill('SIGINT');
    await next.exited;
  });
});
