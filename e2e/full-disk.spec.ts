// A full disk under the app's session capture: the status bar says so at once, and
// traffic is still relayed and listed. The disk is a real 20 MB tmpfs (root only; the
// test is skipped, saying why, where mounting is not permitted).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, write } from '../main/proxy/test-support/origin';
import { ChunkscopePage } from './support/chunkscope-page';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

/** A fresh 20 MB tmpfs, or why there cannot be one here. */
function mountSmallDisk(): { dir: string } | { problem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=20m,mode=0700', 'tmpfs', dir], { encoding: 'utf8', timeout: 10_000 });
  if (mounted.status === 0) return { dir };
  rmSync(dir, { recursive: true, force: true });
  return { problem: `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || `status ${mounted.status}`).trim()})` };
}

function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
  rmSync(dir, { recursive: true, force: true });
}

// Probe once, so the title says whether the test runs or why it is skipped.
const probe = mountSmallDisk();
if ('dir' in probe) unmount(probe.dir);
const problem = 'problem' in probe ? probe.problem : null;

let served: Served | null = null;
let disk: string | null = null;
const origins = new Origins();

test.afterAll(async () => {
  await served?.stop();
  await origins.closeAll();
  if (disk) unmount(disk);
});

const BODY = 12 * 1024 * 1024;

test(`the session capture's disk fills up: the status bar warns at once, and traffic is still relayed and listed${problem ? ` (skipped: ${problem})` : ''}`, async ({ page }) => {
  test.skip(problem !== null, problem ?? '');
  const small = mountSmallDisk();
  if ('problem' in small) throw new Error(small.problem);
  disk = small.dir;
  served = await startServe([], { env: { TMPDIR: disk } });
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  const head = `HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\n\r\n`;
  const server = await origins.misbehaving([request(), write(head), write(Buffer.alloc(BODY, 0x64)), fin()]);
  for (let i = 1; i <= 3; i++) {
    const result = await curl(['-x', served.proxy, '-o', '/dev/null', '-w', '%{size_download}', `${server.url}/big-${i}`], 60_000);
    expect([result.status, Number(result.output.toString())]).toEqual([0, BODY]);
  }
  await expect(page.getByTestId('capture-error')).toHaveText(/^capture stopped: the disk is full at .*session-\d+\.cscap after [\d,]+ bytes; traffic is still relayed$/);
  await expect(app.rows()).toHaveCount(3);
  await expect(app.cell(app.row('/big-3'), 'status')).toHaveText('200');
  await app.screenshot('capture-disk-full');
});
