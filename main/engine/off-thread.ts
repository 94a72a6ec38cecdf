// Runs a background task (background.ts) in a worker thread of its own, so that the
// relay's event loop goes on while a HAR is parsed or written or a capture is searched.
// The worker is the built app/dist/engine-worker.cjs (scripts/build.mjs), found beside
// the bundle that runs (cli.mjs, electron-main.mjs) or, from the sources (tests), in
// app/dist.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackgroundResult, BackgroundTask } from './background';

export class BackgroundError extends Error {}

const WORKER = 'engine-worker.cjs';

let found: string | null = null;

/** The built worker (engine-worker.cjs), beside the running bundle or in app/dist. */
export function workerPath(): string {
  if (found) return found;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, WORKER), join(here, '..', '..', 'app', 'dist', WORKER)];
  found = candidates.find((path) => existsSync(path)) ?? null;
  if (!found) throw new BackgroundError(`Chunkscope's worker (${WORKER}) is not beside ${here}: build it with npm run build`);
  return found;
}

/** What a task makes, as a sentence names it. */
const WORK: Record<BackgroundTask['task'], string> = { import: 'reading the file', har: 'the HAR', curl: 'the curl command', excerpt: 'the capture of the exchanges chosen', requests: 'reading the requests' };

type Reply = { ok: true; result: unknown } | { ok: false; message: string };

export function offThread<T extends BackgroundTask>(task: T): Promise<BackgroundResult<T['task']>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerPath(), { workerData: task });
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(reply.result as BackgroundResult<T['task']>);
      else reject(new BackgroundError(reply.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(new BackgroundError(error.message));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new BackgroundError(`Chunkscope's worker stopped (exit code ${code}) before it finished ${WORK[task.task]}`));
    });
  });
}
