// One run of the command under test: spawned in a process group of its own, watched
// (the CPU time of its whole tree, sampled, and whether it is waiting for the lab),
// killed with everything it started at the timeout, and nothing of it left running
// afterwards, whether it hung, ended or left children behind.

import { spawn } from 'node:child_process';
import { MARK_VARIABLE, ProcessTree, reapedChildrenSeconds, runMark } from './process-tree';

export interface CommandRun {
  /** performance.now() when it was spawned: the lab's times are on the same clock. */
  startedAt: number;
  exitStatus: number | null;
  signal: NodeJS.Signals | null;
  /** Still running at the timeout, and killed. */
  hung: boolean;
  /** Killed because the probe was interrupted (Ctrl-C). */
  interrupted: boolean;
  wallSeconds: number;
  cpuSeconds: number | null;
  waitingSeconds: number | null;
  waitingCpuSeconds: number | null;
  stderr: string;
  /** Processes still running once the command's first process ended (killed since). */
  leftBehind: number;
  /** Processes that could not be killed (stuck in the kernel): should be 0. */
  survivors: number;
}

export class CouldNotStart extends Error {}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Is the client waiting for the lab now? Null when that cannot be told. */
  waiting: () => boolean | null;
  signal?: AbortSignal;
}

/** How often the tree's CPU time is read: fine enough for a 0.5 s wait, cheap (one /proc scan). */
const SAMPLE_MS = 100;
const STDERR_KEPT = 2000;
/** How long stdout and stderr may stay open after the tree is gone (they normally close at once). */
const PIPES_MS = 1000;

interface Sample {
  at: number;
  cpu: number | null;
  waiting: boolean | null;
}

/** Seconds spent waiting (between two samples that both say so), and the CPU used meanwhile. */
export function waitingCpu(samples: Sample[]): { seconds: number; cpu: number } | null {
  if (samples.some((s) => s.cpu === null || s.waiting === null)) return null;
  let seconds = 0;
  let cpu = 0;
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    if (!a.waiting || !b.waiting) continue;
    seconds += (b.at - a.at) / 1000;
    // A process re-parented to init takes its waited-for children's time with it: never count a drop.
    cpu += Math.max(0, b.cpu! - a.cpu!);
  }
  return { seconds, cpu: Math.round(cpu * 100) / 100 };
}

export function runCommand(argv: string[], options: RunOptions): Promise<CommandRun> {
  const baseline = reapedChildrenSeconds();
  const startedAt = performance.now();
  const mark = runMark();
  const env = { ...options.env, [MARK_VARIABLE]: mark };
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    if (child.pid === undefined) {
      child.once('error', (error: NodeJS.ErrnoException) => reject(new CouldNotStart(startFailure(argv[0]!, error))));
      return;
    }
    child.on('error', () => {}); // after a start, only a failed kill: the tree is killed by /proc anyway
    const tree = new ProcessTree(child.pid, mark);
    const samples: Sample[] = [];
    let aliveCpu: number | null = null;
    let hung = false;
    let interrupted = false;
    let stderr = '';
    child.stdout.resume(); // read and dropped: a full pipe would stall the client and look like a hang
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT)));
    const closed = new Promise<void>((done) => child.once('close', () => done()));

    const sample = () => {
      const members = tree.members();
      samples.push({ at: performance.now(), cpu: tree.cpuSeconds(members), waiting: options.waiting() });
      return members;
    };
    /** The last look at the whole tree, then SIGKILL to all of it. */
    const stop = () => {
      const members = sample();
      aliveCpu = tree.cpuSeconds(members);
      tree.kill(members);
    };
    const kill = () => tree.kill();
    process.on('exit', kill); // the probe itself ending must not leave the client running
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    sample();
    const ticker = setInterval(sample, SAMPLE_MS);
    const timer = setTimeout(() => {
      hung = true;
      stop();
    }, options.timeoutMs);

    child.once('exit', (code, signal) => {
      const endedAt = performance.now();
      clearInterval(ticker);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // The first process is gone and waited for: its CPU time (and that of every child it
      // waited for) is now in the probe's own count of waited-for children.
      const reaped = baseline === null ? null : Math.round((reapedChildrenSeconds()! - baseline) * 100) / 100;
      const killed = hung || interrupted;
      const left = killed ? [] : tree.running();
      const leftCpu = tree.cpuSeconds(left) ?? 0;
      void tree.killAll().then(async (survivors) => {
        process.off('exit', kill);
        await new Promise<void>((done) => {
          const timer = setTimeout(done, PIPES_MS);
          void closed.then(() => {
            clearTimeout(timer);
            done();
          });
        });
        const waiting = waitingCpu(samples);
        resolve({
          startedAt,
          exitStatus: code,
          signal,
          hung,
          interrupted,
          wallSeconds: (endedAt - startedAt) / 1000,
          cpuSeconds: reaped === null ? null : Math.round((killed ? Math.max(reaped, aliveCpu ?? 0) : reaped + leftCpu) * 100) / 100,
          waitingSeconds: waiting?.seconds ?? null,
          waitingCpuSeconds: waiting?.cpu ?? null,
          stderr,
          leftBehind: left.length,
          survivors,
        });
      });
    });
  });
}

function startFailure(command: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `cannot run ${command}: no such command (is it installed, and on PATH?)`;
  if (error.code === 'EACCES') return `cannot run ${command}: permission denied (is it executable?)`;
  return `cannot run ${command}: ${error.message}`;
}
