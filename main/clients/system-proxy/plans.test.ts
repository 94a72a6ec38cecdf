// Each platform's plan as a pure function: what it reads (a runner that answers as the
// real command does), the exact commands that set the proxy and put the settings back, and
// whether settings found after a crash are still Chunkscope's own.

import { describe, expect, it } from 'vitest';
import { gnome } from './gnome';
import { ABSENT, kde } from './kde';
import { macos } from './macos';
import type { Runner, Step } from './plan';
import { systemProxyPlatform } from './platform';
import { windows } from './windows';

const proxy = { host: '127.0.0.1', port: 8888 };
const line = (step: Step) => [step.program, ...step.args].join(' ');

/** A runner that answers each command from a table, and records what it ran. */
function answering(table: Record<string, string>): Runner & { ran: string[] } {
  const ran: string[] = [];
  const run = (async (step: Step) => {
    ran.push(line(step));
    const answer = table[line(step)];
    if (answer === undefined) throw new Error(`unexpected command: ${line(step)}`);
    return answer;
  }) as Runner & { ran: string[] };
  run.ran = ran;
  return run;
}

describe('GNOME', () => {
  const before = {
    'gsettings get org.gnome.system.proxy mode': "'auto'\n",
    'gsettings get org.gnome.system.proxy ignore-hosts': "['localhost', '127.0.0.0/8', '::1']\n",
    'gsettings get org.gnome.system.proxy.http host': "'corp-proxy'\n",
    'gsettings get org.gnome.system.proxy.http port': '3128\n',
    'gsettings get org.gnome.system.proxy.https host': "''\n",
    'gsettings get org.gnome.system.proxy.https port': '0\n',
  };

  it('sets manual mode last, http and https to the proxy, nothing ignored; puts back each value as gsettings printed it, mode first', async () => {
    const snapshot = await gnome.read(answering(before));
    expect(gnome.set(proxy, snapshot).map(line)).toEqual([
      "gsettings set org.gnome.system.proxy.http host '127.0.0.1'",
      'gsettings set org.gnome.system.proxy.http port 8888',
      "gsettings set org.gnome.system.proxy.https host '127.0.0.1'",
      'gsettings set org.gnome.system.proxy.https port 8888',
      'gsettings set org.gnome.system.proxy ignore-hosts []',
      "gsettings set org.gnome.system.proxy mode 'manual'",
    ]);
    expect(gnome.restore(snapshot).map(line)).toEqual([
      "gsettings set org.gnome.system.proxy mode 'auto'",
      "gsettings set org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '::1']",
      "gsettings set org.gnome.system.proxy.http host 'corp-proxy'",
      'gsettings set org.gnome.system.proxy.http port 3128',
      "gsettings set org.gnome.system.proxy.https host ''",
      'gsettings set org.gnome.system.proxy.https port 0',
    ]);
    expect(gnome.isOurs(snapshot, proxy)).toBe(false);
    expect(gnome.isOurs({ ...snapshot, 'org.gnome.system.proxy mode': "'manual'", 'org.gnome.system.proxy.http host': "'127.0.0.1'", 'org.gnome.system.proxy.http port': '8888' }, proxy)).toBe(true);
  });
});

describe('KDE', () => {
  const read = (key: string) => `kreadconfig6 --file kioslaverc --group Proxy Settings --key ${key} --default ${ABSENT}`;
  it('writes KIO\'s "http://host port" form and tells KIO; a key that was absent is deleted again', async () => {
    const plan = kde(6);
    const snapshot = await plan.read(answering({ [read('ProxyType')]: '0\n', [read('httpProxy')]: `${ABSENT}\n`, [read('httpsProxy')]: `${ABSENT}\n`, [read('NoProxyFor')]: 'localhost,127.0.0.1\n', [read('ReversedException')]: `${ABSENT}\n` }));
    expect(snapshot).toEqual({ ProxyType: '0', httpProxy: null, httpsProxy: null, NoProxyFor: 'localhost,127.0.0.1', ReversedException: null });
    const write = 'kwriteconfig6 --file kioslaverc --group Proxy Settings --key';
    const reparse = "dbus-send --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:";
    expect(plan.set(proxy, snapshot).map(line)).toEqual([`${write} httpProxy http://127.0.0.1 8888`, `${write} httpsProxy http://127.0.0.1 8888`, `${write} NoProxyFor `, `${write} ReversedException false`, `${write} ProxyType 1`, reparse]);
    expect(plan.restore(snapshot).map(line)).toEqual([`${write} ProxyType 0`, `${write} httpProxy --delete`, `${write} httpsProxy --delete`, `${write} NoProxyFor localhost,127.0.0.1`, `${write} ReversedException --delete`, reparse]);
    expect(kde(5).set(proxy, snapshot)[0]!.program).toBe('kwriteconfig5');
  });
});

