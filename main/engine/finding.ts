// Finding things in the current session for the API: searches of its capture on disk
// (each in a worker thread, matches sent in the update stream as they come) and the
// body viewers' slices. The engine hands over its current session and its update stream;
// what happens here never makes the relay's event loop do work that grows with the
// capture: a search's work is the worker's, a slice's is read in pieces that yield.

import type { UpdateBatch } from '../../shared/api';
import type { BodySlice, BodySliceArgs } from '../../shared/body';
import { parseExchangeId } from '../../shared/exchange-id';
import type { SearchArgs, SearchStarted } from '../../shared/search';
import { compileQuery, QueryError } from '../search/query';
import { captureSize } from '../search/scan';
import { BodyReaders } from './body';
import { EngineError } from './errors';
import { startSearchThread, type SearchRun } from './search-thread';
import type { Session } from './session';

/** Searches running at once; a newer one ends the oldest (typing in a search box starts one per key). */
export const MAX_RUNNING_SEARCHES = 2;

export interface FindingHost {
  session(): Session;
  emit(batch: UpdateBatch): void;
}

export class Finding {
  private readonly running = new Map<string, SearchRun>();
  private searches = 0;
  private readonly bodies = new BodyReaders();

  constructor(private readonly host: FindingHost) {}

  /** Start a search of the current session's capture as it is now; its matches come in UpdateBatch.search. */
  async search(args: SearchArgs): Promise<SearchStarted> {
    try {
      compileQuery(args.query, args.mode); // a bad expression is answered at once, not in an update
    } catch (error) {
      if (error instanceof QueryError) throw new EngineError(error.message);
      throw error;
    }
    for (const id of args.scope?.exchanges ?? []) if (!parseExchangeId(id)) throw new EngineError(`no exchange "${id}"`);
    const session = this.host.session();
    await session.writer?.flush();
    const total = captureSize(session.path);
    const id = `s${++this.searches}`;
    for (const [older, run] of this.running) {
      if (this.running.size < MAX_RUNNING_SEARCHES) break;
      run.cancel(`a newer search (${id}) started; at most ${MAX_RUNNING_SEARCHES} run at once`);
      this.running.delete(older);
    }
    const run = startSearchThread(session.path, args, { until: total }, (update) => {
      // The session was replaced (cleared, another file opened): its matches mean nothing now.
      if (this.host.session() !== session && update.state === 'running') return this.cancelSearch({ id }, 'the session it searched was closed');
      if (update.state !== 'running') this.running.delete(id);
      this.host.emit({ search: { ...update, id } });
    });
    this.running.set(id, run);
    return { id, total };
  }

  /** Stop a search; its last update says it was cancelled. False when it had already ended. */
  cancelSearch({ id }: { id: string }, reason = 'cancelled'): { cancelled: boolean } {
    const run = this.running.get(id);
    if (!run) return { cancelled: false };
    this.running.delete(id);
    run.cancel(reason);
    return { cancelled: true };
  }

  body(args: BodySliceArgs): Promise<BodySlice> {
    return this.bodies.slice(this.host.session(), args);
  }

  async close(): Promise<void> {
    const ended = [...this.running.values()].map((run) => {
      run.cancel('Chunkscope is closing');
      return run.ended;
    });
    this.running.clear();
    this.bodies.close();
    await Promise.all(ended);
  }
}
