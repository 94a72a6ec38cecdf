// Finding every process of a run, even one nothing else links to the tree.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HAS_PROC, MARK_VARIABLE, ProcessTree, readStat, runMark } from './process-tree';

const running = (pid: number) => {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
};

describe.skipIf(!HAS_PROC)('ProcessTree', () => {
  it("finds a process of the run by the mark in its environment: another session, another parent, and it is killed", async () => {
    const mark = runMark();
    const root = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    // Neither a child of the root nor in its group: only the mark says it belongs to the run.
    const stray = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, [MARK_VARIABLE]: mark } });
    const unrelated = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, [MARK_VARIABLE]: runMark() } });
    try {
      const tree = new ProcessTree(root.pid!, mark);
      expect(tree.running().map((p) => p.pid).sort()).toEqual([root.pid, stray.pid].sort());
      expect(await tree.killAll()).toBe(0);
      expect([root.pid!, stray.pid!].filter(running)).toEqual([]);
      expect(running(unrelated.pid!)).toBe(true);
    } finally {
      for (const child of [root, stray, unrelated]) child.kill('SIGKILL');
    }
  });
});
