// chunkscope ca: the interception CA (created on first use), for clients to trust.
import type { Command } from 'commander';
import { CertificateAuthority, dataDir } from '../tls';
import { FileExistsError, writeOutputFile } from '../capture/output-file';
import { CliError, refusal, systemReason } from './errors';
import { trustSystemWide } from './trust-ca';

interface CaFlags {
  export?: string;
  spki?: boolean;
  path?: boolean;
  force?: boolean;
  install?: boolean;
  uninstall?: boolean;
  dryRun?: boolean;
}

export function registerCa(program: Command, out: (text: string) => void): void {
  program
    .command('ca')
    .summary('the HTTPS interception CA: export it, print its SPKI hash')
    .description(
      "Chunkscope's certificate authority signs the certificates it shows clients when it intercepts HTTPS. " +
        'It is created once in your data directory (the key readable by you alone) and reused. ' +
        'Clients must trust it: see "Trusting the CA" in the README.',
    )
    .option('--export <file>', 'write the CA certificate (PEM) to this file; an existing file is refused unless --force')
    .option('--force', 'with --export: replace an existing file')
    .option('--spki', "print the base64 SHA-256 of the CA's public key, for Chromium's --ignore-certificate-errors-spki-list")
    .option('--path', 'print where the CA is kept')
    .option('--install', "trust the CA system-wide (this platform's store): says what it changes, then runs the commands, or prints them when they need root")
    .option('--uninstall', 'remove the CA from the system store again')
    .option('--dry-run', 'with --install or --uninstall: print what would change and the commands, run nothing')
    .action(async (flags: CaFlags) => {
      const ca = await CertificateAuthority.load(dataDir());
      if (flags.install || flags.uninstall) return trustSystemWide(ca, flags.install ? 'install' : 'uninstall', flags.dryRun === true, out);
      if (flags.export) {
        try {
          // A certificate is public (clients and other users read it): 0644, as in the data directory.
          writeOutputFile(flags.export, ca.certPem, { replace: flags.force === true, mode: 0o644 });
        } catch (error) {
          if (error instanceof FileExistsError) throw new CliError(`chunkscope ca: ${refusal(error)}`);
          throw new CliError(`chunkscope ca: cannot write ${flags.export}: ${systemReason(error)}`);
        }
        out(`wrote the Chunkscope CA certificate to ${flags.export}`);
      }
      if (flags.spki) out(ca.spki());
      if (flags.path) out(ca.dir);
      if (!flags.export && !flags.spki && !flags.path) out(ca.certPem.trimEnd());
    });
}
