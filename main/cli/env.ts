// chunkscope env [--shell S] [--off]: the client variables of `run` as lines for a shell
// already open (eval "$(chunkscope env)"), pointed at the running Chunkscope's proxy (or
// --proxy URL, or 127.0.0.1:8888), and `--off` to put back what was there before.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { readRunning } from '../clients/discovery';
import { writeClientFiles } from '../clients/files';
import { SHELLS, defaultShell, howToApply, script, turnOff, turnOn, type Shell } from '../clients/shells';
import { clientVariables } from '../clients/variables';
import { CertificateAuthority, dataDir } from '../tls';
import { CliError } from './errors';

interface EnvFlags {
  shell?: Shell;
  off?: boolean;
  proxy?: string;
}

const DEFAULT_PROXY = 'http://127.0.0.1:8888';

function proxyUrl(value: string): string {
  const m = /^(?:http:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new InvalidArgumentError('a proxy is http://HOST:PORT, e.g. http://127.0.0.1:8888.');
  return `http://${m[1]}:${m[2]}`;
}

export function registerEnv(program: Command): void {
  program
    .command('env')
    .summary('print the settings of `run` for a shell already open: eval "$(chunkscope env)"; --off undoes them')
    .description(
      'Print the lines that set, in an open shell, what `chunkscope run` sets for its command: the proxy variables, a CA ' +
        'bundle for each client that reads one, and the Node preload. They point at --proxy, else at the running Chunkscope ' +
        `(the app or serve), else at ${DEFAULT_PROXY} (start chunkscope proxy there). The values a variable had ` +
        'before are kept, and --off puts them back.\n\n' +
        SHELLS.map((shell) => `  ${shell.padEnd(11)}${howToApply(shell)}`).join('\n') +
        '\n\nExchanges made from such a shell are not tagged: its clients share the proxy with every other client (run tags them).',
    )
    .addOption(new Option('--shell <shell>', 'the shell to write for (default: from $SHELL; PowerShell on Windows)').choices(SHELLS))
    .option('--off', 'put back the values from before (or remove the variables)')
    .addOption(new Option('--proxy <url>', 'the proxy to point at, when none is running').argParser(proxyUrl))
    .action(async (flags: EnvFlags) => {
      const shell = flags.shell ?? defaultShell(process.env, process.platform);
      const ca = await CertificateAuthority.load(dataDir());
      const running = readRunning(dataDir());
      const proxy = flags.proxy ?? running?.proxy ?? DEFAULT_PROXY;
      const files = writeClientFiles(dataDir(), ca);
      const variables = clientVariables(proxy, files, process.env.NODE_OPTIONS ?? '');
      let text: string;
      try {
        text = script(shell, flags.off ? turnOff(variables.map((v) => v.name), process.env) : turnOn(variables, process.env));
      } catch (error) {
        throw new CliError(`chunkscope env: ${error instanceof Error ? error.message : String(error)}`);
      }
      process.stdout.write(text);
      if (flags.off) return;
      // On stderr, so that eval "$(chunkscope env)" runs only the settings.
      const where = flags.proxy ? proxy : running ? `${proxy}, the running Chunkscope (pid ${running.pid})` : `${DEFAULT_PROXY}: no Chunkscope is running; start one (chunkscope proxy, serve or the app)`;
      process.stderr.write(`chunkscope env: clients in this shell go through ${where}; undo with: ${howToApply(shell, true)}\n`);
    });
}
