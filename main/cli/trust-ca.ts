// `ca --install` and `--uninstall` (main/clients/trust-ca.ts): what it changes first, then
// the commands, run or printed.

import { X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import { execRunner } from '../clients/system-proxy/apply';
import { stepLine, trustPlan } from '../clients/trust-ca';
import type { CertificateAuthority } from '../tls/ca';
import { CliError } from './errors';

/** "Chunkscope CA (you@host)", from the certificate itself. */
export function commonName(certPem: string): string {
  return /^CN=(.*)$/m.exec(new X509Certificate(certPem).subject)?.[1] ?? 'Chunkscope CA';
}

export async function trustSystemWide(ca: CertificateAuthority, what: 'install' | 'uninstall', dryRun: boolean, out: (line: string) => void): Promise<void> {
  const plan = trustPlan(process.platform, { certPath: ca.certPath, commonName: commonName(ca.certPem), home: homedir() });
  if ('unsupported' in plan) throw new CliError(`chunkscope ca --${what}: ${plan.unsupported}`);
  const root = typeof process.getuid !== 'function' || process.getuid() === 0;
  const canRun = !plan.needsRoot || root;
  const steps = what === 'install' ? plan.install : plan.uninstall;
  out(what === 'install' ? `chunkscope ca --install ${plan.store}: ${plan.changes}` : `chunkscope ca --uninstall ${plan.store}: removes the Chunkscope CA (${commonName(ca.certPem)}) from it again`);
  if (what === 'install') out(`anyone who has the CA's key (${ca.dir}, readable by you alone) could then pass for any site to this machine: keep it private, and uninstall when you are done`);
  if (dryRun || !canRun) {
    out(dryRun ? 'the commands (not run: --dry-run):' : 'the store belongs to root: run these commands (or this one with sudo):');
    for (const step of steps) out(`  ${stepLine(step, plan.needsRoot && !root)}`);
    return;
  }
  for (const step of steps) {
    out(`  ${stepLine(step, false)}`);
    try {
      await execRunner(step);
    } catch (error) {
      throw new CliError(`chunkscope ca --${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  out(what === 'install' ? 'done: the CA is trusted system-wide; chunkscope ca --uninstall takes it out again' : 'done: the CA is no longer trusted system-wide');
}
