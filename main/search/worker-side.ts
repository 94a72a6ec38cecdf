// A search as it runs in the engine's worker thread (main/engine/worker.ts starts it;
// main/engine/search-thread.ts is the other side): matches go back in batches, at most
// one every BATCH_MS, so a search that finds a match in every exchange costs the relay's
// thread a message per batch, not per match.
//
// The heartbeat: before each window of bytes is searched (and after each MiB read) the
// search counts a beat and writes where it is into memory shared with the relay's
// thread. A regular expression that backtracks catastrophically stops the beats, and the
// relay's side, which reads them on a timer, ends the thread and says where it stuck.

import type { Direction } from '../../shared/anomalies';
import type { SearchArgs, SearchMatch } from '../../shared/search';
import { searchContext, type SearchPlace } from './context';
import { searchCapture } from './scan';

export interface SearchTask {
  task: 'search';
  path: string;
  args: SearchArgs;
  /** Bytes of the capture to read. */
  until: number;
  /** Int32Array over it: [beats, connection, index, where] (HEARTBEAT_SLOTS). */
  heartbeat: SharedArrayBuffer;
}

export type SearchReport = { type: 'update' | 'done'; matches: SearchMatch[]; done: number; exchanges: number; matchCount: number; limited: string | null; notes: string[] } | { type: 'failed'; message: string };

export const HEARTBEAT_SLOTS = 4;
/** Matches are sent at most this often (and when this many wait). */
const BATCH_MS = 100;
const BATCH_MATCHES = 1000;

const WHERE: { direction: Direction; part: SearchPlace['part']; form: SearchPlace['form'] }[] = [
  { direction: 'request', part: 'headers', form: 'sent' },
  { direction: 'request', part: 'body', form: 'sent' },
  { direction: 'request', part: 'body', form: 'decoded' },
  { direction: 'response', part: 'headers', form: 'sent' },
  { direction: 'response', part: 'body', form: 'sent' },
  { direction: 'response', part: 'body', form: 'decoded' },
];

/** Where the heartbeat says the search is (connection 0: reading, between exchanges). */
export function placeOf(beat: Int32Array): SearchPlace | null {
  const connection = Atomics.load(beat, 1);
  if (connection === 0) return null;
  return { connection, index: Atomics.load(beat, 2), ...WHERE[Atomics.load(beat, 3)]! };
}

export async function runSearchTask(task: SearchTask, post: (report: SearchReport) => void): Promise<void> {
  const beat = new Int32Array(task.heartbeat);
  let lastPost = performance.now();
  let done = 0;
  const context = searchContext(task.args, (place) => {
    Atomics.add(beat, 0, 1);
    Atomics.store(beat, 1, place.connection);
    Atomics.store(beat, 2, place.index);
    Atomics.store(beat, 3, WHERE.findIndex((w) => w.direction === place.direction && w.part === place.part && w.form === place.form));
    maybePost();
  });
  const report = (type: 'update' | 'done') => {
    const { results } = context;
    post({ type, matches: results.take(), done, exchanges: results.exchanges, matchCount: results.matchCount, limited: results.limited(), notes: [...results.notes] });
    lastPost = performance.now();
  };
  function maybePost(): void {
    if (performance.now() - lastPost >= BATCH_MS || context.results.waiting >= BATCH_MATCHES) report('update');
  }
  await searchCapture(task.path, context, {
    until: task.until,
    progress: (position) => {
      done = position;
      Atomics.add(beat, 0, 1);
      Atomics.store(beat, 1, 0);
      maybePost();
    },
  });
  report('done');
}
