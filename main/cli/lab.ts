// chunkscope lab: a local origin that misbehaves on purpose, for demos and tests.
import { Option, type Command } from 'commander';
import { DEFAULT_RESET_AFTER, startLab } from '../lab/lab';
import { scenarioList } from '../lab/scenarios';
import { CliError, systemReason } from './errors';
import { isLoopback, parseCount, parsePort, untilSignal } from './options';

interface LabFlags {
  port: number;
  host: string;
  resetAfter: number;
}

export function registerLab(program: Command, out: (text: string) => void): void {
  program
    .command('lab')
    .summary('a local origin that misbehaves on purpose (missing last chunk, resets, stalls, malformed sizes, …)')
    .description('A local HTTP/1.1 origin with one scenario per path, for trying Chunkscope and testing clients. Ctrl-C stops it.')
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(9001).argParser(parsePort))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--reset-after <n>', 'POST /reset-after answers this many chunked requests on a connection, then resets it').default(DEFAULT_RESET_AFTER).argParser(parseCount))
    .addHelpText('after', `\nScenarios:\n${scenarioList()}\n`)
    .action(async (flags: LabFlags) => {
      let lab;
      try {
        lab = await startLab({ host: flags.host, port: flags.port, resetAfter: flags.resetAfter });
      } catch (error) {
        throw new CliError(`chunkscope lab: cannot listen on ${flags.host}:${flags.port}: ${systemReason(error)}`);
      }
      if (!isLoopback(flags.host)) process.stderr.write(`chunkscope lab: warning: listening on ${flags.host}, not loopback\n`);
      out(`listening on ${lab.url}`);
      out(`scenarios: ${lab.url}/ lists them; for example curl --raw -i ${lab.url}/no-terminator`);
      await untilSignal();
      await lab.close();
    });
}
