// Starting the benchmark's other processes and reading their resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Started {
  child: ChildProcess;
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Run `node script args` and wait for its "listening on http://host:port" line. */
export function startListening(script: string, args: string[], nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no "listening on" line in 30 s`));
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        resolve({
          child,
          port: Number(m[1]),
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGINT');
            }),
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${script} exited with ${code} before listening`));
    });
  });
}

/** Resident memory now and at its peak, in MB, from /proc. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * A process that does nothing but measure its own event loop's delay: on a shared
 * machine, the delay any process sees from being scheduled late. `stop` resolves with
 * its worst and 99th-percentile delay in ms since it started.
 */
export function idleReference(): { stop(): Promise<{ worst: number; p99: number }> } {
  const script = `const h = require('node:perf_hooks').monitorEventLoopDelay({ resolution: 5 }); h.enable();
const keep = setInterval(() => {}, 1000);
process.stdin.on('data', () => { h.disable(); process.stdout.write(JSON.stringify({ worst: h.max / 1e6, p99: h.percentile(99) / 1e6 })); clearInterval(keep); process.stdin.destroy(); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('exit', () => {
          try {
            resolve(JSON.parse(out) as { worst: number; p99: number });
          } catch {
            reject(new Error(`the idle reference printed ${JSON.stringify(out)}`));
          }
        });
        child.stdin!.write('stop\n');
      }),
  };
}
