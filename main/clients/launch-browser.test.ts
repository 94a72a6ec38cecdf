// Closing a launched browser removes its profile even while the browser's helpers are still
// writing into it, and never takes Chunkscope down. A stand-in browser (a shell script) exits at
// once and leaves a helper that keeps writing into the profile, as Chromium's renderers do.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CertificateAuthority } from '../tls/ca';
import { launchBrowser } from './launch-browser';

const ca = { spki: () => 'AAAA', certPath: '/nonexistent' } as unknown as CertificateAuthority;

function standIn(): { path: string; helperPid: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cs-stand-in-'));
  const path = join(dir, 'chromium');
  const helperPid = join(dir, 'helper.pid');
  // The profile comes as --user-data-dir=…; the helper writes a file every 5 ms for at most 60 s.
  writeFileSync(
    path,
    `#!/bin/sh
for a in "$@"; do case "$a" in --user-data-dir=*) profile="\${a#--user-data-dir=}";; esac; done
( i=0; while [ $i -lt 12000 ]; do mkdir -p "$profile/Default" && : > "$profile/Default/f$i"; i=$((i+1)); sleep 0.005; done ) &
echo $! > ${helperPid}
trap 'exit 0' TERM
while :; do sleep 0.05; done
`,
  );
  chmodSync(path, 0o755);
  return { path, helperPid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a launched browser', () => {
  it('closed while its helpers still write into the profile: the helpers go with it, then the profile, and nothing throws', async () => {
    const browser = standIn();
    const launched = await launchBrowser({ name: 'Chromium', kind: 'chromium', path: browser.path }, { proxy: { host: '127.0.0.1', port: 9 }, ca, url: null });
    await expect.poll(() => existsSync(join(launched.profile, 'Default', 'f3')), { timeout: 10_000 }).toBe(true);
    const helper = Number(readFileSync(browser.helperPid, 'utf8'));
    try {
      launched.close();
      await launched.exited;
      // Once the browser has exited, its helper is gone (no process group left writing) and so is the profile.
      await expect.poll(() => alive(helper), { timeout: 5_000 }).toBe(false);
      expect(existsSync(launched.profile)).toBe(false);
    } finally {
      if (alive(helper)) process.kill(helper, 'SIGKILL');
    }
  });
});