describe('Windows', () => {
  const KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
  const query = [
    '',
    KEY,
    '    CertificateRevocation    REG_DWORD    0x1',
    '    ProxyEnable    REG_DWORD    0x0',
    '    ProxyServer    REG_SZ    corp:3128',
    '    AutoConfigURL    REG_SZ    http://wpad.corp/proxy.pac',
    '',
    `${KEY}\\5.0`,
    '',
  ].join('\r\n');

  it('sets the WinINet values, takes the configuration script out, and tells WinINet; puts each value back or removes it', async () => {
    const snapshot = await windows.read(answering({ [`reg query ${KEY}`]: query }));
    expect(snapshot).toEqual({ ProxyEnable: { type: 'REG_DWORD', data: '0x0' }, ProxyServer: { type: 'REG_SZ', data: 'corp:3128' }, ProxyOverride: null, AutoConfigURL: { type: 'REG_SZ', data: 'http://wpad.corp/proxy.pac' } });
    const set = windows.set(proxy, snapshot);
    expect(set.slice(0, -1).map(line)).toEqual([
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d 127.0.0.1:8888 /f`,
      `reg add ${KEY} /v ProxyOverride /t REG_SZ /d <-loopback> /f`,
      `reg add ${KEY} /v ProxyEnable /t REG_DWORD /d 1 /f`,
      `reg delete ${KEY} /v AutoConfigURL /f`,
    ]);
    const notify = set.at(-1)!;
    expect(notify.program).toBe('powershell');
    expect(notify.args.at(-1)).toMatch(/InternetSetOption\(\[System\.IntPtr\]::Zero, 39,.*InternetSetOption\(\[System\.IntPtr\]::Zero, 37,/);
    expect(windows.restore(snapshot).map(line)).toEqual([
      `reg add ${KEY} /v ProxyEnable /t REG_DWORD /d 0 /f`,
      `reg add ${KEY} /v ProxyServer /t REG_SZ /d corp:3128 /f`,
      `reg delete ${KEY} /v ProxyOverride /f`,
      `reg add ${KEY} /v AutoConfigURL /t REG_SZ /d http://wpad.corp/proxy.pac /f`,
      line(notify),
    ]);
    expect(windows.isOurs({ ...snapshot, ProxyEnable: { type: 'REG_DWORD', data: '0x1' }, ProxyServer: { type: 'REG_SZ', data: '127.0.0.1:8888' } }, proxy)).toBe(true);
    expect(windows.isOurs(snapshot, proxy)).toBe(false);
  });
});

describe('macOS', () => {
  const table = {
    'networksetup -listallnetworkservices': 'An asterisk (*) denotes that a network service is disabled.\nWi-Fi\n*Bluetooth PAN\nUSB 10/100 LAN\n',
    'networksetup -getwebproxy Wi-Fi': 'Enabled: No\nServer: \nPort: 0\nAuthenticated Proxy Enabled: 0\n',
    'networksetup -getsecurewebproxy Wi-Fi': 'Enabled: Yes\nServer: corp\nPort: 3128\nAuthenticated Proxy Enabled: 0\n',
    'networksetup -getproxybypassdomains Wi-Fi': '*.local\n169.254/16\n',
    'networksetup -getautoproxyurl Wi-Fi': 'URL: http://wpad/proxy.pac\nEnabled: Yes\n',
    'networksetup -getwebproxy USB 10/100 LAN': 'Enabled: No\nServer: \nPort: 0\nAuthenticated Proxy Enabled: 0\n',
    'networksetup -getsecurewebproxy USB 10/100 LAN': 'Enabled: No\nServer: \nPort: 0\nAuthenticated Proxy Enabled: 0\n',
    'networksetup -getproxybypassdomains USB 10/100 LAN': "There aren't any bypass domains set on USB 10/100 LAN.\n",
    'networksetup -getautoproxyurl USB 10/100 LAN': 'URL: (null)\nEnabled: No\n',
  };

  it('sets each enabled service (disabled ones left alone) and puts each back as it was', async () => {
    const run = answering(table);
    const snapshot = await macos.read(run);
    expect(run.ran.some((l) => l.includes('Bluetooth'))).toBe(false);
    expect(macos.set(proxy, snapshot).map(line)).toEqual([
      'networksetup -setwebproxy Wi-Fi 127.0.0.1 8888',
      'networksetup -setsecurewebproxy Wi-Fi 127.0.0.1 8888',
      'networksetup -setproxybypassdomains Wi-Fi Empty',
      'networksetup -setautoproxystate Wi-Fi off',
      'networksetup -setwebproxy USB 10/100 LAN 127.0.0.1 8888',
      'networksetup -setsecurewebproxy USB 10/100 LAN 127.0.0.1 8888',
      'networksetup -setproxybypassdomains USB 10/100 LAN Empty',
    ]);
    expect(macos.restore(snapshot).map(line)).toEqual([
      'networksetup -setwebproxystate Wi-Fi off',
      'networksetup -setsecurewebproxy Wi-Fi corp 3128',
      'networksetup -setsecurewebproxystate Wi-Fi on',
      'networksetup -setproxybypassdomains Wi-Fi *.local 169.254/16',
      'networksetup -setautoproxystate Wi-Fi on',
      'networksetup -setwebproxystate USB 10/100 LAN off',
      'networksetup -setsecurewebproxystate USB 10/100 LAN off',
      'networksetup -setproxybypassdomains USB 10/100 LAN Empty',
    ]);
  });
});

describe('which plan applies', () => {
  it('by operating system, and on Linux by desktop; a session with no desktop is told what to use instead', () => {
    expect(systemProxyPlatform('win32', {})).toBe(windows);
    expect(systemProxyPlatform('darwin', {})).toBe(macos);
    expect(systemProxyPlatform('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' })).toBe(gnome);
    expect(systemProxyPlatform('linux', { XDG_CURRENT_DESKTOP: 'KDE', KDE_SESSION_VERSION: '5' })).toMatchObject({ id: 'kde', name: 'KDE Plasma 5 (kioslaverc, Proxy Settings)' });
    expect(systemProxyPlatform('linux', {})).toEqual({
      unsupported: "the system proxy is a desktop setting, and Chunkscope knows GNOME's and KDE's; here there is no desktop session (XDG_CURRENT_DESKTOP is not set). Use chunkscope run or chunkscope env for the programs to capture instead",
    });
  });
});
