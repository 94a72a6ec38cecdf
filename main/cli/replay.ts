// chunkscope replay: serve a capture's responses to a client (--serve), or re-send its
// requests to a server and compare the framing (--to).

import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CapturedSession } from '../replay/captured';
import { replayToServer, type ClientReplayOptions, type ReplayedConnection } from '../replay/client';
import { describe, describeEnd } from '../replay/diff';
import { startReplayServer } from '../replay/serve';
import { groupDigits } from '../http1/bytes';
import { CliError, EXIT, systemReason } from './errors';
import { parsePort, untilSignal } from './options';

interface ReplayFlags {
  serve?: number;
  host: string;
  to?: string;
  proxy?: string;
  speed: number;
  connection?: string;
  timing: 'original' | 'fast';
  insecure?: boolean;
  cacert?: string;
  idle: number;
  all?: boolean;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) throw new InvalidArgumentError('a speed is a number above 0 (2 = twice as fast).');
  return speed;
}

function parseUrl(value: string, what: string, schemes: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`chunkscope replay: ${what} takes a URL like ${schemes[0]}//127.0.0.1:9001 (got "${value}")`);
  }
  if (!schemes.includes(url.protocol)) throw new CliError(`chunkscope replay: ${what} takes ${schemes.join(' or ')} URLs (got "${value}")`);
  return url;
}

/** The framing diff of one replayed connection, as printed. */
export function diffLines(done: ReplayedConnection, all: boolean): string[] {
  const { diff } = done;
  const lines: string[] = [];
  const different = diff.exchanges.filter((e) => e.differences.length > 0);
  lines.push(`${diff.id}: ${groupDigits(diff.exchanges.length)} exchange${diff.exchanges.length === 1 ? '' : 's'} replayed, ${groupDigits(diff.exchanges.length - different.length)} the same, ${groupDigits(different.length)} different`);
  for (const r of done.rewrites) lines.push(`  request line changed to fit the destination: ${r}`);
  const shown = all || diff.exchanges.length <= 20 ? diff.exchanges : different;
  for (const e of shown) {
    const what = `${e.method ?? '?'} ${e.target ?? '?'}`;
    if (e.differences.length === 0) lines.push(`  #${e.index + 1} ${what}: same: ${describe(e.now)}`);
    else lines.push(`  #${e.index + 1} ${what}: DIFFERENT: ${e.differences.join('; ')}`, `      captured: ${describe(e.captured)}`, `      now:      ${describe(e.now)}`);
  }
  if (diff.failure) lines.push(`  could not connect: ${diff.failure}`);
  else if (diff.differences.length === 0) lines.push(`  connection: same: ${describeEnd(diff.now)}`);
  else lines.push(`  connection: DIFFERENT: captured ${describeEnd(diff.captured)}; now ${describeEnd(diff.now)}`);
  return lines;
}

export function registerReplay(program: Command, out: (text: string) => void): void {
  program
    .command('replay')
    .summary('serve a capture\'s responses to a client (--serve), or re-send its requests to a server (--to)')
    .description(
      'Server replay (--serve PORT): answer clients with the captured responses byte for byte, one write per original read, ' +
        'the original gaps scaled by --speed, and the original end (FIN, RST, or a stall). Requests are matched to captured ' +
        'exchanges by method and path, in order, whether the capture or the client used absolute-form targets (a proxy\'s) or ' +
        'origin-form ones; the host decides between equal paths. A request it cannot read gets a 400 that says why.\n\n' +
        'Client replay (--to URL): re-send the captured requests byte for byte, one connection per captured connection ' +
        '(keep-alive grouping kept), with the original timing or as fast as the server answers, and print a framing diff of ' +
        'captured vs new responses (status, chunk sizes, last chunk, how the connection ended). Exit status: 0 the same, ' +
        '1 different, 2 could not run.',
    )
    .argument('<capture>', 'a capture file (chunkscope proxy --capture, or saved from the app)')
    .addOption(new Option('--serve <port>', 'serve the captured responses on this port (0 picks a free one)').argParser(parsePort))
    .option('--host <address>', 'with --serve: the address to listen on', '127.0.0.1')
    .option('--to <url>', 're-send the captured requests to this origin (http:// or https://)')
    .option('--proxy <url>', 'with --to: send through this HTTP proxy (a Chunkscope proxy, to capture the replay)')
    .addOption(new Option('--timing <how>', 'with --to: the original timing, or each request as soon as the previous answer is complete').choices(['original', 'fast']).default('fast'))
    .addOption(new Option('--speed <x>', 'divide the original gaps by this (2 = twice as fast)').default(1).argParser(parseSpeed))
    .option('--connection <id>', 'only this captured connection (c3, or 3)')
    .option('--insecure', 'with --to https://: accept any certificate')
    .option('--cacert <file>', 'with --to https://: trust this CA (PEM), e.g. the Chunkscope CA through a Chunkscope proxy')
    .addOption(new Option('--idle <seconds>', 'with --to: stop waiting after this long without a byte').default(30).argParser(parseSpeed))
    .option('--all', 'with --to: print every exchange, not only the different ones, on connections of over 20')
    .action(async (capturePath: string, flags: ReplayFlags) => {
      if ((flags.serve === undefined) === (flags.to === undefined)) throw new CliError('chunkscope replay: give either --serve PORT (serve the responses) or --to URL (re-send the requests)');
      let session: CapturedSession;
      try {
        session = CapturedSession.open(capturePath);
      } catch (error) {
        throw new CliError(`chunkscope replay: cannot read the capture ${capturePath}: ${systemReason(error)}`);
      }
      try {
        if (flags.serve !== undefined) {
          let server;
          try {
            server = await startReplayServer(session, { host: flags.host, port: flags.serve, speed: flags.speed, connection: flags.connection ?? null, log: out });
          } catch (error) {
            throw new CliError(`chunkscope replay: ${systemReason(error)}`);
          }
          out(`listening on ${server.url}`);
          out(`replaying ${groupDigits(session.connections.length)} captured connection${session.connections.length === 1 ? '' : 's'} from ${capturePath}${flags.speed !== 1 ? ` at ${flags.speed}x` : ''}`);
          await untilSignal();
          await server.close();
          return;
        }
        const options: ClientReplayOptions = {
          to: parseUrl(flags.to!, '--to', ['http:', 'https:']),
          proxy: flags.proxy ? parseUrl(flags.proxy, '--proxy', ['http:']) : null,
          timing: flags.timing,
          speed: flags.speed,
          connection: flags.connection ?? null,
          insecure: flags.insecure === true,
          ca: flags.cacert ? [readFileSync(flags.cacert, 'utf8')] : undefined,
          idleSeconds: flags.idle,
        };
        let results: ReplayedConnection[];
        try {
          results = await replayToServer(session, options, (done) => diffLines(done, flags.all === true).forEach((l) => out(l)));
        } catch (error) {
          throw new CliError(`chunkscope replay: ${systemReason(error)}`);
        }
        const different = results.filter((r) => r.diff.failure || r.diff.differences.length > 0 || r.diff.exchanges.some((e) => e.differences.length > 0));
        out(`${groupDigits(results.length)} connection${results.length === 1 ? '' : 's'} replayed: ${groupDigits(results.length - different.length)} the same, ${groupDigits(different.length)} different`);
        if (results.some((r) => r.diff.failure)) process.exitCode = EXIT.couldNotRun;
        else process.exitCode = different.length > 0 ? 1 : EXIT.ok;
      } finally {
        session.close();
      }
    });
}
