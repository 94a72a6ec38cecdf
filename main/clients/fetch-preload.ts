// The dispatcher of fetch in a Chunkscope environment (node-preload.ts loads this file the
// first time a program uses fetch): undici's EnvHttpProxyAgent, which takes the proxy for
// each URL from HTTP_PROXY, HTTPS_PROXY and NO_PROXY. Node's own fetch is undici and uses
// the dispatcher it finds. undici 7 needs Node 20.18 or later.

import { EnvHttpProxyAgent } from 'undici';

export function dispatcher(): EnvHttpProxyAgent {
  // Plain http in absolute form, as curl sends it: undici would otherwise tunnel it through CONNECT.
  return new EnvHttpProxyAgent({ proxyTunnel: false });
}
