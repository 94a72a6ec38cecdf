// The proxy a launched client (`run`, `browser`) goes through: a port of its own on the
// running Chunkscope (the app or `serve`, found by its discovery file), so the exchanges
// show there, tagged; or, when none runs or options ask for one (--port, --capture,
// --rule, --insecure-upstream, --no-intercept, --standalone), a proxy of its own in this
// process, every connection of which is the client's.

import { Option, type Command } from 'commander';
import type { ClientTag } from '../capture/format';
import { FileExistsError } from '../capture/output-file';
import { CaptureWriter } from '../capture/writer';
import { requestClientPort } from '../clients/control';
import { readRunning } from '../clients/discovery';
import { ProxyLoopError, ProxyServer } from '../proxy/server';
import { https } from '../tls';
import { dataDir } from '../tls/data-dir';
import type { Rule } from '../../shared/rules';
import { CliError, refusal, systemReason } from './errors';
import { liveListener } from './live-listener';
import { collect, collectRule, parsePort } from './options';
import { parseSeconds } from './proxy';

export interface ClientProxyFlags {
  port?: number;
  capture?: string;
  force?: boolean;
  insecureUpstream?: boolean;
  rule: Rule[];
  /** Hosts (globs) not to intercept: commander files --no-intercept <glob> under "intercept". */
  intercept: string[];
  standalone?: boolean;
  quiet?: boolean;
  stallAfter: number;
}

/** The options of `proxy` that apply to a launched client's own proxy. */
export function addClientProxyOptions(command: Command): Command {
  return command
    .addOption(new Option('--port <n>', 'a proxy of its own on this port (0 picks a free one; the default)').argParser(parsePort))
    .option('--capture <file>', 'a proxy of its own that writes this capture file; an existing file is refused unless --force')
    .option('--force', 'with --capture: replace an existing file')
    .option('--insecure-upstream', 'a proxy of its own that accepts any origin certificate (self-signed test origins)')
    .option('--rule <text>', 'a proxy of its own with this fault or rewrite rule (repeatable; see README: Rules)', collectRule, [])
    .option('--no-intercept <glob>', 'a proxy of its own that leaves CONNECT to matching hosts an opaque tunnel (repeatable)', collect, [])
    .option('--standalone', 'a proxy of its own even when Chunkscope is running')
    .addOption(new Option('--stall-after <seconds>', 'report a message in progress as stalled after this long without a byte').default(2).argParser(parseSeconds))
    .option('--quiet', "don't print the exchanges (a proxy of its own prints each as it ends)");
}

export interface ClientProxy {
  /** http://127.0.0.1:PORT, for the client. */
  url: string;
  /** One line: which proxy, and where the exchanges show. */
  note: string;
  close(): Promise<void>;
}

function wantsOwn(flags: ClientProxyFlags): boolean {
  return flags.standalone === true || flags.port !== undefined || flags.capture !== undefined || flags.rule.length > 0 || flags.insecureUpstream === true || flags.intercept.length > 0;
}

export async function clientProxy(name: 'run' | 'browser', launched: ClientTag, flags: ClientProxyFlags, say: (line: string) => void): Promise<ClientProxy> {
  let found = '';
  if (!wantsOwn(flags)) {
    const running = readRunning(dataDir());
    if (running) {
      const granted = await requestClientPort(running.control, launched);
      if ('proxy' in granted) {
        return {
          url: granted.proxy,
          note: `through the running Chunkscope (pid ${running.pid}, proxy ${running.proxy}): its exchanges show there, tagged "${launched.tag}"`,
          close: async () => granted.release(),
        };
      }
      found = `a running Chunkscope (pid ${running.pid}) did not give a port (${granted.refused}), so `;
    }
  }
  return ownProxy(name, launched, flags, say, found);
}

async function ownProxy(name: string, launched: ClientTag, flags: ClientProxyFlags, say: (line: string) => void, found: string): Promise<ClientProxy> {
  let capture: CaptureWriter | null = null;
  if (flags.capture) {
    try {
      capture = new CaptureWriter(flags.capture, { replace: flags.force === true });
    } catch (error) {
      if (error instanceof FileExistsError) throw new CliError(`chunkscope ${name}: ${refusal(error)}`);
      throw new CliError(`chunkscope ${name}: cannot write the capture ${flags.capture}: ${systemReason(error)}`);
    }
    capture.onFailure((failure) => say(failure.message));
  }
  const tls = await https({ noIntercept: flags.intercept, insecureUpstream: flags.insecureUpstream === true });
  const server = new ProxyServer({
    host: '127.0.0.1',
    port: flags.port ?? 0,
    reverse: null,
    capture,
    stallSeconds: flags.stallAfter,
    keepChunks: false,
    keepSpans: false,
    packWaiting: true,
    intercept: tls.intercept,
    rules: () => flags.rule,
    launched,
    listener: liveListener(flags.quiet ? () => undefined : say, flags.quiet === true),
  });
  let url: string;
  try {
    url = (await server.listen()).url;
  } catch (error) {
    await capture?.close();
    if (error instanceof ProxyLoopError) throw new CliError(`chunkscope ${name}: ${error.message}`);
    throw new CliError(`chunkscope ${name}: cannot listen on 127.0.0.1:${flags.port ?? 0}: ${systemReason(error)}`);
  }
  const what = [capture ? `capturing to ${flags.capture}` : null, flags.insecureUpstream ? 'origin certificates NOT verified (--insecure-upstream)' : null, ...flags.rule.map((r) => `rule: ${r.text}`)].filter(Boolean);
  return {
    url,
    note: `${found}a proxy of its own listens on ${url}${what.length ? `; ${what.join('; ')}` : ''}`,
    close: async () => {
      await server.close();
      await capture?.close();
      if (capture?.failure) say(`capture kept up to the failure: ${flags.capture} (${capture.failure.bytes.toLocaleString('en-US')} bytes)`);
      else if (capture) say(`capture written to ${flags.capture}`);
    },
  };
}
