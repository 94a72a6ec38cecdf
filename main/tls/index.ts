// HTTPS interception, ready for a proxy: the CA from the user's data directory and an
// interceptor bound to the proxy it serves.
import type { ProxyServer } from '../proxy/server';
import { CertificateAuthority } from './ca';
import { dataDir } from './data-dir';
import { Interceptor } from './intercept';
import { trustedRoots, upstreamContext } from './roots';

export interface HttpsOptions {
  /** Hosts (globs) left as opaque CONNECT tunnels. */
  noIntercept: string[];
  insecureUpstream: boolean;
  /** Extra roots to trust for origins (PEM). */
  extraRoots?: string[];
  dir?: string;
  /** How long a client silent inside its tunnel is waited for (intercept.ts SERVER_FIRST_MS). */
  serverFirstMs?: number;
}

export async function https(options: HttpsOptions): Promise<{ ca: CertificateAuthority; intercept: (server: ProxyServer) => Interceptor }> {
  const ca = await CertificateAuthority.load(options.dir ?? dataDir());
  const roots = upstreamContext(trustedRoots(options.extraRoots));
  return {
    ca,
    intercept: (server) =>
      new Interceptor({
        ca,
        exclude: options.noIntercept,
        insecureUpstream: options.insecureUpstream,
        roots,
        serverFirstMs: options.serverFirstMs,
        context: (recorder) => server.relayContext(recorder),
        adopt: (relay) => server.adopt(relay),
      }),
  };
}

export { CertificateAuthority } from './ca';
export { dataDir } from './data-dir';
