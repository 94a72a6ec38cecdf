// A search of a capture in a worker thread of its own (the work: main/search), so the
// relay's event loop only passes on batches of matches. The app's engine and
// `chunkscope search` both run it here, with the same guard.
//
// The guard: a JavaScript regular expression cannot be interrupted from inside, and one
// that backtracks catastrophically ((a+)+$ against a long run of a's) runs for hours. The
// worker beats before each window of at most 256 KiB it searches (worker-side.ts); when
// no beat comes for STUCK_MS, the thread is ended and the search fails with a sentence
// that says where. A window takes a sane expression well under a millisecond.

import { Worker } from 'node:worker_threads';
import type { SearchArgs, SearchUpdate } from '../../shared/search';
import { placeName } from '../search/context';
import { WINDOW } from '../search/matcher';
import { HEARTBEAT_SLOTS, placeOf, type SearchReport, type SearchTask } from '../search/worker-side';
import { workerPath } from './off-thread';

/** A search whose heartbeat stops this long is ended. */
export const STUCK_MS = 3000;
/** How often the guard looks. */
const GUARD_MS = 250;

export interface SearchRun {
  /** End the thread; `reason` is said in the last update. Nothing is said when it already ended. */
  cancel(reason?: string): void;
  /** Settles when the thread has ended, whichever way. */
  readonly ended: Promise<void>;
}

export interface SearchThreadOptions {
  /** Bytes of the capture to read (a live capture grows). */
  until: number;
  stuckMs?: number;
}

/** Start searching `path`; `onUpdate` gets each batch (id left empty: the caller names its search). */
export function startSearchThread(path: string, args: SearchArgs, options: SearchThreadOptions, onUpdate: (update: Omit<SearchUpdate, 'id'>) => void): SearchRun {
  const heartbeat = new SharedArrayBuffer(HEARTBEAT_SLOTS * 4);
  const beat = new Int32Array(heartbeat);
  const task: SearchTask = { task: 'search', path, args, until: options.until, heartbeat };
  const worker = new Worker(workerPath(), { workerData: task });
  const stuckMs = options.stuckMs ?? STUCK_MS;
  let last = { matchCount: 0, exchanges: 0, done: 0, limited: null as string | null, notes: [] as string[] };
  let over = false;
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));

  const finish = (state: SearchUpdate['state'], error: string | null, matches: SearchUpdate['matches'] = []) => {
    if (over) return;
    over = true;
    clearInterval(guard);
    void worker.terminate().finally(resolveEnded);
    onUpdate({ matches, state, progress: { done: last.done, total: options.until }, exchanges: last.exchanges, matchCount: last.matchCount, limited: last.limited, error, notes: last.notes });
  };

  let seen = Atomics.load(beat, 0);
  let since = performance.now();
  const guard = setInterval(() => {
    const now = Atomics.load(beat, 0);
    if (now !== seen) {
      seen = now;
      since = performance.now();
    } else if (performance.now() - since >= stuckMs) {
      finish('failed', stuckSentence(args, placeOf(beat), stuckMs));
    }
  }, GUARD_MS);
  guard.unref();

  worker.on('message', (report: SearchReport) => {
    if (over) return;
    if (report.type === 'failed') return finish('failed', `the search stopped: ${report.message}`);
    last = report;
    if (report.type === 'done') return finish('done', null, report.matches);
    onUpdate({ matches: report.matches, state: 'running', progress: { done: report.done, total: options.until }, exchanges: report.exchanges, matchCount: report.matchCount, limited: report.limited, error: null, notes: report.notes });
  });
  worker.on('error', (error) => finish('failed', `the search stopped: ${error.message}`));
  worker.on('exit', (code) => {
    finish('failed', `the search's worker thread stopped (exit code ${code}) before it finished`);
    resolveEnded();
  });

  return {
    cancel: (reason = 'cancelled') => finish('cancelled', reason),
    ended,
  };
}

function stuckSentence(args: SearchArgs, place: ReturnType<typeof placeOf>, stuckMs: number): string {
  const where = place ? ` in ${placeName(place)}` : '';
  const seconds = `${stuckMs / 1000} s`;
  if (args.mode !== 'regex') return `the search made no progress for ${seconds}${where} and was stopped`;
  return `the regular expression ran for more than ${seconds} on at most ${WINDOW / 1024} KiB${where} without finishing, so the search was stopped: it backtracks catastrophically (a repetition inside a repetition, such as (a+)+, is the usual cause); simplify it, or search for plain text`;
}
