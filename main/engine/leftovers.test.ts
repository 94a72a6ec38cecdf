// A run that ended abruptly leaves its live capture in its temporary folder: the next run keeps it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHeader } from '../capture/format';
import { markOwner, recoverLeftovers } from './leftovers';

/** A pid that no process has now: a child's, after it exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

function leftover(temporary: string, name: string, pid: number, bytes: Uint8Array): string {
  const dir = join(temporary, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid, startedAt: '2026-12-01T10:00:00.000Z' }));
  writeFileSync(join(dir, 'session-1.cscap'), bytes);
  return dir;
}

describe('captures left by a run that ended abruptly', () => {
  const capture = Buffer.concat([fileHeader(), Buffer.from('records')]);

  it('are kept in the data folder, private, and their temporary folder removed', () => {
    const temporary = mkdtempSync(join(tmpdir(), 'leftovers-'));
    const into = join(mkdtempSync(join(tmpdir(), 'data-')), 'recovered');
    const dir = leftover(temporary, 'chunkscope-abc', deadPid(), capture);
    const kept = recoverLeftovers(temporary, into);
    expect(kept).toEqual([join(into, '2026-12-01T10-00-00-000Z-session-1.cscap')]);
    expect(readFileSync(kept[0]!)).toEqual(capture);
    expect(statSync(into).mode & 0o777).toBe(0o700);
    expect(existsSync(dir)).toBe(false);
  });

  it('leave alone a run still going, a folder of another kind, and an empty capture', () => {
    const temporary = mkdtempSync(join(tmpdir(), 'leftovers-'));
    const into = join(mkdtempSync(join(tmpdir(), 'data-')), 'recovered');
    const running = leftover(temporary, 'chunkscope-running', process.pid, capture);
    const empty = leftover(temporary, 'chunkscope-empty', deadPid(), fileHeader());
    mkdirSync(join(temporary, 'chunkscope-curl-xyz'));
    expect(recoverLeftovers(temporary, into)).toEqual([]);
    expect(existsSync(join(running, 'session-1.cscap'))).toBe(true);
    expect(existsSync(empty)).toBe(false); // nothing to keep: the folder goes
    expect(existsSync(join(temporary, 'chunkscope-curl-xyz'))).toBe(true);
  });

  it('each run says it owns its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-'));
    markOwner(dir);
    expect(JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')).pid).toBe(process.pid);
  });
});
