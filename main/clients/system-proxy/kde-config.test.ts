// The KDE plan for real: kwriteconfig5 and kreadconfig5 on a kioslaverc in a temporary
// home, and KIO told over a private D-Bus session. Set, then put back: values as they were,
// keys that were absent removed again.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemProxy } from './apply';
import { kde } from './kde';
import { gnomeSession, gnomeSessionMissing, type GnomeSession } from './test-support/gnome-session';

const present = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const missing = !present('kwriteconfig5') || !present('kreadconfig5') ? 'kwriteconfig5 is not installed (apt: libkf5config-bin)' : !present('dbus-send') ? 'dbus-send is not installed (apt: dbus)' : gnomeSessionMissing();

let session: GnomeSession | null = null;
beforeAll(async () => {
  if (!missing) session = await gnomeSession();
});
afterAll(() => session?.close());

describe.skipIf(missing !== null)(`the system proxy on KDE, for real${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('sets KIO\'s proxy settings in kioslaverc and puts back what was there, removing what was not', async () => {
    const { env, run } = session!;
    const file = join(env.XDG_CONFIG_HOME!, 'kioslaverc');
    const write = (key: string, value: string) => run({ program: 'kwriteconfig5', args: ['--file', 'kioslaverc', '--group', 'Proxy Settings', '--key', key, value] });
    await write('ProxyType', '0');
    await write('NoProxyFor', 'localhost,127.0.0.1');
    const before = readFileSync(file, 'utf8');
    const system = new SystemProxy(env.CHUNKSCOPE_DATA_DIR!, kde(5), run);
    await system.turnOn({ host: '127.0.0.1', port: 18888 });
    const on = readFileSync(file, 'utf8');
    for (const line of ['ProxyType=1', 'httpProxy=http://127.0.0.1 18888', 'httpsProxy=http://127.0.0.1 18888', 'NoProxyFor=\n', 'ReversedException=false']) expect(on).toContain(line);
    await system.turnOff();
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
