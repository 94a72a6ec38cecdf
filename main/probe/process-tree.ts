// The processes of a command under test, from /proc (Linux): which are still running,
// how much CPU they have used, and killing every one of them. A command runs in its own
// process group (spawned detached); its tree is that group, every descendant of its first
// process (one that moved to a group of its own too), and every process seen in the tree
// before (one whose parent died, re-parented to init). Before killing, also every process
// whose environment carries the run's mark, which the command's processes inherit: a
// daemon that left for a session of its own between two looks. Elsewhere there is no
// /proc: killing the group is all it can do, and CPU time is not measured.

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** /proc times are in USER_HZ ticks: 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export const HAS_PROC = process.platform === 'linux' && existsSync('/proc/self/stat');

export interface ProcessStat {
  pid: number;
  /** R, S, D, Z (a zombie: dead, not yet waited for), … */
  state: string;
  ppid: number;
  pgrp: number;
  /** user + system CPU seconds of the process itself. */
  ownSeconds: number;
  /** user + system CPU seconds of its children that it waited for (they are gone). */
  childSeconds: number;
  /** When it started, in ticks since boot: with the pid, who it is (pids are reused). */
  start: number;
}

/** /proc/PID/stat, or null when the process is gone. */
export function readStat(pid: number | 'self'): ProcessStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (2nd field) is in parentheses and may hold spaces or ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const number = (index: number) => Number(fields[index]);
  return {
    pid: pid === 'self' ? process.pid : pid,
    state: fields[0] ?? '?',
    ppid: number(1),
    pgrp: number(2),
    ownSeconds: (number(11) + number(12)) / TICKS_PER_SECOND,
    childSeconds: (number(13) + number(14)) / TICKS_PER_SECOND,
    start: number(19),
  };
}

function allProcesses(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

const running = (stat: ProcessStat) => stat.state !== 'Z' && stat.state !== 'X';

/** The variable that marks a run's processes; its value is the run's own. */
export const MARK_VARIABLE = 'CHUNKSCOPE_PROBE_RUN';

export function runMark(): string {
  return randomBytes(12).toString('hex');
}

/** Does the process's environment (as it was at exec) carry this mark? Unreadable: no. */
function carries(pid: number, needle: Buffer): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`);
    return environ.indexOf(needle) === 0 || environ.indexOf(Buffer.concat([Buffer.of(0), needle])) !== -1;
  } catch {
    return false;
  }
}

/** CPU seconds of the children this process has waited for: the probe's own commands, once they ended. */
export function reapedChildrenSeconds(): number | null {
  return HAS_PROC ? (readStat('self')?.childSeconds ?? null) : null;
}

export class ProcessTree {
  /** Every process seen in the tree, by pid, with its start time. */
  private readonly seen = new Map<number, number>();

  /** No other process has taken the root's pid since the last look: the group id is still ours. */
  private groupIsOurs = true;
  /** The first process's start time: once it is gone, its pid (and group id) may be reused. */
  private readonly rootStart: number | null;

  /** `${MARK_VARIABLE}=mark` followed by the NUL that ends it in /proc/PID/environ. */
  private readonly markNeedle: Buffer | null;

  constructor(
    readonly root: number,
    mark: string | null = null,
  ) {
    this.markNeedle = mark === null ? null : Buffer.from(`${MARK_VARIABLE}=${mark}\0`);
    this.rootStart = HAS_PROC ? (readStat(root)?.start ?? null) : null;
    if (this.rootStart !== null) this.seen.set(root, this.rootStart);
  }

  /** Some other process now has the root's pid: its group id is no longer ours. */
  private rootReused(stats: ProcessStat[]): boolean {
    return stats.some((stat) => stat.pid === this.root && stat.start !== this.rootStart);
  }

  /**
   * The tree now, zombies included (their CPU time is not yet anyone's). `marked` also
   * reads every process's environment for the run's mark: thorough, slower, for the end.
   */
  members(marked = false): ProcessStat[] {
    if (!HAS_PROC) return [];
    const stats = allProcesses();
    const children = new Map<number, ProcessStat[]>();
    for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
    const members = new Map<number, ProcessStat>();
    const add = (stat: ProcessStat) => {
      if (members.has(stat.pid)) return;
      members.set(stat.pid, stat);
      for (const child of children.get(stat.pid) ?? []) add(child);
    };
    this.groupIsOurs = !this.rootReused(stats);
    const groupIsOurs = this.groupIsOurs;
    const needle = marked ? this.markNeedle : null;
    for (const stat of stats) {
      if (this.seen.get(stat.pid) === stat.start || (groupIsOurs && stat.pgrp === this.root)) add(stat);
      else if (needle && stat.pid !== process.pid && running(stat) && carries(stat.pid, needle)) add(stat);
    }
    for (const stat of members.values()) this.seen.set(stat.pid, stat.start);
    return [...members.values()];
  }

  /**
   * CPU seconds of the tree's processes now: each one's own and its waited-for
   * children's (those are gone, so nothing is counted twice). Null without /proc.
   */
  cpuSeconds(members = this.members()): number | null {
    if (!HAS_PROC) return null;
    const ticks = members.reduce((sum, stat) => sum + Math.round((stat.ownSeconds + stat.childSeconds) * TICKS_PER_SECOND), 0);
    return ticks / TICKS_PER_SECOND;
  }

  /** The processes still running, marked ones included. */
  running(): ProcessStat[] {
    return this.members(true).filter(running);
  }

  /** SIGKILL to the group and to every process of the tree: none can refuse it. */
  kill(members = this.members()): void {
    const signal = (pid: number) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    // Without /proc the group is killed only while it is known to be ours (see runCommand).
    if (this.groupIsOurs) signal(-this.root);
    for (const stat of members) if (running(stat) && stat.pid !== process.pid) signal(stat.pid);
  }

  /**
   * Kill until none is left running; resolves with how many still run after `maxMs`
   * (a process stuck in the kernel, state D, dies only when its system call returns).
   */
  async killAll(maxMs = 2000): Promise<number> {
    const deadline = performance.now() + maxMs;
    for (;;) {
      const left = HAS_PROC ? this.running() : [];
      if (left.length === 0) return 0;
      this.kill(left);
      if (performance.now() >= deadline) return left.length;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
