// What the engine offers launched clients, behind the app's "Connect a client" panel and
// `chunkscope run` / `browser` from a terminal: a control listener and the discovery file
// (so those commands find this Chunkscope and get ports of their own), the setup of a
// client (variables, shells, CA), launching a browser, and the system proxy.

import { X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import type { ClientSetup, LaunchedBrowserInfo, SystemProxyState } from '../../shared/clients';
import type { ClientTag } from '../capture/format';
import type { ClientPort, ProxyServer } from '../proxy/server';
import { CertificateAuthority } from '../tls/ca';
import { chooseBrowser, findBrowsers } from './browsers';
import { ControlServer } from './control';
import { advertise, newToken } from './discovery';
import { writeClientFiles } from './files';
import { launchBrowser, type LaunchedBrowser } from './launch-browser';
import { SHELLS, howToApply, script } from './shells';
import { restoreLeftSystemProxy, systemProxyHere, type SystemProxy } from './system-proxy';
import type { Runner } from './system-proxy/plan';
import { stepLine, trustPlan } from './trust-ca';
import { clientVariables } from './variables';

export interface ClientSupportOptions {
  dataDir: string;
  /** Write the discovery file and listen for `run` and `browser` (the app, `serve`). */
  advertise: boolean;
  /** The environment the system proxy's platform is read from, and how its commands run (tests: a private D-Bus session). */
  systemEnv?: NodeJS.ProcessEnv;
  systemRunner?: Runner;
  /** The engine relays every connection to one origin: no client can use it as its proxy, so none is offered. */
  reverse?: boolean;
  /** A client was launched (a port asked for): the engine starts capturing if it was not. */
  launched?: () => void;
}

export class ClientError extends Error {}

export class ClientSupport {
  private proxy: ProxyServer | null = null;
  private proxyUrl: string | null = null;
  private control: ControlServer | null = null;
  private withdraw: (() => void) | null = null;
  private system: SystemProxy | { unsupported: string } | null = null;
  private systemChanges: string | null = null;
  private readonly browsers = new Set<LaunchedBrowser>();
  private readonly browserPorts = new Map<LaunchedBrowser, ClientPort>();

  constructor(private readonly options: ClientSupportOptions) {}

  /** Once the proxy listens. Returns the sentence to show when system proxy settings left behind were put back. */
  async start(proxy: ProxyServer, proxyUrl: string): Promise<string | null> {
    this.proxy = proxy;
    this.proxyUrl = proxyUrl;
    const putBack = await restoreLeftSystemProxy(this.options.dataDir, this.options.systemEnv, this.options.systemRunner);
    if (!this.options.advertise || this.options.reverse) return putBack;
    const token = newToken();
    this.control = new ControlServer(token, (launched) => this.openClientPort(launched));
    const control = await this.control.listen();
    this.withdraw = advertise(this.options.dataDir, { pid: process.pid, proxy: proxyUrl, control: { ...control, token }, startedAt: new Date().toISOString() });
    return putBack;
  }

  /** A proxy port of the launched client's own: its connections are recorded with its tag (and their numbers told to `onConnection`). */
  openClientPort(launched: ClientTag, onConnection?: (connection: number) => void): Promise<ClientPort> {
    if (!this.proxy) return Promise.reject(new ClientError('the proxy is not running'));
    if (this.options.reverse) return Promise.reject(new ClientError('this Chunkscope relays every connection to one origin (reverse mode): a client cannot use it as its proxy'));
    this.options.launched?.();
    return this.proxy.listenForClient(launched, onConnection);
  }

  /** The environment of `chunkscope run`, for a client launched on `port`: this process's, pointed at the port and trusting the CA. */
  async launchedEnvironment(port: ClientPort): Promise<NodeJS.ProcessEnv> {
    const files = writeClientFiles(this.options.dataDir, await this.ca());
    const env = { ...process.env };
    for (const variable of clientVariables(port.url, files, process.env.NODE_OPTIONS ?? '')) env[variable.name] = variable.value;
    return env;
  }

  private async ca(): Promise<CertificateAuthority> {
    return CertificateAuthority.load(this.options.dataDir);
  }

  private systemProxy(): SystemProxy | { unsupported: string } {
    this.system ??= systemProxyHere(this.options.dataDir, this.options.systemEnv ?? process.env, this.options.systemRunner);
    return this.system;
  }

  systemProxyState(): SystemProxyState {
    const system = this.systemProxy();
    if ('unsupported' in system) return { on: false, supported: false, platform: null, changes: null, reason: system.unsupported };
    return { on: system.on, supported: true, platform: system.platform.name, changes: this.systemChanges, reason: null };
  }

  /** Everything the "Connect a client" panel shows. */
  async setup(): Promise<ClientSetup> {
    const ca = await this.ca();
    const proxy = this.proxyUrl;
    const files = writeClientFiles(this.options.dataDir, ca);
    const variables = proxy ? clientVariables(proxy, files) : [];
    const pairs = variables.map((v): [string, string] => [v.name, v.value]);
    const shells = SHELLS.map((shell) => {
      let lines: string | null;
      try {
        lines = script(shell, { set: pairs, unset: [] });
      } catch {
        lines = null; // cmd cannot carry a value: the panel offers the others
      }
      return { shell, lines, apply: howToApply(shell), off: howToApply(shell, true) };
    });
    const commonName = /^CN=(.*)$/m.exec(new X509Certificate(ca.certPem).subject)?.[1] ?? 'Chunkscope CA';
    const plan = trustPlan(process.platform, { certPath: ca.certPath, commonName, home: homedir() });
    return {
      proxy,
      ca: { path: ca.certPath, spki: ca.spki(), bundle: files.caBundle },
      variables,
      shells,
      run: 'chunkscope run -- COMMAND',
      browsers: findBrowsers().map((b) => ({ name: b.name, path: b.path })),
      systemProxy: this.systemProxyState(),
      trustCa:
        'unsupported' in plan
          ? { store: null, changes: null, commands: [], reason: plan.unsupported }
          : { store: plan.store, changes: plan.changes, commands: plan.install.map((s) => stepLine(s, plan.needsRoot)), reason: null },
    };
  }

  /** A browser with a fresh profile on a port of its own; its profile goes when it closes. */
  async launchBrowser(args: { browser?: string; url?: string }, extra: { headless?: boolean; extraArgs?: string[] } = {}): Promise<LaunchedBrowserInfo> {
    const chosen = chooseBrowser(args.browser, findBrowsers());
    if ('missing' in chosen) throw new ClientError(chosen.missing);
    const port = await this.openClientPort({ launched: 'browser', tag: chosen.name });
    let launched: LaunchedBrowser;
    try {
      launched = await launchBrowser(chosen, { proxy: { host: '127.0.0.1', port: port.port }, ca: await this.ca(), url: args.url ?? null, ...extra });
    } catch (error) {
      await port.close();
      throw new ClientError(error instanceof Error ? error.message : String(error));
    }
    this.browsers.add(launched);
    this.browserPorts.set(launched, port);
    void launched.exited.then(() => {
      this.browsers.delete(launched);
      this.browserPorts.delete(launched);
      void port.close();
    });
    return { browser: chosen.name, path: chosen.path, pid: launched.pid, profile: launched.profile, proxy: port.url, notes: launched.notes };
  }

  async setSystemProxy({ on }: { on: boolean }): Promise<SystemProxyState> {
    const system = this.systemProxy();
    if ('unsupported' in system) throw new ClientError(system.unsupported);
    if (on) {
      if (!this.proxyUrl) throw new ClientError('the proxy is not running');
      if (this.options.reverse) throw new ClientError('the system proxy needs the forward proxy: in reverse mode every connection goes to the one origin');
      const address = new URL(this.proxyUrl);
      this.systemChanges = await system.turnOn({ host: address.hostname === '::' ? '127.0.0.1' : address.hostname, port: Number(address.port) });
    } else {
      await system.turnOff();
      this.systemChanges = null;
    }
    return this.systemProxyState();
  }

  /** Before the proxy closes: the system proxy put back, browsers it launched closed (their profiles go), the discovery file withdrawn. */
  async close(): Promise<void> {
    this.withdraw?.();
    await this.control?.close();
    const system = this.system;
    if (system && !('unsupported' in system) && system.on) await system.turnOff().catch(() => undefined);
    const closing = [...this.browsers].map((b) => {
      b.close();
      return b.exited;
    });
    await Promise.all(closing);
  }
}
