// A real full disk: the capture's folder is a 20 MB tmpfs, mounted for the test (root
// only; skipped, saying why, where mounting is not permitted). The same failure is
// simulated without root in main/capture/writer-failure.test.ts and main/proxy/full-disk.test.ts.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { curl } from '../proxy/test-support/clients';
import { fin, origin, request, write, type Origin } from '../proxy/test-support/origin';
import { runCli, startCli, type RunningCli } from './test-support/run-cli';

/** A fresh 20 MB tmpfs, or why there cannot be one here. */
function mountSmallDisk(): { dir: string } | { problem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=20m,mode=0700', 'tmpfs', dir], { encoding: 'utf8', timeout: 10_000 });
  if (mounted.status === 0) return { dir };
  rmSync(dir, { recursive: true, force: true });
  return { problem: `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || `status ${mounted.status}`).trim()})` };
}

const disks: string[] = [];
function smallDisk(): string {
  const disk = mountSmallDisk();
  if ('problem' in disk) throw new Error(disk.problem);
  disks.push(disk.dir);
  return disk.dir;
}

// Probe once: the title says whether the test runs on a real disk or is skipped, and why.
const probe = mountSmallDisk();
if ('dir' in probe) {
  spawnSync('umount', [probe.dir]);
  rmSync(probe.dir, { recursive: true, force: true });
}
const problem = 'problem' in probe ? probe.problem : null;
const title = (text: string) => (problem ? `${text} (skipped: ${problem})` : text);

const BODY = 12 * 1024 * 1024; // two fill the 20 MB disk; four would leave more queued than the writer holds before pausing the relay (16 MiB)
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => {
  for (const dir of disks) {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

async function bigOrigin(): Promise<Origin> {
  const head = `HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\n\r\n`;
  const server = await origin([request(), write(head), write(Buffer.alloc(BODY, 0x63)), fin()]);
  cleanups.push(() => server.close());
  return server;
}

async function running(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningCli> {
  const cli = await startCli(args, 15_000, undefined, env);
  cleanups.push(() => cli.kill('SIGKILL'));
  return cli;
}

async function download(url: string): Promise<[number | null, number]> {
  const result = await curl(['-o', '/dev/null', '-w', '%{size_download}', url], 60_000);
  return [result.status, Number(result.output.toString())];
}

describe('a real full disk (a 20 MB tmpfs)', () => {
  it.skipIf(problem !== null)(title('proxy --capture: one line at once, traffic still relayed, the capture opens up to the failure'), async () => {
    const server = await bigOrigin();
    const path = join(smallDisk(), 'session.cscap');
    const cli = await running(['proxy', '--port', '0', '--reverse', server.url, '--capture', path]);
    for (let i = 1; i <= 4; i++) expect(await download(`${cli.url}/big-${i}`)).toEqual([0, BODY]);
    const line = await cli.waitForLine(/^capture stopped/);
    const size = statSync(path).size;
    expect(line).toBe(`capture stopped: the disk is full at ${path} after ${size.toLocaleString('en-US')} bytes; traffic is still relayed`);
    expect(cli.lines.filter((l) => l.startsWith('capture stopped'))).toHaveLength(1);
    expect(cli.lines.filter((l) => /stalled/.test(l))).toEqual([]); // nobody blames the origin
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.at(-1)).toBe(`capture kept up to the failure: ${path} (${size.toLocaleString('en-US')} bytes)`);
    expect(cli.stderr()).toBe('');
    // The file opens: the first download whole, the second up to the failure, nothing half-written.
    const inspected = await runCli(['inspect', path, '--json']);
    expect(inspected.stderr).toBe('');
    const report = JSON.parse(inspected.stdout);
    expect(report.truncatedBytes).toBe(0);
    expect(report.connections[0].exchanges[0].response.complete).toBe(true);
    expect(report.connections.length).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(problem !== null)(title('serve, its session capture in a full temporary folder: one line at once, traffic still relayed'), async () => {
    const server = await bigOrigin();
    const temp = smallDisk();
    const cli = await running(['serve', '--port', '0', '--proxy-port', '0', '--reverse', server.url], { TMPDIR: temp });
    for (let i = 1; i <= 4; i++) expect(await download(`${cli.url}/big-${i}`)).toEqual([0, BODY]);
    expect(await cli.waitForLine(/^capture stopped/)).toMatch(new RegExp(`^capture stopped: the disk is full at ${temp}/chunkscope-\\w+/session-1\\.cscap after [\\d,]+ bytes; traffic is still relayed$`));
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});
