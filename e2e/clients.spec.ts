// Clients in the app: "Connect a client" shows the real proxy address and CA file, and a
// client set up by hand with exactly those is captured; its "Launch Chromium" button
// starts Debian's Chromium (on a virtual display), which loads an https page from a local
// origin with no certificate error, its exchange tagged Chromium; "Probe a client" runs
// curl over a few scenarios, shows the verdicts, and a row opens the exchange it made.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { response } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, write, type Origin } from '../main/proxy/test-support/origin';
import { HAS_PROC, readStat } from '../main/probe/process-tree';
import { tlsOrigin, tlsWorld, type TlsWorld } from '../main/tls/test-support/tls-world';
import { ChunkscopePage } from './support/chunkscope-page';
import { startServe, type Served } from './support/serve';

let served: Served;
let world: TlsWorld;
let origin: Origin & { httpsUrl: string };
let display: { name: string; process: ChildProcess } | null = null;

const XVFB = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((path) => existsSync(path)) ?? null;
const CHROMIUM = existsSync('/usr/bin/chromium');

/** A virtual display for the launched browser (the tests run without one): Xvfb on a free display number. */
async function startDisplay(): Promise<{ name: string; process: ChildProcess }> {
  for (let n = 90 + (process.pid % 100); n < 400; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const child = spawn(XVFB!, [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) return { name: `:${n}`, process: child };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill();
  }
  throw new Error('no free display number for Xvfb');
}

test.beforeAll(async () => {
  world = await tlsWorld();
  const page = response({ headers: [['Content-Type', 'text/html; charset=utf-8'], ['Transfer-Encoding', 'chunked'], ['Connection', 'close']], chunks: [{ data: '<!doctype html><title>through Chunkscope</title>' }, { data: '<h1>launched</h1>' }] });
  origin = await tlsOrigin(world, () => [request(), write(page), fin()]);
  if (XVFB && CHROMIUM) display = await startDisplay();
  const dataDir = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
  const originCa = join(dataDir, '..', `origin-ca-clients-${process.pid}.pem`);
  writeFileSync(originCa, world.originCa.certPem);
  // --allow-commands: the Probe panel runs curl; the display is the launched browser's.
  served = await startServe(['--allow-commands'], { dataDir, env: { NODE_EXTRA_CA_CERTS: originCa, ...(display ? { DISPLAY: display.name } : {}) } });
});

test.afterAll(async () => {
  await served.stop();
  await origin.close();
  display?.process.kill();
});

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });

