// chunkscope browser [URL]: a browser with a fresh profile, pointed at Chunkscope and trusting
// its CA for that profile only (main/clients/browsers.ts); its exchanges tagged with its
// name; the profile removed when it closes.

import { InvalidArgumentError, type Command } from 'commander';
import { chooseBrowser, findBrowsers } from '../clients/browsers';
import { launchBrowser } from '../clients/launch-browser';
import { CertificateAuthority, dataDir } from '../tls';
import { addClientProxyOptions, clientProxy, type ClientProxyFlags } from './client-proxy';
import { CliError, systemReason } from './errors';

interface BrowserFlags extends ClientProxyFlags {
  browser?: string;
  headless?: boolean;
  browserArg: string[];
  list?: boolean;
}

function webUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // said below
  }
  throw new InvalidArgumentError('a URL to open is http:// or https://');
}

export function registerBrowser(program: Command, out: (text: string) => void): void {
  const command = program
    .command('browser')
    .summary('open a browser with a fresh profile, pointed at Chunkscope and trusting its CA')
    .description(
      'Open Chromium, Chrome, Edge or Brave (or Firefox) with a fresh temporary profile: every request through the proxy, ' +
        'loopback included, and the Chunkscope CA trusted for that profile only (Chromium: --ignore-certificate-errors-spki-list ' +
        "with the CA key's hash; Firefox: the profile's own store with NSS certutil, else the system's). Your own profile is " +
        'never touched, and the temporary one is removed when the browser closes. The exchanges show in the running Chunkscope, ' +
        'tagged with the browser, or, when none runs (or with the proxy options), on a proxy of its own that prints them.',
    )
    .argument('[url]', 'the page to open', webUrl)
    .option('--browser <name-or-path>', 'chromium, chrome, edge, brave, firefox, or the path of its program (default: the first found)')
    .option('--headless', 'without a window (for scripts; add --browser-arg --dump-dom to print the page)')
    .option('--browser-arg <arg>', 'an argument for the browser itself (repeatable)', (value: string, previous: string[] = []) => [...previous, value], [])
    .option('--list', 'list the browsers found, and exit');
  addClientProxyOptions(command).action(async (url: string | undefined, flags: BrowserFlags) => {
    const found = findBrowsers();
    if (flags.list) {
      for (const b of found) out(`${b.name.padEnd(9)}${b.path}`);
      if (found.length === 0) out('no browser found');
      return;
    }
    const browser = chooseBrowser(flags.browser, found);
    if ('missing' in browser) throw new CliError(`chunkscope browser: ${browser.missing}`);
    const proxy = await clientProxy('browser', { launched: 'browser', tag: browser.name }, flags, out);
    const ca = await CertificateAuthority.load(dataDir());
    const address = new URL(proxy.url);
    let launched;
    try {
      launched = await launchBrowser(browser, { proxy: { host: address.hostname, port: Number(address.port) }, ca, url: url ?? null, headless: flags.headless, extraArgs: flags.browserArg, stdio: ['ignore', 'inherit', 'ignore'] });
    } catch (error) {
      await proxy.close();
      throw new CliError(`chunkscope browser: ${systemReason(error)}`);
    }
    out(`chunkscope browser: ${browser.name} (${browser.path}) with a fresh profile in ${launched.profile}, removed when it closes; ${proxy.note}`);
    for (const note of launched.notes) out(`chunkscope browser: ${note}`);
    // Ctrl-C or SIGTERM closes the browser first: its profile goes with it.
    const close = () => launched.close();
    process.on('SIGINT', close);
    process.on('SIGTERM', close);
    const status = await launched.exited;
    process.off('SIGINT', close);
    process.off('SIGTERM', close);
    await proxy.close();
    out(`chunkscope browser: ${browser.name} closed; its profile is removed`);
    if (status) process.exitCode = status;
  });
}
