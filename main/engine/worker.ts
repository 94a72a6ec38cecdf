// The entry point of the engine's worker thread (built as app/dist/engine-worker.cjs):
// one task from off-thread.ts, its result or its error in words, then the thread ends.

import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type BackgroundTask } from './background';

const task = workerData as BackgroundTask;
try {
  parentPort!.postMessage({ ok: true, result: runTask(task) });
} catch (error) {
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
