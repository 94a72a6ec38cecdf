import { describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../../../shared/api';
import { laneGeometry } from '../model/lanes';
import { chunkedResponse, connection, detail, row } from '../test-support/rows';
import { chunksFrom } from './detail';
import { applyBatches, emptyRows } from './rows';
import { SETTINGS_KEY, readSettings } from './settings';
import { createAppStore, createIngest } from './store';

describe('folding updates into rows', () => {
  it('adds rows in session order, replaces changed ones, and resets', () => {
    let state = applyBatches(emptyRows(), [{ rows: [row({ connection: 1, seq: 1 }), row({ connection: 2, seq: 2 })] }]);
    expect(state.rows.map((r) => r.id)).toEqual(['1:0', '2:0']);
    const before = state.rows;
    state = applyBatches(state, [{ rows: [row({ connection: 1, seq: 1, chunks: 9 })] }]);
    expect(state.rows).not.toBe(before); // a new array: the list re-renders
    expect(before[0]!.chunks).toBe(2); // and the old one is untouched
    expect(state.rows[0]!.chunks).toBe(9);
    state = applyBatches(state, [{ rows: [row({ connection: 3, seq: 0 })] }]);
    expect(state.rows.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(state.index.get('1:0')).toBe(1);
    state = applyBatches(state, [{ reset: true, rows: [row({ connection: 9, seq: 1 })] }]);
    expect(state.rows.map((r) => r.id)).toEqual(['9:0']);
  });

  it('keeps the rows array when a batch has no rows', () => {
    const state = applyBatches(emptyRows(), [{ rows: [row()] }]);
    expect(applyBatches(state, [{ session: null as never }]).rows).toBe(state.rows);
  });
});

describe("a connection's lane from updates", () => {
  // 3,000 exchanges, a millisecond apart; each update sends the spans from the first one still open.
  const lane = (n: number, end: (i: number) => number) => Array.from({ length: n }, (_, i) => [i * 0.001, end(i)]).flat();
  const whole = connection({ requests: 3000, responses: 3000, lastActivity: 3, spans: lane(3000, (i) => i * 0.001 + 0.0004) });
  const updates: ConnectionRow[] = [connection({ requests: 1000, spans: lane(1000, (i) => (i === 999 ? 0.9991 : i * 0.001 + 0.0004)) })];
  for (let from = 999; from < 2999; from += 500) {
    const to = Math.min(3000, from + 501);
    const spans = lane(to, (i) => (i === to - 1 && to < 3000 ? i * 0.001 + 0.0001 : i * 0.001 + 0.0004)).slice(2 * from);
    updates.push(connection({ requests: to, spansFrom: from, spans }));
  }
  updates.push(connection({ ...whole, spansFrom: 2999, spans: whole.spans.slice(2 * 2999) }));

  it('put together one update at a time or several at once, it is the lane a page that syncs gets, and draws the same', () => {
    const synced = applyBatches(emptyRows(), [{ reset: true, connections: [whole] }]).connections.get(1)!;
    let oneByOne = emptyRows();
    const seen: ConnectionRow[] = [];
    for (const c of updates) {
      oneByOne = applyBatches(oneByOne, [{ connections: [c] }]);
      seen.push(oneByOne.connections.get(1)!);
    }
    const atOnce = applyBatches(emptyRows(), updates.map((c) => ({ connections: [c] })));
    for (const state of [oneByOne, atOnce]) {
      const c = state.connections.get(1)!;
      expect(c.spans).toEqual(synced.spans);
      expect(c.requests).toBe(3000);
      for (const [domain, width] of [[[0, 3.1], 1000], [[1.2, 1.25], 1000]] as const) {
        expect(laneGeometry(c, domain, 0, width)).toEqual(laneGeometry(synced, domain, 0, width));
      }
    }
    // Each state before keeps the lane it had: 1,000 exchanges, then 1,500, ...
    expect(seen.map((c) => c.spans.length / 2)).toEqual([1000, 1500, 2000, 2500, 3000, 3000]);
    expect(seen[0]!.spans[2 * 999 + 1]).toBe(0.9991);
  });
});

describe('marks made in the page', () => {
  it('show at once, and an update from before them does not take them back; the one that carries them ends the wait', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row({ connection: 1, seq: 1 })] }]);
    store.getState().markRow('1:0', { pinned: true, comment: '' });
    store.getState().markRow('1:0', { pinned: true, comment: 'why' });
    expect(store.getState().rows[0]!.mark).toEqual({ pinned: true, comment: 'why' });
    // The engine's row for the first change only: the page keeps the second.
    store.getState().ingest([{ rows: [row({ connection: 1, seq: 1, mark: { pinned: true, comment: '' } })] }]);
    expect(store.getState().rows[0]!.mark).toEqual({ pinned: true, comment: 'why' });
    store.getState().ingest([{ rows: [row({ connection: 1, seq: 1, mark: { pinned: true, comment: 'why' } })] }]);
    expect(store.getState().pendingMarks.size).toBe(0);
    // From then on the engine's rows are shown as they come (another window may have changed it).
    store.getState().ingest([{ rows: [row({ connection: 1, seq: 1, mark: null })] }]);
    expect(store.getState().rows[0]!.mark).toBeNull();
  });
});

