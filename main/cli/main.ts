// The command line (DESIGN.md: a stable interface that tests and users depend on).

import { Command, CommanderError } from 'commander';
import { registerBrowser } from './browser';
import { registerCa } from './ca';
import { registerCheck } from './check';
import { desktop } from './desktop';
import { CliError, EXIT } from './errors';
import { registerEnv } from './env';
import { registerExport } from './export';
import { registerInspect } from './inspect';
import { registerLab } from './lab';
import { registerProbe } from './probe';
import { registerProxy } from './proxy';
import { registerReplay } from './replay';
import { registerRun } from './run';
import { registerSend } from './send';
import { registerSearch } from './search';
import { registerServe } from './serve';

const VERSION = '0.1.0';

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function buildProgram(): Command {
  const program = new Command('chunkscope')
    .description('An HTTP/1.1 debugger specialised in chunked transfer coding.')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, print) => print(text.replace(/^error: /, 'chunkscope: ')) })
    .argument('[capture]', 'with no command: the desktop app, optionally opening a capture')
    .action((capture: string | undefined) => desktop(write, capture ? [capture] : []));
  registerInspect(program, write);
  registerProxy(program, write);
  registerServe(program, write);
  registerCa(program, write);
  registerLab(program, write);
  registerReplay(program, write);
  registerCheck(program, write);
  registerSend(program, write);
  registerExport(program, write);
  registerSearch(program, write);
  registerProbe(program, write);
  registerRun(program);
  registerEnv(program);
  registerBrowser(program, write);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; a usage error has already been printed.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.couldNotRun;
    } else if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`chunkscope: unexpected failure: ${reason}\n`);
      process.exitCode = EXIT.couldNotRun;
    }
  }
}

await main(process.argv);
