// chunkscope serve: the proxy plus the UI in a browser, over a loopback WebSocket bridge.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { Engine } from '../engine/engine';
import { fallbackLine, startWithFallback } from '../proxy/port-fallback';
import { ProxyLoopError } from '../proxy/server';
import { Bridge } from '../bridge/bridge';
import { CliError, systemReason } from './errors';
import { collect, collectRule, parsePort, untilSignal } from './options';
import { parseReleaseAfter } from './proxy';
import { DEFAULT_RELEASE_AFTER_SECONDS } from '../../shared/breakpoints';
import type { Rule } from '../../shared/rules';
import { parseReverse } from './proxy';

interface ServeFlags {
  port: number;
  proxyPort: number;
  reverse?: string;
  open?: string;
  stallAfter: number;
  /** Hosts (globs) NOT to intercept (commander files --no-intercept <glob> here). */
  intercept?: string[];
  insecureUpstream?: boolean;
  rule?: Rule[];
  /** The browser UI may run programs here ("Probe a client"). */
  allowCommands?: boolean;
  /** Seconds after which a message held at a breakpoint that nobody steps is released. */
  releaseAfter?: number;
  /** Ports given on the command line: taken, they are an error; defaults fall back to free ones. */
  exactPorts?: { ui: boolean; proxy: boolean };
}

/** Where the built renderer is: beside the bundled CLI (app/dist/renderer). */
export function rendererDir(): string {
  return fileURLToPath(new URL('./renderer/', import.meta.url));
}

export interface ServeContext {
  /** The built renderer (default: beside the bundled CLI). */
  rendererDir?: string;
  /** Where notices go (a port taken, a warning); standard error by default. */
  notice?: (line: string) => void;
}