describe('the store', () => {
  it("keeps a probe's last state, across a session's reset, and one side panel open at a time", () => {
    const store = createAppStore();
    const probe = (state: 'running' | 'done', results: number) => ({ id: 'p1', state, command: 'curl {url}', timeoutSeconds: 5, lab: null, scenarios: ['ok'], current: null, results: Array(results).fill({}), error: null });
    store.getState().ingest([{ probe: probe('running', 0) }, { rows: [row()] }, { probe: probe('running', 1) as never }]);
    expect(store.getState().probe).toMatchObject({ state: 'running', results: [{}] });
    store.getState().ingest([{ reset: true, rows: [] }]);
    expect(store.getState().probe).toMatchObject({ state: 'running' });
    store.getState().ingest([{ probe: probe('done', 1) as never }]);
    expect(store.getState().probe?.state).toBe('done');
    store.getState().setPanel('rules');
    store.getState().setPanel('probe');
    expect(store.getState().panel).toBe('probe');
  });

  it('applies a burst of 10,000 updates in one store update per frame', () => {
    const store = createAppStore();
    let renders = 0;
    store.subscribe(() => renders++);
    let frame: (() => void) | null = null;
    const ingest = createIngest(store, (run) => (frame = run));
    for (let i = 0; i < 10_000; i++) ingest({ rows: [row({ connection: i + 1, seq: i + 1 })] });
    expect(renders).toBe(0);
    frame!();
    expect(renders).toBe(1);
    expect(store.getState().rows).toHaveLength(10_000);
  });

  it('the held list comes with the updates, and batches without one still bring their rows and session', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row()], held: [] }]);
    const info = { rules: [{ text: 'break-response path:/feed', enabled: true }] } as never;
    store.getState().ingest([{ session: info, rows: [row({ connection: 2, seq: 2 })] }]);
    expect(store.getState().session).toBe(info);
    expect(store.getState().rows).toHaveLength(2);
    const timedOut = { id: '1:0', direction: 'response' as const, rule: 'break-response', effect: 'released the rest' };
    store.getState().ingest([{ heldTimedOut: [timedOut] }]);
    expect(store.getState().released).toMatchObject([timedOut]);
    expect(store.getState().session).toBe(info);
    store.getState().dismissReleased();
    expect(store.getState().released).toEqual([]);
  });

  it('selecting clears the previous detail; a reset clears the selection', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row()] }]);
    store.getState().select('1:0');
    store.getState().setDetail(detail(null));
    store.getState().select('2:0');
    expect(store.getState().detail).toBeNull();
    store.getState().ingest([{ reset: true }]);
    expect(store.getState().selectedId).toBeNull();
  });

  it('a live exchange whose detail is open: the row comes with the detail, so the list and the detail agree', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row({ state: 'streaming', chunks: 3, version: 10 })] }]);
    store.getState().select('1:0');
    store.getState().setDetail(detail(chunkedResponse([1, 1, 1, 1], [0, 0.1, 0.2, 0.3]), { row: row({ state: 'streaming', chunks: 4, version: 12 }) }));
    expect(store.getState().rows[0]!.chunks).toBe(4);
    // A later live row from the list's own updates does not overtake the detail...
    store.getState().ingest([{ rows: [row({ state: 'streaming', chunks: 9, version: 20 })] }]);
    expect(store.getState().rows[0]!.chunks).toBe(4);
    // ...but the final one does.
    store.getState().ingest([{ rows: [row({ state: 'incomplete', chunks: 9, version: 21 })] }]);
    expect(store.getState().rows[0]).toMatchObject({ state: 'incomplete', chunks: 9 });
  });

  it('a finished exchange’s detail leaves its row as it is: the row does not change, so the detail is not asked for again and again', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row({ state: 'complete', version: 7 })] }]);
    const before = store.getState().rows[0];
    store.getState().select('1:0');
    store.getState().setDetail(detail(chunkedResponse([1, 1], [0, 0.1]), { row: row({ state: 'complete', version: 7 }) }));
    expect(store.getState().rows[0]).toBe(before);
    // A detail derived from more records does bring its row.
    store.getState().setDetail(detail(chunkedResponse([1, 1], [0, 0.1]), { row: row({ state: 'complete', version: 8, chunks: 5 }) }));
    expect(store.getState().rows[0]!.chunks).toBe(5);
  });

  it('a refresh asks for the chunks not held and joins them to the ledger', () => {
    const store = createAppStore();
    store.getState().select('1:0');
    expect(chunksFrom(store.getState().detail, '1:0')).toBeUndefined();
    store.getState().setDetail(detail(chunkedResponse([10, 20], [0, 0.1])));
    expect(chunksFrom(store.getState().detail, '1:0')).toEqual({ request: 0, response: 1 });
    // The answer repeats chunk #2 (it may have grown) and brings #3.
    const more = chunkedResponse([10, 25, 30], [0, 0.1, 0.2]);
    const columns = more.chunkColumns!;
    const tail = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, (v as unknown[]).slice(1)])) as unknown as typeof columns;
    store.getState().setDetail(detail({ ...more, chunkColumns: tail, chunkColumnsFrom: 1 }));
    expect(store.getState().detail!.response!.chunkColumns!.sizes).toEqual([10, 25, 30]);
    expect(store.getState().detail!.response!.chunkColumnsFrom).toBe(0);
  });

  it('showing a byte switches to the raw view at that offset', () => {
    const store = createAppStore();
    store.getState().showByte(1, 2966);
    expect(store.getState().tab).toBe('raw');
    expect(store.getState().rawTarget).toMatchObject({ stream: 1, offset: 2966 });
  });
});

