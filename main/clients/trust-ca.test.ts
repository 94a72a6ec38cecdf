// `ca --install`: each platform's commands, and Debian's for real, in a store of the test's
// own (update-ca-certificates --sysroot): a certificate Chunkscope signs then verifies
// against the rebuilt bundle, and no longer after --uninstall.

import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-support/run-cli';
import { CertificateAuthority } from '../tls/ca';
import { execRunner } from './system-proxy/apply';
import { stepLine, trustPlan } from './trust-ca';

const input = { certPath: '/data/ca-cert.pem', commonName: 'Chunkscope CA (ann@box)', home: '/Users/ann' };
const lines = (steps: { program: string; args: string[] }[]) => steps.map((s) => stepLine(s, false));

describe('the commands that trust the CA system-wide', () => {
  it('macOS: the login keychain, no sudo', () => {
    const plan = trustPlan('darwin', input);
    expect('install' in plan && lines(plan.install)).toEqual(['security add-trusted-cert -r trustRoot -k /Users/ann/Library/Keychains/login.keychain-db /data/ca-cert.pem']);
    expect('uninstall' in plan && lines(plan.uninstall)).toEqual(["security delete-certificate -c 'Chunkscope CA (ann@box)' /Users/ann/Library/Keychains/login.keychain-db"]);
  });

  it("Windows: the account's own Root store, no administrator", () => {
    const plan = trustPlan('win32', input);
    expect('install' in plan && lines(plan.install)).toEqual(['certutil -user -addstore Root /data/ca-cert.pem']);
    expect('uninstall' in plan && lines(plan.uninstall)).toEqual(["certutil -user -delstore Root 'Chunkscope CA (ann@box)'"]);
  });

  it('Linux: Debian, Fedora or p11-kit, whichever is there, as root; none is said in a sentence', () => {
    const debian = trustPlan('linux', input, (path) => path === '/usr/sbin/update-ca-certificates');
    expect('install' in debian && debian.needsRoot).toBe(true);
    expect('install' in debian && debian.install.map((s) => stepLine(s, true))).toEqual(['sudo cp /data/ca-cert.pem /usr/local/share/ca-certificates/chunkscope-ca.crt', 'sudo update-ca-certificates']);
    expect('uninstall' in debian && lines(debian.uninstall)).toEqual(['rm -f /usr/local/share/ca-certificates/chunkscope-ca.crt', 'update-ca-certificates --fresh']);
    const fedora = trustPlan('linux', input, (path) => path === '/usr/bin/update-ca-trust');
    expect('install' in fedora && lines(fedora.install)).toEqual(['cp /data/ca-cert.pem /etc/pki/ca-trust/source/anchors/chunkscope-ca.pem', 'update-ca-trust extract']);
    expect(trustPlan('linux', input, () => false)).toMatchObject({ unsupported: expect.stringMatching(/^no system trust store Chunkscope knows here/) });
  });

  const sysroot = spawnSync('grep', ['-q', '--', '--sysroot', '/usr/sbin/update-ca-certificates']).status === 0;
  it.skipIf(!sysroot)(`Debian for real, in a store of its own: install, a leaf verifies; uninstall, it no longer does${sysroot ? '' : ' (skipped: no update-ca-certificates with --sysroot here)'}`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'chunkscope-trust-'));
    for (const dir of ['etc/ssl/certs', 'usr/share/ca-certificates/system', 'usr/local/share/ca-certificates', 'etc/ca-certificates/update.d']) mkdirSync(join(root, dir), { recursive: true });
    // The store holds a root of its own already, as a real one does (with none, it keeps its old bundle).
    const systemRoot = await CertificateAuthority.load(join(root, 'system-root'));
    writeFileSync(join(root, 'usr/share/ca-certificates/system/root.crt'), systemRoot.certPem);
    writeFileSync(join(root, 'etc/ca-certificates.conf'), 'system/root.crt\n');
    const ca = await CertificateAuthority.load(join(root, 'data'));
    const plan = trustPlan('linux', { certPath: ca.certPath, commonName: 'Chunkscope CA', home: root, sysroot: root });
    if ('unsupported' in plan) throw new Error(plan.unsupported);
    const leaf = await ca.leaf('example.test');
    const leafFile = join(root, 'leaf.pem');
    writeFileSync(leafFile, leaf.cert);
    const bundle = join(root, 'etc/ssl/certs/ca-certificates.crt');
    const verify = () => promisify(execFile)('openssl', ['verify', '-CAfile', bundle, leafFile]).then(() => true, () => false);

    for (const step of plan.install) await execRunner(step);
    expect(readFileSync(bundle, 'utf8')).toContain(ca.certPem.trim().split('\n')[1]);
    expect(await verify()).toBe(true);
    for (const step of plan.uninstall) await execRunner(step);
    expect(readFileSync(bundle, 'utf8')).not.toContain(ca.certPem.trim().split('\n')[1]);
    expect(await verify()).toBe(false);
  });

  it('chunkscope ca --install --dry-run says what it would change, and the commands, and runs nothing', async () => {
    const result = await runCli(['ca', '--install', '--dry-run']);
    expect(result.status).toBe(0);
    const plan = trustPlan(process.platform, { certPath: 'x', commonName: 'x', home: 'x' });
    if ('unsupported' in plan) return expect(result.stderr).toContain(plan.unsupported);
    expect(result.stdout).toContain(`chunkscope ca --install ${plan.store}: `);
    expect(result.stdout).toContain('the commands (not run: --dry-run):');
  });
});
