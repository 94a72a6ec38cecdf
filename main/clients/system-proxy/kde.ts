// KDE Plasma: the "Proxy Settings" group of kioslaverc, through kreadconfig/kwriteconfig (5
// or 6, as the session), then a D-Bus signal so that running KIO programs read it again.
// A key that was absent is deleted again, not left empty.

import type { ProxyAddress, Snapshot, Step, SystemProxyPlatform } from './plan';

const KEYS = ['ProxyType', 'httpProxy', 'httpsProxy', 'NoProxyFor', 'ReversedException'] as const;
/** What kreadconfig prints for a key that is not there (--default). */
export const ABSENT = '__chunkscope_absent__';

const reparse: Step = { program: 'dbus-send', args: ['--type=signal', '/KIO/Scheduler', 'org.kde.KIO.Scheduler.reparseSlaveConfiguration', 'string:'] };

export function kde(version: 5 | 6): SystemProxyPlatform {
  const read = `kreadconfig${version}`;
  const write = `kwriteconfig${version}`;
  const at = ['--file', 'kioslaverc', '--group', 'Proxy Settings', '--key'];
  const set = (key: string, value: string): Step => ({ program: write, args: [...at, key, value] });
  // KIO's own form: the scheme and host, a space, the port.
  const address = (proxy: ProxyAddress) => `http://${proxy.host} ${proxy.port}`;
  return {
    id: 'kde',
    name: `KDE Plasma ${version} (kioslaverc, Proxy Settings)`,
    async read(run) {
      const snapshot: Snapshot = {};
      for (const key of KEYS) {
        const value = (await run({ program: read, args: [...at, key, '--default', ABSENT] })).replace(/\n$/, '');
        snapshot[key] = value === ABSENT ? null : value;
      }
      return snapshot;
    },
    set(proxy) {
      return [set('httpProxy', address(proxy)), set('httpsProxy', address(proxy)), set('NoProxyFor', ''), set('ReversedException', 'false'), set('ProxyType', '1'), reparse];
    },
    restore(before) {
      const steps = KEYS.map((key): Step => {
        const value = before[key];
        return typeof value === 'string' ? set(key, value) : { program: write, args: [...at, key, '--delete'] };
      });
      return [...steps, reparse];
    },
    isOurs(now, proxy) {
      return now.ProxyType === '1' && now.httpProxy === address(proxy);
    },
    changes(proxy) {
      return `KDE's proxy settings (kioslaverc): manual, http and https through ${proxy.host}:${proxy.port}, no exceptions`;
    },
  };
}