describe('settings', () => {
  /** A storage like localStorage, in memory. */
  function memory(): { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void; data: Map<string, string> } {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
  }

  it('are remembered across a reload: theme, filter, tab, view, HAR body limit, columns', () => {
    const storage = memory();
    const first = createAppStore(storage);
    first.getState().setTheme('dark');
    first.getState().setFilter('status:5xx');
    first.getState().setTab('timeline');
    first.getState().setView('connections');
    first.getState().setHarMaxBody(64 * 1024);
    first.getState().setColumns((c) => ({ ...c, sizing: { path: 320 }, visibility: { host: false }, sorting: [{ id: 'status', desc: true }] }));
    first.getState().ingest([{ rows: [row()] }]);
    const second = createAppStore(storage).getState();
    expect([second.theme, second.filter, second.tab, second.view, second.harMaxBody]).toEqual(['dark', 'status:5xx', 'timeline', 'connections', 65536]);
    expect(second.columns).toEqual({ sizing: { path: 320 }, visibility: { host: false }, sorting: [{ id: 'status', desc: true }] });
    // Only settings are kept: not the rows or the selection.
    expect(second.rows).toEqual([]);
    expect(JSON.parse(storage.data.get(SETTINGS_KEY)!).state.rows).toBeUndefined();
  });

  it('read back a damaged or hand-edited setting as its default', () => {
    const storage = memory();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ state: { theme: 'purple', tab: 'nope', harMaxBody: -1, filter: 'rst', columns: { sizing: { path: 'wide', host: 200 }, sorting: [{ id: 3 }] } }, version: 1 }));
    const s = createAppStore(storage).getState();
    expect([s.theme, s.tab, s.harMaxBody, s.filter]).toEqual(['system', 'chunks', 1024 * 1024, 'rst']);
    expect(s.columns).toEqual({ sizing: { host: 200 }, visibility: {}, sorting: [] });
    expect(readSettings(null)).toEqual({});
  });

  it('a picked chunk is let go when another exchange is selected or the session resets', () => {
    const store = createAppStore();
    store.getState().select('1:0');
    store.getState().pickChunk({ side: 'response', index: 3 });
    store.getState().select('1:1');
    expect(store.getState().chunk).toBeNull();
    store.getState().pickChunk({ side: 'response', index: 1 });
    store.getState().ingest([{ reset: true }]);
    expect(store.getState().chunk).toBeNull();
  });
});

describe('a search in the store', () => {
  const match = { id: '2:0', direction: 'response' as const, part: 'body' as const, form: 'decoded' as const, offset: 40, length: 6, streamOffset: null, context: { before: '', match: 'needle', after: '' } };
  const update = { id: 's1', matches: [match], state: 'done' as const, progress: { done: 10, total: 10 }, exchanges: 1, matchCount: 1, limited: null, error: null, notes: [] };

  it('folds its updates as they come, goes to a match (its exchange, the Body tab), and a reset drops it', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row({ connection: 1, seq: 1 }), row({ connection: 2, seq: 2 })] }]);
    store.getState().beginSearch('s1', { query: 'needle', mode: 'text' }, 10);
    store.getState().ingest([{ search: { ...update, id: 's0' } }, { search: update }]);
    expect(store.getState().searchRun).toMatchObject({ state: 'done', matchCount: 1 });
    expect(store.getState().searchRun!.byExchange.get('2:0')).toEqual([match]);
    store.getState().goToMatch(match);
    expect(store.getState()).toMatchObject({ selectedId: '2:0', tab: 'body', currentMatch: { match, nonce: 1 } });
    store.getState().goToMatch({ ...match, part: 'headers', form: 'sent', direction: 'request', streamOffset: 17 });
    expect(store.getState()).toMatchObject({ tab: 'raw', rawTarget: { stream: 0, offset: 17 } });
    store.getState().ingest([{ reset: true }]);
    expect(store.getState()).toMatchObject({ searchRun: null, currentMatch: null, selectedId: null });
  });
});
