// GNOME (and desktops that read its settings: Unity, Cinnamon, Budgie, Pantheon): the
// org.gnome.system.proxy schema, through gsettings. Values are kept as gsettings prints
// them (GVariant text) and put back in the same form, so they round-trip exactly.

import type { Snapshot, Step, SystemProxyPlatform } from './plan';

const KEYS: [schema: string, key: string][] = [
  ['org.gnome.system.proxy', 'mode'],
  ['org.gnome.system.proxy', 'ignore-hosts'],
  ['org.gnome.system.proxy.http', 'host'],
  ['org.gnome.system.proxy.http', 'port'],
  ['org.gnome.system.proxy.https', 'host'],
  ['org.gnome.system.proxy.https', 'port'],
];

const name = (schema: string, key: string) => `${schema} ${key}`;
const gsettings = (...args: string[]): Step => ({ program: 'gsettings', args });

/** 'text' as GVariant text: quotes and backslashes escaped. */
function gvariantString(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export const gnome: SystemProxyPlatform = {
  id: 'gnome',
  name: 'GNOME (gsettings org.gnome.system.proxy)',
  async read(run) {
    const snapshot: Snapshot = {};
    for (const [schema, key] of KEYS) snapshot[name(schema, key)] = (await run(gsettings('get', schema, key))).trim();
    return snapshot;
  },
  set(proxy) {
    return [
      gsettings('set', 'org.gnome.system.proxy.http', 'host', gvariantString(proxy.host)),
      gsettings('set', 'org.gnome.system.proxy.http', 'port', String(proxy.port)),
      gsettings('set', 'org.gnome.system.proxy.https', 'host', gvariantString(proxy.host)),
      gsettings('set', 'org.gnome.system.proxy.https', 'port', String(proxy.port)),
      // Nothing bypasses it: local servers are captured too (Chunkscope's own UI is relayed, never recorded).
      gsettings('set', 'org.gnome.system.proxy', 'ignore-hosts', '[]'),
      // Last: programs switch to the proxy once everything else is in place.
      gsettings('set', 'org.gnome.system.proxy', 'mode', "'manual'"),
    ];
  },
  restore(before) {
    // The mode first: programs stop using the proxy before its address changes.
    const order = [KEYS[0]!, ...KEYS.slice(1)];
    return order.filter(([schema, key]) => typeof before[name(schema, key)] === 'string').map(([schema, key]) => gsettings('set', schema, key, before[name(schema, key)] as string));
  },
  isOurs(now, proxy) {
    return now[name('org.gnome.system.proxy', 'mode')] === "'manual'" && now[name('org.gnome.system.proxy.http', 'host')] === gvariantString(proxy.host) && now[name('org.gnome.system.proxy.http', 'port')] === String(proxy.port);
  },
  changes(proxy) {
    return `GNOME's proxy settings (org.gnome.system.proxy): manual, http and https through ${proxy.host}:${proxy.port}, no hosts ignored`;
  },
};
