// The system proxy of this machine (plan.ts): which platform, and the start-up check that
// puts back settings a Chunkscope left behind when it stopped without doing so.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_FILE, SystemProxy, execRunner } from './apply';
import type { Runner } from './plan';
import { systemProxyPlatform } from './platform';

export { SystemProxy, SystemProxyError } from './apply';

/** The system proxy here, or why there is none to set. */
export function systemProxyHere(dataDir: string, env: NodeJS.ProcessEnv = process.env, run: Runner = execRunner): SystemProxy | { unsupported: string } {
  const platform = systemProxyPlatform(process.platform, env);
  if ('unsupported' in platform) return platform;
  return new SystemProxy(dataDir, platform, run);
}

/** At the start of a proxy: the sentence to show when settings left behind were put back (or could not be). */
export async function restoreLeftSystemProxy(dataDir: string, env: NodeJS.ProcessEnv = process.env, run: Runner = execRunner): Promise<string | null> {
  if (!existsSync(join(dataDir, STATE_FILE))) return null;
  const proxy = systemProxyHere(dataDir, env, run);
  if ('unsupported' in proxy) return null;
  try {
    return await proxy.restoreAfterCrash();
  } catch (error) {
    return `the system proxy left set by a Chunkscope that stopped could not be put back: ${error instanceof Error ? error.message : String(error)}`;
  }
}
