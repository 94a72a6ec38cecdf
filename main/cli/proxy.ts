// chunkscope proxy: headless capture, with a live report on stdout.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { CaptureWriter } from '../capture/writer';
import { FileExistsError } from '../capture/output-file';
import { ProxyLoopError, ProxyServer } from '../proxy/server';
import { parseAuthority, type Origin } from '../proxy/forward-gate';
import { CliError, refusal, systemReason } from './errors';
import { liveListener } from './live-listener';
import { leftBehind, systemProxyFor, turnOffSystemProxy, turnOnSystemProxy } from './system-proxy';
import { collect, collectRule, isLoopback, parsePort, untilSignal } from './options';
import { describeRule, type Rule } from '../../shared/rules';
import { https } from '../tls';
import { Stepping } from '../rules/stepping';
import { DEFAULT_RELEASE_AFTER_SECONDS, MAX_HOLD_SECONDS } from '../../shared/breakpoints';
import { groupDigits } from '../../shared/words';

interface ProxyFlags {
  port: number;
  host: string;
  capture?: string;
  force?: boolean;
  reverse?: string;
  stallAfter: number;
  quiet?: boolean;
  /** Hosts (globs) NOT to intercept: commander files --no-intercept <glob> under "intercept". */
  intercept: string[];
  insecureUpstream?: boolean;
  rule: Rule[];
  releaseAfter: number;
  system?: boolean;
}

export function parseReverse(url: string): Origin {
  const m = /^http:\/\/([^/?#]+)\/?$/.exec(url);
  const origin = m ? parseAuthority(m[1]!, 80) : null;
  if (!origin) {
    throw new CliError(`chunkscope proxy: --reverse takes an origin like http://127.0.0.1:9001 (got "${url}")`);
  }
  return origin;
}

export function registerProxy(program: Command, out: (text: string) => void): void {
  program
    .command('proxy')
    .summary('headless intercepting proxy: relay, parse, capture')
    .description(
      'Relay HTTP/1.1 byte for byte, parse both directions, and print one line per exchange when it ends ' +
        '(status, framing, chunks, whether the last chunk arrived, how the connection ended) and every anomaly. ' +
        'Forward mode by default (point clients at it as an HTTP proxy); --reverse relays every connection to one origin. ' +
        'Ctrl-C flushes the capture and exits.',
    )
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(8888).argParser(parsePort))
    .option('--host <address>', 'address to listen on; anything but loopback is an open proxy', '127.0.0.1')
    .option('--capture <file>', 'write a capture file (raw bytes, times, how each side ended); an existing file is refused unless --force')
    .option('--force', 'with --capture: replace an existing file')
    .option('--reverse <url>', 'relay every connection to this origin, e.g. http://127.0.0.1:9001')
    .addOption(new Option('--stall-after <seconds>', 'report a message in progress as stalled after this long without a byte').default(2).argParser(parseSeconds))
    .option('--quiet', 'print only the listening line')
    .option('--no-intercept <glob>', 'leave CONNECT to matching hosts an opaque tunnel, not intercepted (repeatable; globs like *.example.com; "*" for all)', collect, [])
    .option('--insecure-upstream', "accept any origin certificate (self-signed test origins); said on every run while on")
    .option('--rule <text>', 'a fault or rewrite rule, e.g. "drop-last-chunk path:/feed*" (repeatable; see README: Rules); without rules the relay is byte-exact', collectRule, [])
    .addOption(new Option('--release-after <seconds>', 'release a message held at a breakpoint (--rule break-response, break-request) after this long; the API steps it in the app and `serve`').default(DEFAULT_RELEASE_AFTER_SECONDS).argParser(parseReleaseAfter))
    .option('--system', "set the operating system's proxy to this one while it runs (Windows, macOS, GNOME, KDE); put back when it stops, or at the next start after a crash")
    .action(async (flags: ProxyFlags) => {
      const reverse = flags.reverse ? parseReverse(flags.reverse) : null;
      const system = flags.system ? systemProxyFor('proxy', reverse !== null) : null;
      const putBack = await leftBehind();
      let capture: CaptureWriter | null = null;
      if (flags.capture) {
        try {
          capture = new CaptureWriter(flags.capture, { replace: flags.force === true });
        } catch (error) {
          if (error instanceof FileExistsError) throw new CliError(`chunkscope proxy: ${refusal(error)}`);
          throw new CliError(`chunkscope proxy: cannot write the capture ${flags.capture}: ${systemReason(error)}`);
        }
        // Told at once, whatever --quiet says: the capture has stopped, the relay has not.
        capture.onFailure((failure) => out(failure.message));
      }
      const say = flags.quiet ? () => undefined : out;
      const quiet = flags.quiet === true;
      const tls = reverse ? null : await https({ noIntercept: flags.intercept, insecureUpstream: flags.insecureUpstream === true });
      const server = new ProxyServer({
        host: flags.host,
        port: flags.port,
        reverse,
        capture,
        stallSeconds: flags.stallAfter,
        keepChunks: false,
        keepSpans: false,
        packWaiting: true,
        intercept: tls?.intercept,
        rules: () => flags.rule,
        // No stepping here: what a breakpoint holds is released after --release-after (a ⚙ line says so).
        stepping: new Stepping({ releaseAfterMs: flags.releaseAfter * 1000 }),
        listener: liveListener(say, quiet),
      });
      let address;
      try {
        address = await server.listen();
      } catch (error) {
        if (error instanceof ProxyLoopError) throw new CliError(`chunkscope proxy: ${error.message}`);
        throw new CliError(`chunkscope proxy: cannot listen on ${flags.host}:${flags.port}: ${systemReason(error)}`);
      }
      if (!isLoopback(flags.host)) {
        process.stderr.write(`chunkscope proxy: warning: listening on ${flags.host}, not loopback: anyone who can reach this address can use this proxy (an open proxy)\n`);
      }
      // Before the first line: a Ctrl-C as soon as it shows must still close cleanly.
      const stopped = untilSignal();
      out(`listening on ${address.url}`);
      if (reverse) say(`relaying every connection to http://${reverse.host}:${reverse.port}`);
      if (tls) say(`intercepting HTTPS (CONNECT) with the Chunkscope CA: ${tls.ca.certPath}${flags.intercept.length ? `; not for ${flags.intercept.join(', ')}` : ''}`);
      if (tls && flags.insecureUpstream) process.stderr.write('chunkscope proxy: warning: --insecure-upstream: origin certificates are NOT verified\n');
      for (const rule of flags.rule) say(`rule: ${rule.text} (${describeRule(rule)})`);
      if (capture) say(`capturing to ${flags.capture}`);
      if (putBack) out(putBack);
      if (system) {
        try {
          await turnOnSystemProxy('proxy', system, address, out);
        } catch (error) {
          await server.close();
          await capture?.close();
          throw error;
        }
      }
      await stopped;
      await turnOffSystemProxy(system, out);
      await server.close();
      await capture?.close();
      if (capture?.failure) say(`capture kept up to the failure: ${flags.capture} (${capture.failure.bytes.toLocaleString('en-US')} bytes)`);
      else if (capture) say(`capture written to ${flags.capture}`);
    });
}

/** --release-after: seconds above 0, at most a day. */
export function parseReleaseAfter(value: string): number {
  const seconds = parseSeconds(value);
  if (seconds > MAX_HOLD_SECONDS) throw new InvalidArgumentError(`expected at most ${groupDigits(MAX_HOLD_SECONDS)} (a day): a held message is released after that long at the latest.`);
  return seconds;
}

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a number of seconds above 0.');
  return seconds;
}

