// Loaded into every Node program started from a Chunkscope environment (NODE_OPTIONS
// --require, built to app/dist/node-preload.cjs): Node before 24 does not read the proxy
// variables, so this routes its http, https and fetch through them: proxy-agent's
// ProxyAgent (the proxy for each URL from HTTP_PROXY, HTTPS_PROXY and NO_PROXY) as the
// global agent of http and https, and undici's EnvHttpProxyAgent as fetch's dispatcher
// (Node's own fetch is undici, and reads the dispatcher set here). undici 7 needs Node 20.18
// or later. It never stops the program it is loaded into: a failure is one line on stderr.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { AgentConnectOpts } from 'agent-base';
import { ProxyAgent } from 'proxy-agent';
import { EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';

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

if (!nodeReadsProxyVariables(process.version, process.env)) {
  try {
    const agent = new ProxyAgentForIpHosts({ keepAlive: true });
    http.globalAgent = agent;
    https.globalAgent = agent;
    // Plain http in absolute form, as curl sends it: undici would otherwise tunnel it through CONNECT.
    setGlobalDispatcher(new EnvHttpProxyAgent({ proxyTunnel: false }));
  } catch (error) {
    process.stderr.write(`chunkscope: the proxy preload could not be set up (${error instanceof Error ? error.message : String(error)}); this program's requests may not go through Chunkscope\n`);
  }
}
