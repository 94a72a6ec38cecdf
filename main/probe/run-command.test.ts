// A command under test, run as the probe runs it: the CPU time of its whole tree, the
// timeout that kills everything it started, and nothing left running afterwards.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_PROC, readStat } from './process-tree';
import { CouldNotStart, runCommand, waitingCpu, type RunOptions } from './run-command';

const options = (overrides: Partial<RunOptions> = {}): RunOptions => ({ env: process.env, timeoutMs: 20_000, waiting: () => false, ...overrides });

/** Node burning `ms` of CPU time (not wall time: the machine may be busy). */
const burn = (ms: number) => `const u=()=>process.cpuUsage().user/1000; const end=u()+${ms}; while(u()<end){}`;

const running = (pid: number) => {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
};

function pidFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'chunkscope-probe-pids-')), 'pids');
}
const pidsIn = (file: string) => readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);

describe.skipIf(!HAS_PROC)('runCommand (Linux /proc)', () => {
  it('counts the CPU time of a grandchild started through a shell', async () => {
    const run = await runCommand(['sh', '-c', `node -e '${burn(400)}'; true`], options());
    expect(run).toMatchObject({ exitStatus: 0, signal: null, hung: false, leftBehind: 0, survivors: 0 });
    expect(run.cpuSeconds).toBeGreaterThanOrEqual(0.4);
  });

  it('a command that sleeps uses next to no CPU', async () => {
    const run = await runCommand(['sleep', '0.3'], options());
    expect(run.exitStatus).toBe(0);
    expect(run.cpuSeconds).toBeLessThan(0.05);
  });

  it('at the timeout, kills every process it started: in its group, in a group of their own, and re-parented', async () => {
    const file = pidFile();
    // A child in the group, one that left it with setsid, then the shell itself waits.
    const script = `sleep 60 & echo $! > ${file}; setsid sleep 60 & echo $! >> ${file}; wait`;
    const run = await runCommand(['sh', '-c', script], options({ timeoutMs: 600 }));
    expect(run).toMatchObject({ hung: true, exitStatus: null, signal: 'SIGKILL', survivors: 0 });
    const pids = pidsIn(file);
    expect(pids).toHaveLength(2);
    expect(pids.filter(running)).toEqual([]);
  });

  it('a command that ends with children still running: they are counted and killed', async () => {
    const file = pidFile();
    const run = await runCommand(['sh', '-c', `sleep 60 & echo $! > ${file}`], options());
    expect(run).toMatchObject({ hung: false, exitStatus: 0, leftBehind: 1, survivors: 0 });
    expect(pidsIn(file).filter(running)).toEqual([]);
  });

  it('a daemon that leaves at once, in a session of its own, re-parented: found by its environment, and killed', async () => {
    const file = pidFile();
    // The subshell starts it and exits before the first look at the tree; so does the shell.
    const run = await runCommand(['sh', '-c', `(setsid sleep 60 & echo $! > ${file}); exit 0`], options());
    expect(run).toMatchObject({ exitStatus: 0, leftBehind: 1, survivors: 0 });
    expect(pidsIn(file).filter(running)).toEqual([]);
  });

  it('waiting: a busy loop uses the CPU while it waits, a blocked process does not', async () => {
    const spinner = await runCommand(['node', '-e', 'for (;;) {}'], options({ timeoutMs: 1500, waiting: () => true }));
    expect(spinner.hung).toBe(true);
    expect(spinner.waitingSeconds).toBeGreaterThan(1);
    expect(spinner.waitingCpuSeconds! / spinner.waitingSeconds!).toBeGreaterThan(0.25);
    const sleeper = await runCommand(['node', '-e', 'setTimeout(() => {}, 60_000)'], options({ timeoutMs: 1500, waiting: () => true }));
    expect(sleeper.hung).toBe(true);
    expect(sleeper.waitingCpuSeconds! / sleeper.waitingSeconds!).toBeLessThan(0.1);
  });

  it('stderr: the end of it is kept; stdout is read and dropped, so a chatty client never blocks', async () => {
    const run = await runCommand(['sh', '-c', 'head -c 3000000 /dev/zero; echo "the last words" >&2; exit 7'], options());
    expect(run).toMatchObject({ exitStatus: 7, hung: false });
    expect(run.stderr).toBe('the last words\n');
  });
});

describe('runCommand: what cannot start', () => {
  it('a command that does not exist: a reason for people', async () => {
    await expect(runCommand(['no-such-client-here'], options())).rejects.toThrow(new CouldNotStart('cannot run no-such-client-here: no such command (is it installed, and on PATH?)'));
  });
});

describe('waitingCpu', () => {
  it('counts only the stretches where both samples say the client waits', () => {
    const samples = [
      { at: 0, cpu: 0, waiting: false },
      { at: 100, cpu: 0.05, waiting: true },
      { at: 200, cpu: 0.06, waiting: true },
      { at: 300, cpu: 0.16, waiting: true },
      { at: 400, cpu: 0.3, waiting: false },
    ];
    const result = waitingCpu(samples)!;
    expect(result.seconds).toBeCloseTo(0.2);
    expect(result.cpu).toBeCloseTo(0.11);
    expect(waitingCpu([{ at: 0, cpu: null, waiting: true }])).toBeNull();
  });
});
