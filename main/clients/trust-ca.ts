// `chunkscope ca --install` / `--uninstall`: trusting the CA system-wide stays an explicit
// step, and says what it changes. Each platform's commands are a pure function of where the
// certificate is; the command runs them when it can (as root on Linux; the user's own
// store on macOS and Windows, which ask for confirmation), and prints them otherwise.

import { existsSync } from 'node:fs';
import type { Step } from './system-proxy/plan';

export interface TrustPlan {
  /** "Debian / Ubuntu (update-ca-certificates)" */
  store: string;
  /** What installing changes, in words. */
  changes: string;
  install: Step[];
  uninstall: Step[];
  /** Linux's store belongs to root: the commands need sudo unless Chunkscope runs as root. */
  needsRoot: boolean;
}

export interface TrustInput {
  /** The CA certificate (PEM). */
  certPath: string;
  /** Its common name: "Chunkscope CA (you@host)". */
  commonName: string;
  home: string;
  /** Debian's store under another root (update-ca-certificates --sysroot), for tests. */
  sysroot?: string;
}

const step = (program: string, ...args: string[]): Step => ({ program, args });

export function trustPlan(platform: NodeJS.Platform, input: TrustInput, exists: (path: string) => boolean = existsSync): TrustPlan | { unsupported: string } {
  if (platform === 'darwin') {
    const keychain = `${input.home}/Library/Keychains/login.keychain-db`;
    return {
      store: 'macOS (your login keychain)',
      changes: `adds "${input.commonName}" to your login keychain as a trusted root: Safari, Chrome, curl and every program that asks macOS will trust certificates Chunkscope signs (macOS asks for your password)`,
      install: [step('security', 'add-trusted-cert', '-r', 'trustRoot', '-k', keychain, input.certPath)],
      uninstall: [step('security', 'delete-certificate', '-c', input.commonName, keychain)],
      needsRoot: false,
    };
  }
  if (platform === 'win32') {
    return {
      store: "Windows (your account's Trusted Root Certification Authorities)",
      changes: `adds "${input.commonName}" to your account's trusted roots: Edge, Chrome and every program that asks Windows will trust certificates Chunkscope signs (Windows asks you to confirm)`,
      install: [step('certutil', '-user', '-addstore', 'Root', input.certPath)],
      uninstall: [step('certutil', '-user', '-delstore', 'Root', input.commonName)],
      needsRoot: false,
    };
  }
  const root = input.sysroot ?? '';
  if (input.sysroot !== undefined || exists('/usr/sbin/update-ca-certificates')) {
    const target = `${root}/usr/local/share/ca-certificates/chunkscope-ca.crt`;
    const update = (...args: string[]) => step('update-ca-certificates', ...(input.sysroot ? ['--sysroot', input.sysroot] : []), ...args);
    return {
      store: 'Debian / Ubuntu (update-ca-certificates)',
      changes: `copies the CA to ${target} and rebuilds ${root}/etc/ssl/certs/ca-certificates.crt: curl, wget, git, Python, OpenSSL and everything else that reads the system's bundle will trust certificates Chunkscope signs, for every user of this machine`,
      install: [step('cp', input.certPath, target), update()],
      uninstall: [step('rm', '-f', target), update('--fresh')],
      needsRoot: true,
    };
  }
  if (exists('/usr/bin/update-ca-trust')) {
    const target = '/etc/pki/ca-trust/source/anchors/chunkscope-ca.pem';
    return {
      store: 'Fedora / RHEL (update-ca-trust)',
      changes: `copies the CA to ${target} and rebuilds the system's trust store: every program that reads it will trust certificates Chunkscope signs, for every user of this machine`,
      install: [step('cp', input.certPath, target), step('update-ca-trust', 'extract')],
      uninstall: [step('rm', '-f', target), step('update-ca-trust', 'extract')],
      needsRoot: true,
    };
  }
  if (exists('/usr/bin/trust')) {
    return {
      store: 'p11-kit (trust anchor)',
      changes: "adds the CA as a trust anchor of the system's store: every program that reads it will trust certificates Chunkscope signs, for every user of this machine",
      install: [step('trust', 'anchor', '--store', input.certPath)],
      uninstall: [step('trust', 'anchor', '--remove', input.certPath)],
      needsRoot: true,
    };
  }
  return { unsupported: "no system trust store Chunkscope knows here (update-ca-certificates, update-ca-trust or p11-kit's trust): give each client the CA file instead (README: Trusting the CA)" };
}

/** A step as a person types it in a shell (with sudo when it needs root and we are not). */
export function stepLine(s: Step, sudo: boolean): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return [...(sudo ? ['sudo'] : []), s.program, ...s.args].map(quote).join(' ');
}
