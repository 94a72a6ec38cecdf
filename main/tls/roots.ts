// The roots an origin's certificate is verified against: Node's bundle, the system's
// bundle file where there is one, and NODE_EXTRA_CA_CERTS (which an explicit `ca`
// option would otherwise drop).

import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/ca-bundle.pem'];

/**
 * One TLS client context holding the roots, made once: parsing a few hundred root
 * certificates takes tens of milliseconds, too long to do per connection.
 */
export function upstreamContext(roots: string[]): tls.SecureContext {
  return tls.createSecureContext({ ca: roots });
}

export function trustedRoots(extra: string[] = []): string[] {
  const roots = [...tls.rootCertificates];
  const system = SYSTEM_BUNDLES.find((path) => existsSync(path));
  if (system) roots.push(readFileSync(system, 'utf8'));
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  if (extraFile && existsSync(extraFile)) roots.push(readFileSync(extraFile, 'utf8'));
  return [...roots, ...extra];
}
