// The entry point of the engine's worker thread (built as app/dist/engine-worker.cjs):
// one task from off-thread.ts, its result or its error in words, then the thread ends;
// or a search (search-thread.ts), whose matches go back in batches as they are found; or
// the app's probe (probing.ts), its steps going back as they happen until it ends or is
// cancelled.

import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type BackgroundTask } from './background';
import { runSearchTask, type SearchReport, type SearchTask } from '../search/worker-side';
import { runProbeTask, type ProbeMessage, type ProbeTask } from '../probe/worker-side';

const task = workerData as BackgroundTask | SearchTask | ProbeTask;
if (task.task === 'probe') {
  const abort = new AbortController();
  parentPort!.on('message', (message: { type: string }) => message.type === 'cancel' && abort.abort());
  void runProbeTask(task, (message: ProbeMessage) => parentPort!.postMessage(message), abort.signal);
} else if (task.task === 'search') {
  const post = (report: SearchReport) => parentPort!.postMessage(report);
  runSearchTask(task, post).catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
} else {
  try {
    parentPort!.postMessage({ ok: true, result: runTask(task) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}