test('Connect a client: the manual settings are the real proxy and CA, and a client set up with them is captured', async ({ page }) => {
  const app = await ui(page);
  await page.getByTestId('connect-toggle').click();
  const panel = page.getByTestId('connect-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('manual-proxy')).toHaveText(`127.0.0.1:${served.proxyPort}`);
  const caPath = (await page.getByTestId('manual-ca').textContent())!;
  expect(caPath.startsWith(served.dataDir)).toBe(true);
  expect(existsSync(caPath)).toBe(true);
  await expect(page.getByTestId('run-command')).toHaveText('chunkscope run -- COMMAND');
  await expect(page.getByTestId('env-apply')).toHaveText('eval "$(chunkscope env --shell bash)"');
  await expect(page.getByTestId('system-proxy-state')).toContainText('Not available here');
  await expect(page.getByTestId('system-proxy-toggle')).toBeDisabled();
  await app.screenshot('connect-panel');

  // Exactly what the panel says, typed into curl: through the proxy, trusting the CA file.
  const shown = (await page.getByTestId('manual-proxy').textContent())!;
  const result = await curl(['-sS', '-o', '/dev/null', '-x', `http://${shown}`, '--cacert', caPath, `${origin.httpsUrl}/by-hand`]);
  expect(result.status).toBe(0);
  await page.getByTestId('connect-close').click();
  const row = app.row('/by-hand');
  await expect(app.cell(row, 'status')).toHaveText(/200/);
  await expect(row.getByTestId('https')).toBeVisible();
});

test('Launch Chromium from the Connect panel: an https page from a local origin loads with no certificate error, its exchange tagged Chromium', async ({ page }) => {
  test.skip(!CHROMIUM, 'no /usr/bin/chromium here');
  test.skip(!XVFB, 'no display for a launched browser here, and no Xvfb to make one (Debian: apt install xvfb)');
  const app = await ui(page);
  await page.getByTestId('connect-toggle').click();
  await page.getByTestId('launch-url').fill(`${origin.httpsUrl}/launched`);
  await page.locator('[data-testid="launch-browser"][data-browser="Chromium"]').click();
  const launched = page.getByTestId('launched-browser');
  await expect(launched).toContainText('Chromium is running');
  await expect(launched).toContainText("sandbox is off (--no-sandbox)");
  const pid = Number(await page.getByTestId('launched-pid').textContent());
  const profile = (await page.getByTestId('launched-profile').textContent())!;
  expect(existsSync(profile)).toBe(true);
  await page.getByTestId('connect-close').click();

  // Loaded through the proxy, decrypted: had Chromium refused our certificate, no request would have come.
  const row = app.row('/launched');
  await expect(app.cell(row, 'status')).toHaveText(/200/, { timeout: 30_000 });
  await expect(row.first().getByTestId('https')).toBeVisible();
  await expect(row.first().getByTestId('client-tag')).toHaveText('Chromium');
  await expect(app.cell(row.first(), 'last chunk')).toHaveText('present');
  await app.filter('client:browser');
  await expect(app.rows().filter({ has: page.getByTestId('client-tag') })).toHaveCount(await app.rows().count());
  await app.filter('');
  await app.open('/launched');
  await expect(page.getByTestId('client-line')).toHaveText('Chromium launched by chunkscope browser');
  await expect(page.getByTestId('tls-failure')).toHaveCount(0);
  await app.screenshot('launched-chromium');

  // Closing it removes its profile.
  process.kill(pid, 'SIGTERM');
  await expect.poll(() => existsSync(profile), { timeout: 20_000 }).toBe(false);
});

test('Probe a client: curl over three scenarios, the verdicts as they come, a row opens the exchange it made', async ({ page }) => {
  const app = await ui(page);
  await page.getByTestId('probe-toggle').click();
  await expect(page.getByTestId('probe-scenario')).not.toHaveCount(0);
  await page.getByTestId('probe-command').fill('curl -sS -o /dev/null {url}');
  await page.getByTestId('probe-none').click();
  for (const name of ['ok', 'no-terminator', 'reset-mid-chunk']) await page.locator(`[data-testid="probe-scenario"][value="${name}"]`).check();
  await page.getByTestId('probe-timeout').fill('5');
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-state')).toHaveText('3 of 3 verdicts as expected: curl -sS -o /dev/null {url}', { timeout: 60_000 });
  const results = page.getByTestId('probe-result');
  await expect(results.locator('[data-col="scenario"]')).toHaveText(['ok', 'no-terminator', 'reset-mid-chunk']);
  await expect(results.locator('[data-col="exit"]')).toHaveText(['0', '18', '56']);
  await expect(results.locator('[data-col="verdict"]')).toHaveText(['✓ accepted', '✓ error reported', '✓ error reported']);
  await expect(results.locator('[data-col="hung"]')).toHaveText(['no', 'no', 'no']);
  await expect(results.nth(1).locator('[data-col="received"]')).not.toHaveText('0 B');
  await app.screenshot('probe-panel');

  // The row opens the exchange it made: the panel closes, the detail tells what the client got.
  await results.nth(1).click();
  await expect(page.getByTestId('probe-panel')).toHaveCount(0);
  await expect(app.headline()).toContainText('no last chunk');
  await expect(page.getByTestId('client-line')).toHaveText('curl -sS -o /dev/null {url} launched by chunkscope probe');
  await expect(app.selected().locator('[data-col="path"]')).toHaveText('/no-terminator');
  await app.filter('client:probe');
  await expect(app.rows()).toHaveCount(3);
});

test('Probe a client: Cancel stops a command that hangs, and nothing of it keeps running', async ({ page }) => {
  test.skip(!HAS_PROC, 'needs /proc to find the command after it was cancelled');
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-probe-cancel-'));
  const pidFile = join(dir, 'pid');
  await ui(page);
  await page.getByTestId('probe-toggle').click();
  await page.getByTestId('probe-command').fill(`sh -c 'echo $$ > ${pidFile}; exec sleep 600' {url}`);
  await page.getByTestId('probe-none').click();
  await page.locator('[data-testid="probe-scenario"][value="ok"]').check();
  await page.getByTestId('probe-timeout').fill('600');
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-state')).toContainText('Running ok (1 of 1)');
  await expect.poll(() => existsSync(pidFile)).toBe(true);
  await page.getByTestId('probe-cancel').click();
  await expect(page.getByTestId('probe-state')).toHaveText("Cancelled: interrupted after 0 scenarios; the command's processes were killed");
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const stat = readStat(pid);
  expect(stat === null || stat.state === 'Z', `the command (pid ${pid}) still runs`).toBe(true);
  await expect(page.getByTestId('probe-run')).toBeEnabled();
});
