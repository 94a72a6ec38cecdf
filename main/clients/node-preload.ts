// Loaded into every Node program started from a Chunkscope environment (NODE_OPTIONS
// --require, built to app/dist/node-preload.cjs): Node before 24 does not read the proxy
// variables, so this routes its http, https and fetch through them: proxy-agent's
// ProxyAgent (the proxy for each URL from HTTP_PROXY, HTTPS_PROXY and NO_PROXY) as the
// global agent of http and https, and for fetch undici's EnvHttpProxyAgent (fetch-preload.ts),
// loaded only when the program first uses fetch: parsing undici costs every Node start
// about 100 ms, proxy-agent about 25. It never stops the program it is loaded into: a
// failure is one line on stderr.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import type { AgentConnectOpts } from 'agent-base';
import { ProxyAgent } from 'proxy-agent';

/** The file beside this one that makes fetch's dispatcher (scripts/build.mjs builds both). */
export const FETCH_PRELOAD = 'node-preload-fetch.cjs';

/** Node 24 (and 22.21) route through the proxy variables themselves when NODE_USE_ENV_PROXY is set. */
export function nodeReadsProxyVariables(version: string, env: NodeJS.ProcessEnv): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const supported = major >= 24 || (major === 22 && minor >= 21);
  return supported && env.NODE_USE_ENV_PROXY === '1';
}

/**
 * https-proxy-agent drops `host` from the TLS options of the tunnelled connection and, for
 * an IP address, sets no servername (RFC 6066 allows none), so Node checks the origin's
 * certificate against "localhost" (TooTallNate/proxy-agents#365, fix proposed in #367):
 * https://127.0.0.1:8443/ fails. Until it is fixed, the check is given the host it was
 * asked for; a host name is left to the library.
 */
class ProxyAgentForIpHosts extends ProxyAgent {
  override connect(req: http.ClientRequest, opts: AgentConnectOpts): ReturnType<ProxyAgent['connect']> {
    if (opts.secureEndpoint && net.isIP(opts.host ?? '') && !('checkServerIdentity' in opts)) {
      const host = opts.host!;
      (opts as tls.ConnectionOptions).checkServerIdentity = (_name, certificate) => tls.checkServerIdentity(host, certificate);
    }
    return super.connect(req, opts);
  }
}

function warn(what: string, error: unknown): void {
  process.stderr.write(`chunkscope: ${what} (${error instanceof Error ? error.message : String(error)}); this program's requests may not go through Chunkscope\n`);
}

/**
 * fetch (Node's own undici) takes its dispatcher from this global when it first runs. Until
 * then the getter costs nothing; a program that sets a dispatcher of its own replaces it
 * (undici's setGlobalDispatcher redefines the property), as it would without Chunkscope.
 */
function fetchThroughProxy(): void {
  const key = Symbol.for('undici.globalDispatcher.1');
  if (Object.getOwnPropertyDescriptor(globalThis, key)) return;
  let dispatcher: unknown;
  let loading = false;
  Object.defineProperty(globalThis, key, {
    configurable: true,
    enumerable: false,
    get() {
      // undici, while it loads, looks here and sets a dispatcher of its own if it finds none:
      // it is shown null (not none) until ours exists.
      if (loading) return null;
      if (dispatcher === undefined) {
        loading = true;
        try {
          // A path, not a module name: the bundler leaves it to run time (this file is CommonJS).
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          dispatcher = (require(join(__dirname, FETCH_PRELOAD)) as { dispatcher(): unknown }).dispatcher();
        } catch (error) {
          warn('fetch could not be routed through the proxy', error);
          dispatcher = null;
        } finally {
          loading = false;
        }
      }
      // Without ours, none: Node's fetch then makes its own and goes direct.
      return dispatcher ?? undefined;
    },
    set(value: unknown) {
      dispatcher = value;
    },
  });
}

if (!nodeReadsProxyVariables(process.version, process.env)) {
  try {
    const agent = new ProxyAgentForIpHosts({ keepAlive: true });
    http.globalAgent = agent;
    https.globalAgent = agent;
    fetchThroughProxy();
  } catch (error) {
    warn('the proxy preload could not be set up', error);
  }
}
