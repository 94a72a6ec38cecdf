// chunkscope probe [--] COMMAND…: how a client handles a server that breaks the framing
// (main/probe/). Exit status: 0 every verdict as expected, 1 not, 2 could not run.

import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProbeResult } from '../../shared/probe';
import { commandProblem } from '../probe/environment';
import { junitXml } from '../probe/junit';
import { CouldNotProbe, Interrupted, runProbe } from '../probe/probe';
import { chooseScenarios, PROBE_SCENARIOS, unknownNames } from '../probe/scenarios';
import { header, nameWidth, row, summary } from '../probe/table';
import { wrap } from '../lab/scenarios';
import { CliError, EXIT, systemReason } from './errors';
import { collect } from './options';

interface ProbeFlags {
  https?: boolean;
  timeout: number;
  only: string[];
  skip: string[];
  json?: boolean;
  junit?: string;
  list?: boolean;
}

const DEFAULT_TIMEOUT = 10;

function timeoutSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('a number of seconds above 0, at most 3600 (0.5 is half a second).');
  return n;
}

/** Each scenario, what it expects, and what a careful client does. */
function scenarioList(): string {
  const width = nameWidth(PROBE_SCENARIOS.map((s) => s.name));
  return PROBE_SCENARIOS.map((s) => `  ${s.name.padEnd(width)}${s.expected}\n${wrap(s.careful, '      ')}`).join('\n');
}

export function registerProbe(program: Command, out: (text: string) => void): void {
  // `probe curl -s {url}`: the command's own options must reach it, not be read as ours.
  program.enablePositionalOptions();
  program
    .command('probe')
    .summary("test a client against servers that break the framing: does it report the error, hang, spin? exit status for CI")
    .description(
      'Start a lab origin (chunkscope lab) for the run, then run COMMAND once per scenario with {url} replaced by the ' +
        "scenario's URL: a missing last chunk, a reset mid-chunk, a stall, bare LFs, a huge chunk, a million tiny chunks, … " +
        'For each: the exit status, the wall time, the CPU time of the command and everything it started, whether it hung ' +
        '(killed at --timeout, with every process it started), the bytes the lab sent and how the client closed the ' +
        'connection, and a verdict against what a careful client does: it reports truncated or malformed framing ' +
        '(non-zero exit), accepts the valid variants (exit 0), does not hang, and does not spin (use the CPU while it waits).\n\n' +
        'With --https the lab serves TLS with a CA made for the run; the command is told through SSL_CERT_FILE, ' +
        'CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS and REQUESTS_CA_BUNDLE, and {ca} in the command is the CA file.\n\n' +
        'Exit status: 0 every verdict as expected, 1 some not, 2 could not run.',
    )
    .argument('[command...]', 'the client to run, with {url} where the URL goes (put -- before it)')
    .passThroughOptions()
    .option('--https', 'serve the scenarios over TLS, with a CA made for the run')
    .addOption(new Option('--timeout <seconds>', 'kill the command (and everything it started) after this long, per scenario').default(DEFAULT_TIMEOUT).argParser(timeoutSeconds))
    .addOption(new Option('--only <names>', 'run only these scenarios (comma-separated, repeatable; globs: malformed/*)').default([], 'all').argParser(collect))
    .addOption(new Option('--skip <names>', 'leave these scenarios out (comma-separated, repeatable; globs)').default([], 'none').argParser(collect))
    .option('--json', 'print one JSON document (shared/probe.ts: ProbeReport) instead of the table')
    .option('--junit <file>', 'also write the results as JUnit XML, one test case per scenario, for CI')
    .option('--list', 'list the scenarios and what a careful client does, and run nothing')
    .addHelpText('after', `\nScenarios, what each expects (accept: exit 0; error: a non-zero exit; either), and what a careful client does:\n${scenarioList()}\n\nExamples:\n  chunkscope probe -- curl -sS -o /dev/null {url}\n  chunkscope probe --timeout 3 --only 'malformed/*' -- python3 myreader.py {url}\n  chunkscope probe --https --junit probe.xml -- wget -q -O /dev/null --ca-certificate={ca} {url}\n`)
    .action(async (command: string[], flags: ProbeFlags) => {
      if (flags.list) return out(scenarioList());
      const problem = commandProblem(command, flags.https === true);
      if (problem) throw new CliError(`chunkscope probe: ${problem}`);
      const unknown = unknownNames([...flags.only, ...flags.skip]);
      if (unknown.length > 0) throw new CliError(`chunkscope probe: no scenario is named ${unknown.map((n) => `"${n}"`).join(', ')}; the scenarios: ${PROBE_SCENARIOS.map((s) => s.name).join(', ')}`);
      const scenarios = chooseScenarios(flags.only, flags.skip);
      if (scenarios.length === 0) throw new CliError('chunkscope probe: --only and --skip leave no scenario to run');
      if (process.platform === 'win32') throw new CliError('chunkscope probe: runs on Linux and macOS (it kills the command\'s process group at the timeout)');

      const width = nameWidth(scenarios.map((s) => s.name));
      const table = !flags.json;
      const abort = new AbortController();
      const interrupt = () => abort.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      let report;
      let labUrl = '';
      let headed = false;
      try {
        report = await runProbe({
          command,
          https: flags.https === true,
          timeoutSeconds: flags.timeout,
          scenarios,
          signal: abort.signal,
          // The header with the first row: a command that cannot start prints no table.
          onStart: (lab) => (labUrl = lab),
          onResult: (result: ProbeResult) => {
            if (!table) return;
            if (!headed) out(header(command, labUrl, scenarios.length, flags.timeout, width));
            headed = true;
            out(row(result, width));
          },
        });
      } catch (error) {
        if (error instanceof CouldNotProbe || error instanceof Interrupted) throw new CliError(`chunkscope probe: ${error.message}`);
        throw error;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      out(flags.json ? JSON.stringify(report, null, 2) : summary(report));
      if (flags.junit) {
        try {
          writeFileSync(flags.junit, junitXml(report));
        } catch (error) {
          throw new CliError(`chunkscope probe: cannot write the JUnit report to ${flags.junit}: ${systemReason(error)}`);
        }
      }
      process.exitCode = report.notAsExpected === 0 ? EXIT.ok : EXIT.notCompliant;
    });
}
