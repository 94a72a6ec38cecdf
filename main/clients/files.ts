// The files a client's environment names (variables.ts), kept in the data directory's
// `clients` folder so that a terminal set up by `env` keeps working after `env` has
// exited: the CA bundle (the system's roots and Chunkscope's CA), a wgetrc, and the Node
// preload. Each is rewritten whole whenever a client is set up, never half-written.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CertificateAuthority } from '../tls/ca';
import { trustedRoots } from '../tls/roots';
import { writeWhole } from './private-files';
import type { ClientFiles } from './variables';

export const PRELOAD_NAME = 'node-preload.cjs';

/**
 * The built preload (scripts/build.mjs writes it beside the bundles): beside this bundle,
 * or, run from the sources (tests), in app/dist. Null when it was not built.
 */
export function preloadSource(): string | null {
  const candidates = [new URL(`./${PRELOAD_NAME}`, import.meta.url), new URL(`../../app/dist/${PRELOAD_NAME}`, import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  return null;
}

/** Write the files for `ca` into `dataDir/clients` and return where they are. */
export function writeClientFiles(dataDir: string, ca: CertificateAuthority, env: NodeJS.ProcessEnv = process.env): ClientFiles {
  const dir = join(dataDir, 'clients');
  // The roots are public: 0644, as the CA certificate; the folder stays the user's (0700).
  const caBundle = writeWhole(dir, 'ca-bundle.pem', `${[...trustedRoots(), ca.certPem].map((pem) => pem.trim()).join('\n')}\n`, 0o644);
  const wgetrc = writeWhole(dir, 'wgetrc', wgetSettings(ownWgetrc(env), caBundle));
  const preload = preloadSource();
  const nodePreload = preload === null ? null : writeWhole(dir, PRELOAD_NAME, preload, 0o644);
  return { caBundle, caCert: ca.certPath, wgetrc, nodePreload };
}

/** The user's own wgetrc (WGETRC names it, else ~/.wgetrc): WGETRC replaces it, so its settings are carried over. */
function ownWgetrc(env: NodeJS.ProcessEnv): string {
  const path = env.WGETRC ?? join(homedir(), '.wgetrc');
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The user's settings, without a CA of their own, then ours. */
export function wgetSettings(own: string, caBundle: string): string {
  const kept = own
    .split(/\r?\n/)
    .filter((line) => !/^\s*ca_?certificate\s*=/i.test(line))
    .join('\n')
    .trim();
  return `${kept ? `${kept}\n` : ''}# Chunkscope: trust its CA (chunkscope env / run)\nca_certificate = ${caBundle}\n`;
}
