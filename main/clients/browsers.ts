// Browsers `chunkscope browser` (and the app's button) can launch: Chromium, Chrome, Edge and
// Brave, or Firefox, each with a fresh profile of its own that points at the proxy and
// trusts the CA for that profile only. Where they are and what they are told are pure
// functions of the platform; launching is in launch-browser.ts.

import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type BrowserKind = 'chromium' | 'firefox';

export interface Browser {
  /** Chromium, Chrome, Edge, Brave, Firefox: the exchanges' tag. */
  name: string;
  kind: BrowserKind;
  path: string;
}

interface Known {
  name: string;
  kind: BrowserKind;
  /** Program names looked up on PATH (Linux and other Unix). */
  commands: string[];
  mac: string;
  /** Under %ProgramFiles%, %ProgramFiles(x86)% or %LOCALAPPDATA%. */
  windows: string;
}

/** In the order one is chosen when none is named: Chromium first (Debian's, the tests'), Firefox last. */
const KNOWN: Known[] = [
  { name: 'Chromium', kind: 'chromium', commands: ['chromium', 'chromium-browser'], mac: '/Applications/Chromium.app/Contents/MacOS/Chromium', windows: 'Chromium\\Application\\chrome.exe' },
  { name: 'Chrome', kind: 'chromium', commands: ['google-chrome', 'google-chrome-stable'], mac: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', windows: 'Google\\Chrome\\Application\\chrome.exe' },
  { name: 'Edge', kind: 'chromium', commands: ['microsoft-edge', 'microsoft-edge-stable'], mac: '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge', windows: 'Microsoft\\Edge\\Application\\msedge.exe' },
  { name: 'Brave', kind: 'chromium', commands: ['brave-browser', 'brave'], mac: '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser', windows: 'BraveSoftware\\Brave-Browser\\Application\\brave.exe' },
  { name: 'Firefox', kind: 'firefox', commands: ['firefox', 'firefox-esr'], mac: '/Applications/Firefox.app/Contents/MacOS/firefox', windows: 'Mozilla Firefox\\firefox.exe' },
];

/** Every known browser installed here, in the order of KNOWN. */
export function findBrowsers(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): Browser[] {
  const found: Browser[] = [];
  for (const known of KNOWN) {
    const path = locations(known, platform, env).find(exists);
    if (path) found.push({ name: known.name, kind: known.kind, path });
  }
  return found;
}

function locations(known: Known, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return [known.mac];
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
    return roots.map((root) => `${root}\\${known.windows}`);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return known.commands.flatMap((command) => dirs.map((dir) => join(dir, command)));
}

/** The browser asked for: a name (chromium, chrome, edge, brave, firefox) or a path; the first found when none is. */
export function chooseBrowser(wanted: string | undefined, found: Browser[], exists: (path: string) => boolean = existsSync): Browser | { missing: string } {
  if (!wanted) {
    return found[0] ?? { missing: `no browser found: looked for ${KNOWN.map((k) => k.name).join(', ')}. Install one, or name its program with --browser PATH` };
  }
  const byName = found.find((b) => b.name.toLowerCase() === wanted.toLowerCase());
  if (byName) return byName;
  if (/[\\/]/.test(wanted)) {
    if (!exists(wanted)) return { missing: `no browser at ${wanted}` };
    const firefox = /firefox/i.test(wanted.split(/[\\/]/).pop() ?? '');
    return { name: firefox ? 'Firefox' : 'Chromium', kind: firefox ? 'firefox' : 'chromium', path: wanted };
  }
  const known = KNOWN.find((k) => k.name.toLowerCase() === wanted.toLowerCase());
  if (known) return { missing: `${known.name} is not installed here (found: ${found.map((b) => b.name).join(', ') || 'none'})` };
  return { missing: `"${wanted}" is not a browser Chunkscope knows (${KNOWN.map((k) => k.name.toLowerCase()).join(', ')}); give the path of its program instead` };
}

export interface LaunchPlan {
  proxy: { host: string; port: number };
  /** SHA-256 of the CA's public key, base64 (CertificateAuthority.spki). */
  spki: string;
  profile: string;
  url: string | null;
  headless: boolean;
  /** Chromium refuses to run as root without it. */
  noSandbox: boolean;
  extraArgs: string[];
}

/**
 * The requests a browser makes of its own (updates of its components and safe-browsing
 * lists, sync, metrics, reliability reports) are not the user's traffic: through the proxy
 * they are rows nobody asked for, and with no network they are a list of 502s. A launched
 * browser is told not to make them, as Puppeteer tells the ones it drives. (Chromium 156
 * still asks its updater and its sign-in once at start whatever it is told.)
 */
const CHROMIUM_QUIET = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--metrics-recording-only',
  '--disable-features=NetworkTimeServiceQuerying',
];

