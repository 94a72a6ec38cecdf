// chunkscope send: a request written with its framing exactly (a plan: README, "The plan
// format"), sent on our own client connection, directly or through a proxy, and what came
// back said as `inspect` says it: the ledgers, the account, how the connection ended.

import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ConnectionReport } from '../../shared/capture';
import { plural } from '../../shared/words';
import { ConnectionAnalyzer } from '../analysis/connection';
import { ClientConnection } from '../client/connection';
import { CouldNotConnect } from '../client/open';
import { destination, forProxy, NoDestination } from '../compose/destination';
import { formatPlan } from '../compose/format';
import { sendWire, stoppedSentence, type SendOutcome } from '../compose/send';
import { planNotes, planWire, PlanTooLarge, type Wire } from '../compose/wire';
import { captureJson, connectionLines, problemLines } from '../inspect/capture';
import { append } from '../inspect/human';
import { CliError, EXIT, systemReason } from './errors';
import { parseUrl, readPlan } from './send-plan';

interface SendFlags {
  plan?: string;
  from?: string;
  exchange?: string;
  method?: string;
  header?: string[];
  via?: string;
  repeat: number;
  timeout: number;
  maxTime: number;
  insecure?: boolean;
  ca?: string[];
  printPlan?: boolean;
  json?: boolean;
  allChunks?: boolean;
  all?: boolean;
}

