// `probe --https`: a certificate authority made for the run, in a private temporary
// directory removed at the end. The client is told to trust it for that run only (the
// variables of environment.ts, or {ca} in its command); the user's own Chunkscope CA,
// which intercepts their traffic, is never handed to a command under test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type tls from 'node:tls';
import { CertificateAuthority } from '../tls/ca';

export interface RunCa {
  /** The CA certificate (PEM) to trust. */
  caFile: string;
  /** The lab's certificate for 127.0.0.1, signed by it. */
  context: tls.SecureContext;
  remove(): void;
}

export async function runCa(host: string): Promise<RunCa> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-probe-ca-'));
  try {
    const ca = await CertificateAuthority.load(dir);
    const leaf = await ca.leaf(host);
    return { caFile: ca.certPath, context: leaf.context, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