/**
 * Chromium's command line: its own profile (which --ignore-certificate-errors-spki-list needs
 * to be honoured), every scheme through the proxy, loopback too (`<-loopback>` takes away the
 * implicit bypass), Chunkscope's CA accepted for this profile only, by its key's hash, and
 * none of the browser's own background requests.
 */
export function chromiumArgs(plan: LaunchPlan): string[] {
  return [
    `--user-data-dir=${plan.profile}`,
    `--proxy-server=http://${hostForUrl(plan.proxy.host)}:${plan.proxy.port}`,
    '--proxy-bypass-list=<-loopback>',
    `--ignore-certificate-errors-spki-list=${plan.spki}`,
    '--no-first-run',
    '--no-default-browser-check',
    ...CHROMIUM_QUIET,
    ...(plan.headless ? ['--headless=new'] : []),
    ...(plan.noSandbox ? ['--no-sandbox'] : []),
    ...plan.extraArgs,
    ...(plan.url ? [plan.url] : []),
  ];
}

export function firefoxArgs(plan: LaunchPlan): string[] {
  return ['-profile', plan.profile, '-no-remote', ...(plan.headless ? ['-headless'] : []), ...plan.extraArgs, ...(plan.url ? [plan.url] : [])];
}

/**
 * Firefox's preferences for a fresh profile (user.js): the proxy for http and https, no
 * bypass (localhost included: allow_hijacking_localhost), no HTTP/3 (it would go around a
 * plain HTTP proxy), and the CA: imported into the profile's own store when NSS's certutil
 * is there (launch-browser.ts), else trusted through the system's store (enterprise roots),
 * which needs `chunkscope ca --install`.
 */
export function firefoxPrefs(proxy: { host: string; port: number }): string {
  const prefs: [string, string | number | boolean][] = [
    ['network.proxy.type', 1],
    ['network.proxy.http', proxy.host],
    ['network.proxy.http_port', proxy.port],
    ['network.proxy.ssl', proxy.host],
    ['network.proxy.ssl_port', proxy.port],
    ['network.proxy.share_proxy_settings', true],
    ['network.proxy.no_proxies_on', ''],
    ['network.proxy.allow_hijacking_localhost', true],
    ['network.http.http3.enable', false],
    ['security.enterprise_roots.enabled', true],
    ['browser.shell.checkDefaultBrowser', false],
    ['browser.startup.homepage_override.mstone', 'ignore'],
    ['datareporting.policy.dataSubmissionEnabled', false],
    ['toolkit.telemetry.reportingpolicy.firstRun', false],
    // None of the browser's own background requests (see CHROMIUM_QUIET).
    ['datareporting.healthreport.uploadEnabled', false],
    ['toolkit.telemetry.enabled', false],
    ['app.update.auto', false],
    ['app.normandy.enabled', false],
    ['network.captive-portal-service.enabled', false],
    ['network.connectivity-service.enabled', false],
    ['browser.safebrowsing.malware.enabled', false],
    ['browser.safebrowsing.phishing.enabled', false],
    ['browser.safebrowsing.downloads.remote.enabled', false],
    ['extensions.update.enabled', false],
    ['browser.newtabpage.activity-stream.feeds.topsites', false],
    ['browser.newtabpage.activity-stream.feeds.section.topstories', false],
  ];
  return `${prefs.map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`).join('\n')}\n`;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
