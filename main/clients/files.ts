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

/** The preload and the part of it that fetch loads when first used (node-preload.ts). */
export const PRELOAD_FILES = ['node-preload.cjs', 'node-preload-fetch.cjs'] as const;

/**
 * The built preload files (scripts/build.mjs writes them beside the bundles): beside this
 * bundle, or, run from the sources (tests), in app/dist. Null when they were not built.
 */
export function preloadSources(): string[] | null {
  for (const dir of [new URL('./', import.meta.url), new URL('../../app/dist/', import.meta.url)]) {
    const paths = PRELOAD_FILES.map((name) => fileURLToPath(new URL(name, dir)));
    if (paths.every((path) => existsSync(path))) return paths.map((path) => readFileSync(path, 'utf8'));
  }
  return null;
}

/** Write the files for `ca` into `dataDir/clients` and return where they are. */
export function writeClientFiles(dataDir: string, ca: CertificateAuthority, env: NodeJS.ProcessEnv = process.env): ClientFiles {
  const dir = join(dataDir, 'clients');
  // The roots are public: 0644, as the CA certificate; the folder stays the user's (0700).
  const caBundle = writeWhole(dir, 'ca-bundle.pem', `${[...trustedRoots(), ca.certPem].map((pem) => pem.trim()).join('\n')}\n`, 0o644);
  const wgetrc = writeWhole(dir, 'wgetrc', wgetSettings(ownWgetrc(env), caBundle));
  const sources = preloadSources();
  const written = sources?.map((text, i) => writeWhole(dir, PRELOAD_FILES[i]!, text, 0o644));
  const nodePreload = written?.[0] ?? null;
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
