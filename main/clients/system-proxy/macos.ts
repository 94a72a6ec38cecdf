// macOS: the web (http) and secure web (https) proxies of each enabled network service,
// with networksetup, which the system's own settings use; the bypass list emptied, and an
// automatic proxy configuration (PAC) switched off while capturing. networksetup asks for
// an administrator's rights unless the user is one.

import type { ProxyAddress, Runner, Snapshot, Step, SystemProxyPlatform } from './plan';

interface ProxyState {
  enabled: boolean;
  server: string;
  port: number;
}

interface ServiceState {
  web: ProxyState;
  secure: ProxyState;
  bypass: string[];
  autoProxy: boolean;
}

const networksetup = (...args: string[]): Step => ({ program: 'networksetup', args });

/** The enabled services of `networksetup -listallnetworkservices` (its first line is a note; "*" marks a disabled one). */
export function parseServices(output: string): string[] {
  return output
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('*'));
}

/** "Enabled: Yes\nServer: 127.0.0.1\nPort: 8888\n…" */
export function parseProxy(output: string): ProxyState {
  const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(output)?.[1]?.trim() ?? '';
  return { enabled: field('Enabled') === 'Yes', server: field('Server'), port: Number(field('Port')) || 0 };
}

/** One domain a line, or "There aren't any bypass domains set on Wi-Fi." */
export function parseBypass(output: string): string[] {
  if (/There aren't any bypass domains/.test(output)) return [];
  return output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

async function readService(run: Runner, service: string): Promise<ServiceState> {
  return {
    web: parseProxy(await run(networksetup('-getwebproxy', service))),
    secure: parseProxy(await run(networksetup('-getsecurewebproxy', service))),
    bypass: parseBypass(await run(networksetup('-getproxybypassdomains', service))),
    autoProxy: /^Enabled: Yes$/m.test(await run(networksetup('-getautoproxyurl', service))),
  };
}

function restoreProxy(service: string, kind: 'web' | 'secureweb', state: ProxyState): Step[] {
  const steps: Step[] = [];
  if (state.server) steps.push(networksetup(`-set${kind}proxy`, service, state.server, String(state.port)));
  steps.push(networksetup(`-set${kind}proxystate`, service, state.enabled ? 'on' : 'off'));
  return steps;
}

export const macos: SystemProxyPlatform = {
  id: 'macos',
  name: 'macOS (networksetup, each enabled network service)',
  async read(run) {
    const snapshot: Snapshot = {};
    for (const service of parseServices(await run(networksetup('-listallnetworkservices')))) snapshot[service] = await readService(run, service);
    return snapshot;
  },
  set(proxy, before) {
    return Object.entries(before).flatMap(([service, state]) => [
      networksetup('-setwebproxy', service, proxy.host, String(proxy.port)),
      networksetup('-setsecurewebproxy', service, proxy.host, String(proxy.port)),
      networksetup('-setproxybypassdomains', service, 'Empty'),
      ...((state as ServiceState).autoProxy ? [networksetup('-setautoproxystate', service, 'off')] : []),
    ]);
  },
  restore(before) {
    return Object.entries(before).flatMap(([service, value]) => {
      const state = value as ServiceState;
      return [
        ...restoreProxy(service, 'web', state.web),
        ...restoreProxy(service, 'secureweb', state.secure),
        networksetup('-setproxybypassdomains', service, ...(state.bypass.length ? state.bypass : ['Empty'])),
        ...(state.autoProxy ? [networksetup('-setautoproxystate', service, 'on')] : []),
      ];
    });
  },
  isOurs(now, proxy) {
    const services = Object.values(now) as ServiceState[];
    return services.length > 0 && services.every((s) => s.web.enabled && s.web.server === proxy.host && s.web.port === proxy.port);
  },
  changes(proxy: ProxyAddress) {
    return `the web and secure web proxies of each enabled network service (networksetup): ${proxy.host}:${proxy.port}, no bypass domains, automatic configuration off`;
  },
};
