// chunkscope run [--] COMMAND…: run a client already pointed at Chunkscope and trusting its
// CA (main/clients), its exchanges tagged with the command; exit with the command's status.

import type { Command } from 'commander';
import { writeClientFiles } from '../clients/files';
import { RUN_FAILED, commandLine, runCommand } from '../clients/run-command';
import { clientVariables } from '../clients/variables';
import { CertificateAuthority, dataDir } from '../tls';
import { addClientProxyOptions, clientProxy, type ClientProxyFlags } from './client-proxy';
import { CliError } from './errors';

export function registerRun(program: Command): void {
  // `run curl -s URL`: the command's own options must reach it, not be read as ours.
  program.enablePositionalOptions();
  const command = program
    .command('run')
    .summary('run a command with its HTTP(S) traffic through Chunkscope, trusting its CA; exits with its status')
    .description(
      'Run COMMAND with an environment that sends common clients through Chunkscope and makes them trust its CA: ' +
        'HTTP_PROXY and HTTPS_PROXY (both cases), NO_PROXY cleared (local servers are captured too), a CA bundle ' +
        '(the system\'s roots and Chunkscope\'s CA) in SSL_CERT_FILE, CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE, GIT_SSL_CAINFO, ' +
        'PIP_CERT, AWS_CA_BUNDLE, DENO_CERT and CARGO_HTTP_CAINFO, the CA in NODE_EXTRA_CA_CERTS, a wgetrc for wget, ' +
        'and a preload in NODE_OPTIONS that routes Node\'s http, https and fetch through the proxy.\n\n' +
        'When Chunkscope is running (the app or serve), the command gets a proxy port of its own there and its exchanges ' +
        'show in the app, tagged with the command. Otherwise, or with --port, --capture, --rule, --insecure-upstream, ' +
        '--no-intercept or --standalone, run starts a proxy of its own and prints each exchange on stderr as it ends.\n\n' +
        "Exit status: the command's; 128+N when signal N ended it; 127 when it could not be found, 126 when it could not be " +
        'started; 125 when Chunkscope could not start its proxy.',
    )
    .argument('<command...>', 'the program and its arguments (put -- before it)')
    .passThroughOptions();
  addClientProxyOptions(command).action(async (words: string[], flags: ClientProxyFlags) => {
    const tag = commandLine(words);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    let proxy;
    let env: NodeJS.ProcessEnv;
    try {
      proxy = await clientProxy('run', { launched: 'run', tag }, flags, say);
      const ca = await CertificateAuthority.load(dataDir());
      const files = writeClientFiles(dataDir(), ca);
      env = { ...process.env };
      for (const variable of clientVariables(proxy.url, files, process.env.NODE_OPTIONS ?? '')) env[variable.name] = variable.value;
    } catch (error) {
      await proxy?.close();
      if (error instanceof CliError) throw new CliError(error.message, RUN_FAILED);
      throw error;
    }
    if (!flags.quiet) say(`chunkscope run: ${proxy.note}`);
    const end = await runCommand(words, env);
    await proxy.close();
    if (end.notStarted) say(`chunkscope run: cannot run ${words[0]}: ${end.notStarted}`);
    process.exitCode = end.status;
  });
}
