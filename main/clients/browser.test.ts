// `chunkscope browser` with Debian's Chromium, headless: an https page from a local origin
// loads through Chunkscope with no certificate error (the CA is trusted for the fresh
// profile by its key's hash), the exchange is captured decrypted and tagged with the
// browser, and the profile is gone once the browser has closed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../cli/test-support/run-cli';
import { tlsWorld, type TlsWorld } from '../tls/test-support/tls-world';
import { chooseBrowser, chromiumArgs, findBrowsers, firefoxPrefs, type LaunchPlan } from './browsers';
import { capturedConnections, HELLO, localOrigin, type LocalOrigin } from './test-support/origins';

const chromium = findBrowsers().find((b) => b.name === 'Chromium');
const firefox = findBrowsers().find((b) => b.name === 'Firefox');

let world: TlsWorld;
let origin: LocalOrigin;
beforeAll(async () => {
  world = await tlsWorld();
  origin = await localOrigin({ leafFrom: world.originCa });
});
afterAll(() => origin?.close());

function browserCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CHUNKSCOPE_DATA_DIR: join(world.dir, 'data'), NODE_EXTRA_CA_CERTS: world.originCaFile };
    // In a folder of its own: a browser may leave files where it runs.
    const cwd = mkdtempSync(join(tmpdir(), 'chunkscope-browser-cwd-'));
    const child = spawn(process.execPath, [BIN, 'browser', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('chunkscope browser', () => {
  it.skipIf(!chromium)(`Chromium loads an https page from a local origin with no certificate error; the exchange is decrypted and tagged; the profile is removed${chromium ? '' : ' (skipped: no Chromium here)'}`, async () => {
    const capture = join(mkdtempSync(join(tmpdir(), 'chunkscope-browser-test-')), 'browser.cscap');
    const ran = await browserCli(['--browser', 'chromium', '--headless', '--browser-arg=--dump-dom', '--capture', capture, `${origin.url}/page`]);
    expect(ran.status, ran.stderr).toBe(0);
    // The page itself, not Chromium's certificate error page.
    expect(ran.stdout).toContain(`<p id="greeting">${HELLO}</p>`);
    const profile = /with a fresh profile in (\S+), removed when it closes/.exec(ran.stdout)?.[1];
    expect(profile, ran.stdout).toBeDefined();
    expect(existsSync(profile!)).toBe(false);
    const page = capturedConnections(capture).filter((c) => c.sent.startsWith('GET /page '));
    expect(page.length).toBeGreaterThan(0);
    for (const c of page) {
      expect(c).toMatchObject({ decrypted: true, tag: 'Chromium', launched: 'browser' });
      expect(c.received).toMatch(/^HTTP\/1\.1 200 OK/);
    }
  });

  const certutil = spawnSync('sh', ['-c', 'command -v certutil']).status === 0;
  it.skipIf(!firefox || !certutil)(`Firefox loads an https page through Chunkscope, trusting the CA in its fresh profile's own store; the exchange is decrypted and tagged${!firefox ? ' (skipped: Firefox is not installed here; its preferences are checked below)' : !certutil ? ' (skipped: no NSS certutil here, apt: libnss3-tools)' : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-browser-test-'));
    const capture = join(dir, 'firefox.cscap');
    const screenshot = join(dir, 'page.png');
    const ran = await browserCli(['--browser', 'firefox', '--headless', '--browser-arg=--screenshot', `--browser-arg=${screenshot}`, '--capture', capture, `${origin.url}/page`]);
    expect(ran.status, ran.stderr).toBe(0);
    expect(existsSync(screenshot)).toBe(true);
    const profile = /with a fresh profile in (\S+), removed when it closes/.exec(ran.stdout)?.[1];
    expect(existsSync(profile!)).toBe(false);
    const page = capturedConnections(capture).filter((c) => c.sent.startsWith('GET /page '));
    expect(page.length).toBeGreaterThan(0);
    for (const c of page) {
      expect(c).toMatchObject({ decrypted: true, tag: 'Firefox', launched: 'browser' });
      expect(c.received).toMatch(/^HTTP\/1\.1 200 OK/);
    }
    expect(ran.stdout).toContain("chunkscope browser: the Chunkscope CA is trusted in this Firefox profile's own store (NSS certutil)");
  });

  it('says which browsers it found, and why it cannot open one asked for', async () => {
    const listed = await browserCli(['--list']);
    expect(listed.status).toBe(0);
    for (const b of findBrowsers()) expect(listed.stdout).toContain(`${b.name.padEnd(9)}${b.path}`);
    const missing = await browserCli(['--browser', 'netscape']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('chunkscope browser: "netscape" is not a browser Chunkscope knows (chromium, chrome, edge, brave, firefox); give the path of its program instead');
  });
});

describe('what a browser is told', () => {
  const plan: LaunchPlan = { proxy: { host: '127.0.0.1', port: 8888 }, spki: 'abc=', profile: '/tmp/p', url: 'https://example.test/', headless: false, noSandbox: false, extraArgs: [] };

  it('Chromium: its own profile, the proxy for loopback too, the CA by its SPKI hash, none of its own background requests, the URL last', () => {
    expect(chromiumArgs(plan)).toEqual([
      '--user-data-dir=/tmp/p',
      '--proxy-server=http://127.0.0.1:8888',
      '--proxy-bypass-list=<-loopback>',
      '--ignore-certificate-errors-spki-list=abc=',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-domain-reliability',
      '--disable-client-side-phishing-detection',
      '--metrics-recording-only',
      '--disable-features=NetworkTimeServiceQuerying',
      'https://example.test/',
    ]);
  });

  it('Firefox: the proxy for http and https with no bypass, localhost included, no HTTP/3, the system roots', () => {
    const prefs = firefoxPrefs({ host: '127.0.0.1', port: 8888 });
    for (const line of [
      'user_pref("network.proxy.type", 1);',
      'user_pref("network.proxy.http", "127.0.0.1");',
      'user_pref("network.proxy.ssl_port", 8888);',
      'user_pref("network.proxy.no_proxies_on", "");',
      'user_pref("network.proxy.allow_hijacking_localhost", true);',
      'user_pref("network.captive-portal-service.enabled", false);',
      'user_pref("browser.safebrowsing.malware.enabled", false);',
      'user_pref("network.http.http3.enable", false);',
      'user_pref("security.enterprise_roots.enabled", true);',
    ]) {
      expect(prefs).toContain(line);
    }
  });

  it('finds each browser where its platform keeps it, first found first', () => {
    const at = (paths: string[]) => (path: string) => paths.includes(path);
    expect(findBrowsers('linux', { PATH: '/usr/bin:/opt/bin' }, at(['/opt/bin/firefox-esr', '/usr/bin/google-chrome']))).toEqual([
      { name: 'Chrome', kind: 'chromium', path: '/usr/bin/google-chrome' },
      { name: 'Firefox', kind: 'firefox', path: '/opt/bin/firefox-esr' },
    ]);
    expect(findBrowsers('darwin', {}, at(['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge']))).toEqual([{ name: 'Edge', kind: 'chromium', path: '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge' }]);
    expect(findBrowsers('win32', { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, at(['C:\\Users\\a\\AppData\\Local\\BraveSoftware\\Brave-Browser\\Application\\brave.exe']))).toEqual([
      { name: 'Brave', kind: 'chromium', path: 'C:\\Users\\a\\AppData\\Local\\BraveSoftware\\Brave-Browser\\Application\\brave.exe' },
    ]);
    expect(chooseBrowser('/opt/firefox/firefox', [], () => true)).toEqual({ name: 'Firefox', kind: 'firefox', path: '/opt/firefox/firefox' });
    expect(chooseBrowser('edge', [], () => false)).toEqual({ missing: 'Edge is not installed here (found: none)' });
  });
});

