// Sessions are never lost: the live session and every file opened are sessions of their
// own; opening a file never stops or discards the live capture, which goes on recording
// while the file is shown; clearing empties the live session only; each tab says how many
// of its exchanges are not saved.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, request, write, type Step } from '../proxy/test-support/origin';
import { startedEngine } from './test-support/started';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const ok = (body: string): Step[] => [request(), write(response({ body })), fin()];

describe('sessions', () => {
  it('opening a file while capturing keeps both: the live session records on behind the file, and comes back whole', async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one')], cleanups);
    await curl([`${proxy}/before`]);
    await eventually(() => ui.rows.size === 1, 5000, 'the live row');
    const file = join(mkdtempSync(join(tmpdir(), 'chunkscope-sessions-')), 'earlier.cscap');
    await engine.saveCapture({ path: file });

    const opened = await engine.openCapture({ path: file });
    expect(opened.capturing).toBe(true);
    expect(opened.sessions.map((t) => [t.id, t.kind, t.title])).toEqual([
      ['live', 'live', 'Live'],
      [opened.current, 'file', 'earlier.cscap'],
    ]);
    expect(opened.current).not.toBe('live');
    await eventually(() => ui.rows.size === 1 && [...ui.rows.values()][0]!.path === '/before', 5000, 'the file row');

    // Traffic while the file is shown goes into the live session, not into the file's rows.
    await curl([`${proxy}/while-viewing`]);
    await eventually(() => ui.session?.sessions.find((t) => t.id === 'live')?.exchanges === 2, 5000, 'the live tab to count 2 exchanges');
    expect([...ui.rows.values()].map((r) => r.path)).toEqual(['/before']);

    const back = engine.selectSession({ id: 'live' });
    expect(back.current).toBe('live');
    await eventually(() => ui.rows.size === 2, 5000, 'the live rows back');
    expect([...ui.rows.values()].map((r) => r.path).sort()).toEqual(['/before', '/while-viewing']);
    // A detail is the shown session's.
    expect((await engine.exchangeDetail({ id: '2:0' })).request!.startLine).toBe('GET /while-viewing HTTP/1.1');
  });

  it('says how many live exchanges are not saved, until they are', async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one')], cleanups);
    await curl([`${proxy}/a`]);
    await eventually(() => engine.hello().sessions[0]!.unsaved === 1, 5000, 'one unsaved exchange');
    expect(engine.hello().sessions[0]!.capturePath).toMatch(/session-\d+\.cscap$/);
    const saved = join(mkdtempSync(join(tmpdir(), 'chunkscope-sessions-')), 'kept.cscap');
    await engine.saveCapture({ path: saved });
    expect(ui.session?.sessions[0]).toMatchObject({ unsaved: 0, savedTo: saved });
    await curl([`${proxy}/b`]);
    await eventually(() => engine.hello().sessions[0]!.unsaved === 1, 5000, 'the next one unsaved');
  });

  it('clearing empties the live session only: an open file stays, and closing it shows the live session', async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one')], cleanups);
    await curl([`${proxy}/a`]);
    await eventually(() => ui.rows.size === 1, 5000, 'the live row');
    const file = join(mkdtempSync(join(tmpdir(), 'chunkscope-sessions-')), 'f.cscap');
    await engine.saveCapture({ path: file });
    const { current: fileTab } = await engine.openCapture({ path: file });
    const cleared = engine.clear();
    expect(cleared.current).toBe(fileTab); // the file is still shown
    expect(cleared.sessions.map((t) => [t.id, t.exchanges])).toEqual([
      ['live', 0],
      [fileTab, 1],
    ]);
    expect(ui.rows.size).toBe(1);
    const closed = engine.closeSession({ id: fileTab });
    expect(closed.sessions.map((t) => t.id)).toEqual(['live']);
    expect(closed.current).toBe('live');
    await eventually(() => ui.rows.size === 0 && ui.session?.current === 'live', 5000, 'the empty live session shown');
    expect(() => engine.closeSession({ id: 'live' })).toThrow('the live session is cleared, not closed');
    expect(() => engine.selectSession({ id: fileTab })).toThrow(`no session "${fileTab}": it was closed`);
  });
});
