// Windows: the WinINet settings of the user (HKCU ... Internet Settings), which WinINet,
// WinHTTP's "use IE settings" callers, .NET, Edge and Chrome follow; then WinINet is told
// (InternetSetOption: SETTINGS_CHANGED, REFRESH) so running programs pick the change up
// without a restart. The WinHTTP machine proxy (netsh winhttp) needs an administrator and
// is left alone.

import type { Step, SystemProxyPlatform } from './plan';

const KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
const VALUES = ['ProxyEnable', 'ProxyServer', 'ProxyOverride', 'AutoConfigURL'] as const;

interface RegValue {
  type: string;
  data: string;
}

/** The values of `reg query KEY`: "    ProxyEnable    REG_DWORD    0x1". */
export function parseRegQuery(output: string): Record<string, RegValue> {
  const values: Record<string, RegValue> = {};
  for (const line of output.split(/\r?\n/)) {
    const m = /^ {4}(\S(?:.*?\S)?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (m) values[m[1]!] = { type: m[2]!, data: m[3] ?? '' };
  }
  return values;
}

const reg = (...args: string[]): Step => ({ program: 'reg', args });
const add = (name: string, type: string, data: string) => reg('add', KEY, '/v', name, '/t', type, '/d', data, '/f');

/** InternetSetOption(NULL, INTERNET_OPTION_SETTINGS_CHANGED = 39) then INTERNET_OPTION_REFRESH = 37. */
export const NOTIFY: Step = {
  program: 'powershell',
  args: [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    "$w = Add-Type -PassThru -Name WinInet -Namespace Chunkscope -MemberDefinition '[DllImport(\"wininet.dll\")] public static extern bool InternetSetOption(System.IntPtr h, int o, System.IntPtr b, int l);'; " +
      '[void]$w::InternetSetOption([System.IntPtr]::Zero, 39, [System.IntPtr]::Zero, 0); [void]$w::InternetSetOption([System.IntPtr]::Zero, 37, [System.IntPtr]::Zero, 0)',
  ],
};

export const windows: SystemProxyPlatform = {
  id: 'windows',
  name: 'Windows (WinINet, the Internet Settings of your account)',
  async read(run) {
    const values = parseRegQuery(await run(reg('query', KEY)));
    return Object.fromEntries(VALUES.map((name) => [name, values[name] ?? null]));
  },
  set(proxy, before) {
    const steps = [
      add('ProxyServer', 'REG_SZ', `${proxy.host}:${proxy.port}`),
      // <-loopback>: WinINet bypasses loopback unless told not to; local servers are captured too.
      add('ProxyOverride', 'REG_SZ', '<-loopback>'),
      add('ProxyEnable', 'REG_DWORD', '1'),
    ];
    // A configuration script (PAC) wins over the proxy: out while capturing, back afterwards.
    if (before.AutoConfigURL) steps.push(reg('delete', KEY, '/v', 'AutoConfigURL', '/f'));
    return [...steps, NOTIFY];
  },
  restore(before) {
    const steps = VALUES.flatMap((name): Step[] => {
      const value = before[name] as RegValue | null | undefined;
      // Absent before: removed again if set() wrote it (it never writes AutoConfigURL).
      if (!value) return name === 'AutoConfigURL' ? [] : [reg('delete', KEY, '/v', name, '/f')];
      // reg query prints a DWORD in hex; reg add takes it in decimal.
      const data = value.type === 'REG_DWORD' ? String(Number.parseInt(value.data, 16)) : value.data;
      return [add(name, value.type, data)];
    });
    return [...steps, NOTIFY];
  },
  isOurs(now, proxy) {
    const enable = now.ProxyEnable as RegValue | null;
    const server = now.ProxyServer as RegValue | null;
    return enable !== null && Number.parseInt(enable.data, 16) === 1 && server?.data === `${proxy.host}:${proxy.port}`;
  },
  changes(proxy) {
    return `the Internet Settings of your Windows account (WinINet, in the registry): proxy ${proxy.host}:${proxy.port} for every scheme, loopback not bypassed, no configuration script`;
  },
};