export async function serve(flags: ServeFlags, out: (text: string) => void, context: ServeContext = {}): Promise<{ stop(): Promise<void>; ui: string; proxy: string }> {
  const dir = context.rendererDir ?? rendererDir();
  const notice = context.notice ?? ((line: string) => process.stderr.write(`chunkscope serve: ${line}\n`));
  if (!existsSync(join(dir, 'index.html'))) throw new CliError('chunkscope serve: the UI is not built; run `npm run build` in the checkout');
  if (flags.open && !existsSync(flags.open)) throw new CliError(`chunkscope serve: cannot open ${flags.open}: no such file`);
  const reverse = flags.reverse ? parseReverse(flags.reverse) : null;
  let uiPort: number | null = null; // known once the bridge listens
  let started;
  try {
    started = await startWithFallback(flags.proxyPort, flags.exactPorts?.proxy === true, async (proxyPort) => {
      const engine = new Engine({
        uiPort: () => uiPort,
        proxyHost: '127.0.0.1',
        proxyPort,
        reverse,
        stallSeconds: flags.stallAfter,
        open: flags.open ?? null,
        https: { noIntercept: flags.intercept ?? [], insecureUpstream: flags.insecureUpstream === true },
        rules: flags.rule ?? [],
        releaseAfterSeconds: flags.releaseAfter,
        // `chunkscope run` and `browser` find this one and get proxy ports of their own.
        clients: { advertise: true },
      });
      try {
        return { engine, proxy: (await engine.start()).proxy };
      } catch (error) {
        await engine.close();
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof ProxyLoopError) throw new CliError(`chunkscope serve: ${error.message}`);
    throw new CliError(`chunkscope serve: cannot start the proxy on 127.0.0.1:${flags.proxyPort}: ${systemReason(error)}`);
  }
  const { engine, proxy } = started.value;
  if (started.fellBack) notice(fallbackLine('the proxy', flags.proxyPort, Number(new URL(proxy).port), '--proxy-port N chooses one'));
  let bridged;
  try {
    bridged = await startWithFallback(flags.port, flags.exactPorts?.ui === true, async (port) => {
      const bridge = new Bridge(engine, { host: '127.0.0.1', port, rendererDir: dir, allowCommands: flags.allowCommands === true });
      try {
        return { bridge, listening: await bridge.listen() };
      } catch (error) {
        await bridge.close();
        throw error;
      }
    });
  } catch (error) {
    await engine.close();
    throw new CliError(`chunkscope serve: cannot listen on 127.0.0.1:${flags.port}: ${systemReason(error)}`);
  }
  const { bridge, listening } = bridged.value;
  uiPort = listening.port;
  if (bridged.fellBack) notice(fallbackLine('the UI', flags.port, listening.port, '--port N chooses one'));
  out(`proxy listening on ${proxy}`);
  out(`UI listening on ${listening.url}`);
  const info = engine.hello();
  if (info.capturePath) notice(`capturing to ${info.capturePath} until you save the session (Save in the app)`);
  for (const path of info.recovered ?? []) notice(`kept a session that was not saved when Chunkscope last stopped abruptly: ${path} (open it in the app, or: chunkscope inspect ${path})`);
  if (engine.notice) out(engine.notice);
  // The session's capture stopped (a full disk): one line, at once; the UI shows it too.
  let captureError: string | null = null;
  const stopWatching = engine.onUpdate((batch) => {
    const error = batch.session?.captureError ?? null;
    if (error && error !== captureError) out(error);
    if (batch.session) captureError = error;
  });
  if (flags.insecureUpstream) notice('warning: --insecure-upstream: origin certificates are NOT verified');
  if (flags.allowCommands) notice("warning: --allow-commands: the UI's URL lets whoever holds it run programs as you; keep it to yourself");
  return {
    ui: listening.url,
    proxy,
    stop: async () => {
      stopWatching();
      await bridge.close();
      await engine.close();
    },
  };
}

export function registerServe(program: Command, out: (text: string) => void): void {
  program
    .command('serve')
    .summary('the proxy plus the UI in a browser')
    .description(
      'Run the proxy and serve the Chunkscope UI to a browser on loopback. The UI URL carries a token: ' +
        'only pages opened with it can use the API. Ctrl-C stops both.',
    )
    .addOption(new Option('--port <n>', 'port of the UI (0 picks a free one)').default(8999).argParser(parsePort))
    .addOption(new Option('--proxy-port <n>', 'port of the proxy (0 picks a free one)').default(8888).argParser(parsePort))
    .option('--reverse <url>', 'relay every proxy connection to this origin, e.g. http://127.0.0.1:9001')
    .option('--open <capture>', 'show this capture instead of live traffic')
    .addOption(new Option('--stall-after <seconds>', 'report a message in progress as stalled after this long without a byte').default(2).argParser(Number))
    .option('--no-intercept <glob>', 'leave CONNECT to matching hosts an opaque tunnel, not intercepted (repeatable; "*" for all)', collect, [])
    .option('--insecure-upstream', 'accept any origin certificate (self-signed test origins); shown in the UI while on')
    .option('--rule <text>', 'a fault or rewrite rule to start with (repeatable); the Rules panel changes them', collectRule, [])
    .option('--allow-commands', "let the browser UI run programs on this machine (\"Probe a client\"): anyone holding the UI's URL could then run any program as you")
    .addOption(new Option('--release-after <seconds>', 'release a message held at a breakpoint (break-response, break-request) that nobody steps for this long').default(DEFAULT_RELEASE_AFTER_SECONDS).argParser(parseReleaseAfter))
    .action(async (flags: ServeFlags, command: Command) => {
      const exactPorts = { ui: command.getOptionValueSource('port') === 'cli', proxy: command.getOptionValueSource('proxyPort') === 'cli' };
      // Listened for before the first line: a Ctrl-C as soon as it shows must still close cleanly.
      const stopped = untilSignal();
      const running = await serve({ ...flags, exactPorts }, out);
      await stopped;
      await running.stop();
    });
}