/** Exchanges listed whole before only those that went wrong are (--all lists every one). */
const WHOLE_LISTING = 100;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positive(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${what} is a whole number of at least 1.`);
    return n;
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0 (0.5 is half a second).');
  return n;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`chunkscope send: cannot read the CA file ${file}: ${systemReason(error)}`);
  }
}

function humanLines(report: ConnectionReport, outcome: SendOutcome, wire: Wire, flags: SendFlags): string[] {
  const lines: string[] = [];
  const options = { maxChunks: flags.allChunks ? 0 : 200 };
  if (flags.all || report.exchanges.length <= WHOLE_LISTING) append(lines, connectionLines(report, options));
  else {
    append(lines, connectionLines({ ...report, exchanges: [] }, options));
    lines.push('');
    append(lines, problemLines([report]));
    lines.push('', `--all lists every exchange with its chunk ledger (${plural(report.exchanges.length, 'exchange')})`);
  }
  const stopped = stoppedSentence(outcome, wire, flags.timeout, flags.maxTime);
  if (stopped) lines.push('', `stopped: ${stopped}`);
  return lines;
}

export function registerSend(program: Command, out: (text: string) => void): void {
  program
    .command('send')
    .summary('send a request with its framing written exactly (chunk sizes as tokens, extensions, trailers, faults), directly or through a proxy')
    .description(
      'Send the requests of a plan (README: "The plan format") on one connection, byte for byte as written, and print what ' +
        'came back as inspect does: each chunk ledger, the account of the connection and how it ended. The plan comes from a ' +
        'file (--plan), from a captured request (--from CAPTURE --exchange c1#2), or from the command line: a URL, -X, -H, then ' +
        'body lines such as \'chunk 5DC\' \'chunk "hello" bare-lf\' \'last\' \'end rst after byte 80\'.\n\n' +
        'Exit status: 0 every request answered and no error-class anomaly on either side (the verdict of inspect); 1 a request ' +
        'not answered (the server ended the connection first, went quiet for --timeout, its framing was lost, --max-time came) or an ' +
        'error-class anomaly; 2 could not send (a mistake in the plan, no connection, bad arguments).',
    )
    .argument('[url]', 'where to send: http://HOST[:PORT]/PATH or https://… (the path is the request target with body lines; with --plan or --from, only where to connect)')
    .argument('[lines...]', "body lines of the plan: 'chunk 5DC' 'chunk 05dc;ext=1 \"a\" * 1500' 'pause 200ms' 'last' 'trailer X-Sum: 1' 'no last chunk' 'end rst'")
    .option('--plan <file>', 'the plan from this file (- reads standard input)')
    .option('--from <capture>', 'send a captured request again, byte for byte (with --exchange)')
    .option('--exchange <id>', 'with --from: which request, c1#2 (request #2 on connection c1)')
    .option('-X, --method <method>', 'with body lines: the method (default GET, or POST with a body)')
    .option('-H, --header <field>', 'with body lines: a field line as sent, "Name: value" (repeatable; order and case kept)', collect)
    .option('--via <proxy>', 'send through this HTTP proxy (a Chunkscope proxy, to capture it): http://127.0.0.1:8888')
    .addOption(new Option('--repeat <n>', 'send the plan\'s requests N times on the one connection (IIS 6: --repeat 4001)').default(1).argParser(positive('--repeat')))
    .addOption(new Option('--timeout <seconds>', 'give up connecting, or on a server silent this long while an answer is due').default(10).argParser(seconds))
    .addOption(new Option('--max-time <seconds>', 'stop after this long, an answer still arriving or not (a stream that never ends), and close the connection').default(60).argParser(seconds))
    .option('--insecure', 'https: accept any certificate (self-signed test servers)')
    .option('--ca <file>', 'https: also trust this root certificate (PEM; repeatable)', collect)
    .option('--print-plan', 'print the plan in its text form and send nothing (from a capture: a file to edit)')
    .option('--json', 'print one JSON document: the connection in the capture form of spec/INSPECT.md, with what was sent')
    .option('--all-chunks', 'list every chunk in the tables (default: the first 200 of each message)')
    .option('--all', `list every exchange, also past ${WHOLE_LISTING}`)
    .action(async (url: string | undefined, lines: string[], flags: SendFlags) => {
      if (flags.exchange !== undefined && flags.from === undefined) throw new CliError('chunkscope send: --exchange goes with --from CAPTURE');
      const via = flags.via ? parseUrl(flags.via, '--via') : null;
      if (via && via.protocol !== 'http:') throw new CliError('chunkscope send: --via takes an HTTP proxy, http://HOST:PORT (https goes through it with CONNECT)');
      const byArguments = flags.plan === undefined && flags.from === undefined;
      const argumentUrl = url !== undefined ? parseUrl(url, 'the URL') : null;
      let plan = readPlan({ ...flags, url, lines }, via !== null && argumentUrl?.protocol === 'http:');
      let to: URL;
      try {
        to = destination(plan, byArguments ? null : argumentUrl);
      } catch (error) {
        if (error instanceof NoDestination) throw new CliError(`chunkscope send: ${error.message}`);
        throw error;
      }
      let rewrites: string[] = [];
      if (via) ({ plan, rewrites } = forProxy(plan, to));
      if (flags.printPlan) return out(formatPlan({ ...plan, to: `${to.protocol}//${to.host}` }).trimEnd());
      let wire: Wire;
      try {
        wire = planWire(plan, flags.repeat);
      } catch (error) {
        if (error instanceof PlanTooLarge) throw new CliError(`chunkscope send: ${error.message}`);
        throw error;
      }
      const notes = planNotes(plan);
      const started = performance.now();
      const analyzer = new ConnectionAnalyzer(1, 'chunkscope send', 'reverse', 0, { clientIsChunkscope: true, keepChunks: flags.allChunks ? true : 200 });
      const client = new ClientConnection(analyzer, () => (performance.now() - started) / 1000);
      if (!flags.json) {
        out(`send ${plural(wire.requests, 'request')} (${plural(wire.length, 'byte')}) to ${to.protocol}//${to.host}${via ? ` through the proxy ${via.host}` : ''}${plan.pipeline ? ', pipelined' : ''}`);
        for (const note of notes) out(`note: ${note}`);
        for (const r of rewrites) out(`request line changed to fit the proxy: ${r}`);
        out('');
      }
      let outcome: SendOutcome;
      try {
        outcome = await sendWire(wire, client, { url: to, proxy: via, insecure: flags.insecure, ca: (flags.ca ?? []).map(readCa), timeoutSeconds: flags.timeout, maxSeconds: flags.maxTime });
      } catch (error) {
        if (error instanceof CouldNotConnect) throw new CliError(`chunkscope send: ${error.message}`);
        throw error;
      }
      const report = analyzer.report();
      const answeredAll = analyzer.answered >= wire.requests;
      const ok = report.verdict === 'ok' && answeredAll;
      if (flags.json) {
        const connection = (captureJson({ connections: [report], session: null, closedCleanly: true, marks: new Map(), truncatedBytes: 0 }) as { connections: object[] }).connections[0];
        out(
          JSON.stringify(
            {
              to: `${to.protocol}//${to.host}`,
              via: via ? `http://${via.host}` : null,
              planned: { requests: wire.requests, bytes: wire.length, repeat: flags.repeat, pipeline: plan.pipeline },
              notes,
              rewrites,
              sent: { requests: outcome.requests, bytes: outcome.sent },
              answered: analyzer.answered,
              stopped: outcome.stopped,
              connection,
              verdict: report.verdict,
              answeredAll,
            },
            null,
            2,
          ),
        );
      } else {
        for (const line of humanLines(report, outcome, wire, flags)) out(line);
        out('');
        out(`${plural(outcome.requests, 'request')} sent, ${plural(analyzer.answered, 'answer')}; verdict: ${ok ? 'ok' : report.verdict === 'error' ? 'error' : `not every request was answered`}`);
      }
      process.exitCode = ok ? EXIT.ok : EXIT.notCompliant;
    });
}
