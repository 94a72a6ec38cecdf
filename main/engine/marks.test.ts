// Pins and comments: made on the live session or on a file, shown on the rows, counted as
// not saved until saved, and read back from the saved capture (and its HAR); the last
// mark of an exchange holds. Some exchanges exported alone, as a capture or HAR.

import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseCapture } from '../analysis/capture-analysis';
import { filePieces } from '../capture/file-pieces';
import { readRecords } from '../capture/reader';
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
const folder = () => mkdtempSync(join(tmpdir(), 'chunkscope-marks-'));
const unsavedMarks = (tabs: { id: string; unsavedMarks: number }[] | undefined, id: string) => tabs?.find((t) => t.id === id)?.unsavedMarks;

describe('marks', () => {
  it('a live pin and comment show on the row, count as not saved, and come back from the saved capture and its HAR', async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one'), ...ok('two')], cleanups);
    await curl([`${proxy}/a`]);
    await curl([`${proxy}/b`]);
    await eventually(() => ui.rows.size === 2, 5000, 'two rows');
    const saved = join(folder(), 'before.cscap');
    await engine.saveCapture({ path: saved });
    expect(unsavedMarks(engine.hello().sessions, 'live')).toBe(0);

    const row = engine.setMark({ id: '1:0', pinned: true, comment: 'look here' });
    expect(row.mark).toEqual({ pinned: true, comment: 'look here' });
    await eventually(() => ui.rows.get('1:0')?.mark?.comment === 'look here', 5000, 'the marked row');
    expect(ui.rows.get('2:0')?.mark ?? null).toBeNull();
    expect(unsavedMarks(ui.session?.sessions, 'live')).toBe(1);
    expect((await engine.exchangeDetail({ id: '1:0' })).row.mark).toEqual({ pinned: true, comment: 'look here' });
    // Changed later: the later mark wins; an empty one takes a mark away.
    engine.setMark({ id: '1:0', pinned: false, comment: 'looked' });
    engine.setMark({ id: '2:0', pinned: true, comment: '' });
    engine.setMark({ id: '2:0', pinned: false, comment: '' });
    await eventually(() => ui.rows.get('1:0')?.mark?.comment === 'looked' && ui.rows.get('2:0')?.mark === null, 5000, 'the later marks');
    expect(() => engine.setMark({ id: '9:0', pinned: true, comment: '' })).toThrow('no exchange "9:0" in this session');

    const after = join(folder(), 'after.cscap');
    await engine.saveCapture({ path: after });
    expect(unsavedMarks(engine.hello().sessions, 'live')).toBe(0);
    const opened = await engine.openCapture({ path: after });
    await eventually(() => ui.rows.size === 2 && ui.rows.get('1:0')?.mark?.comment === 'looked', 5000, 'the mark read back');
    expect(ui.rows.get('2:0')?.mark ?? null).toBeNull();
    expect(unsavedMarks(opened.sessions, opened.current)).toBe(0);
    // The copy saved before the marks has none.
    expect(analyseCapture(readAll(saved)).marks.size).toBe(0);

    const har = join(folder(), 'marked.har');
    await engine.saveHar({ path: har });
    const entries = JSON.parse(readFileSync(har, 'utf8')).log.entries as { comment?: string; _pinned?: boolean; request: { url: string } }[];
    expect(entries.map((e) => [new URL(e.request.url).pathname, e.comment ?? null, e._pinned ?? false])).toEqual([
      ['/a', 'looked', false],
      ['/b', null, false],
    ]);
  });

  it("a file's marks are not written into it until it is saved: then they follow its records", async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one')], cleanups);
    await curl([`${proxy}/a`]);
    await eventually(() => ui.rows.size === 1, 5000, 'the row');
    const file = join(folder(), 'f.cscap');
    await engine.saveCapture({ path: file });
    const size = statSync(file).size;
    const { current } = await engine.openCapture({ path: file });
    await eventually(() => ui.rows.size === 1, 5000, 'the file row');

    engine.setMark({ id: '1:0', pinned: true, comment: 'in the file' });
    await eventually(() => ui.rows.get('1:0')?.mark?.pinned === true, 5000, 'the marked row');
    expect(unsavedMarks(engine.hello().sessions, current)).toBe(1);
    expect(statSync(file).size).toBe(size);
    // Its HAR has the mark already, from the session.
    const har = join(folder(), 'f.har');
    await engine.saveHar({ path: har });
    expect(JSON.parse(readFileSync(har, 'utf8')).log.entries[0]).toMatchObject({ comment: 'in the file', _pinned: true });

    const copy = join(folder(), 'copy.cscap');
    await engine.saveCapture({ path: copy });
    expect(unsavedMarks(engine.hello().sessions, current)).toBe(0);
    expect(statSync(file).size).toBe(size);
    expect([...analyseCapture(readAll(copy)).marks]).toEqual([['1:0', { pinned: true, comment: 'in the file' }]]);
    // Saved over itself: the mark is appended, once.
    await engine.saveCapture({ path: file });
    await engine.saveCapture({ path: file });
    expect([...analyseCapture(readAll(file)).marks]).toEqual([['1:0', { pinned: true, comment: 'in the file' }]]);
    expect(readAll(file).filter((r) => r.type === 'mark')).toHaveLength(1);
  });

  it('exports the exchanges chosen alone, as a capture that opens with them and their marks, and as HAR', async () => {
    const { engine, proxy, ui } = await startedEngine([...ok('one'), ...ok('two'), ...ok('three')], cleanups);
    for (const path of ['/a', '/b', '/c']) await curl([`${proxy}${path}`]);
    await eventually(() => ui.rows.size === 3, 5000, 'three rows');
    engine.setMark({ id: '3:0', pinned: true, comment: 'third' });

    const part = join(folder(), 'part.cscap');
    const exported = await engine.exportSelected({ ids: ['1:0', '3:0'], format: 'capture', path: part });
    expect(exported).toMatchObject({ path: part, format: 'capture', exchanges: 2, bytes: statSync(part).size });
    expect(exported.leftOut).toMatch(/^the other exchanges of the same connections/);
    await engine.openCapture({ path: part });
    await eventually(() => ui.rows.size === 2, 5000, 'the two rows of the export');
    expect([...ui.rows.values()].map((r) => [r.id, r.path, r.status, r.mark ?? null])).toEqual([
      ['1:0', '/a', 200, null],
      ['3:0', '/c', 200, { pinned: true, comment: 'third' }],
    ]);

    engine.selectSession({ id: 'live' });
    const har = join(folder(), 'part.har');
    expect(await engine.exportSelected({ ids: ['2:0'], format: 'har', path: har })).toMatchObject({ exchanges: 1, leftOut: null });
    expect(JSON.parse(readFileSync(har, 'utf8')).log.entries.map((e: { request: { url: string } }) => new URL(e.request.url).pathname)).toEqual(['/b']);
    await expect(engine.exportSelected({ ids: ['2:0', '7:0'], format: 'har', path: har })).rejects.toThrow('no exchange c7#1 in this session');
  });
});

function readAll(path: string) {
  return [...readRecords(filePieces(path))];
}
