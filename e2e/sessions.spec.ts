// Sessions are never lost (issue 17's first story): opening a file while capturing keeps
// both, each in a tab; the live capture goes on behind the file; Clear asks first when
// the live exchanges are not saved, says where they are, and Cancel keeps them.

import { expect, test, type Page } from '@playwright/test';
import { response } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, write } from '../main/proxy/test-support/origin';
import { ChunkscopePage } from './support/chunkscope-page';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

let served: Served;
const origins = new Origins();

test.beforeAll(async () => {
  served = await startServe();
});

test.afterAll(async () => {
  await served.stop();
  await origins.closeAll();
});

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });
const feed = response({ chunks: [1500, 1405], terminator: false });

test('opening a file while capturing keeps both: two tabs, the live capture goes on, and comes back whole', async ({ page }) => {
  const app = await ui(page);
  const server = await origins.misbehaving([request(), write(feed), fin()]);
  await curl(['-x', served.proxy, `${server.url}/first`]);
  await expect(app.row('/first')).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const path = test.info().outputPath('first.cscap');
  await (await downloading).saveAs(path);

  await page.getByTestId('open-file').setInputFiles(path);
  await expect(page.getByTestId('session-tabs')).toBeVisible();
  const fileTab = page.locator('[data-testid^="session-tab-s"]');
  await expect(fileTab).toContainText('first.cscap');
  await expect(page.getByTestId('capture-toggle')).toHaveText(/Stop capture/); // capture goes on
  await expect(page.getByTestId('clear')).toHaveCount(0); // Clear is the live session's

  await curl(['-x', served.proxy, `${server.url}/while-viewing`]);
  // The file's rows stay the file's; the live tab counts the new exchange.
  await expect(page.getByTestId('session-tab-live')).toContainText(/Live\s*2/);
  await expect(app.rows()).toHaveCount(1);
  await expect(app.row('/first')).toHaveCount(1);

  await page.getByTestId('session-tab-live').getByRole('button').first().click();
  await expect(app.row('/while-viewing')).toHaveCount(1);
  await expect(app.rows()).toHaveCount(2);
  await expect(page.getByTestId('session-tab-live').getByRole('button').first()).toHaveAttribute('title', /^The live session: 2 exchanges, 1 not saved; captured to .*session-\d+\.cscap$/);
});

test('Clear asks first when exchanges are not saved, says where they are, and Cancel keeps them', async ({ page }) => {
  const app = await ui(page);
  const server = await origins.misbehaving([request(), write(response({ body: 'ok' })), fin()]);
  await curl(['-x', served.proxy, `${server.url}/keep-me`]);
  await expect(app.row('/keep-me')).toHaveCount(1);

  await page.getByTestId('clear').click();
  const dialog = page.getByTestId('clear-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Clear 1 exchange?');
  await expect(page.getByTestId('clear-unsaved')).toHaveText(/^1 of them is not saved\. Until you clear, the live capture is on disk at .*session-\d+\.cscap; clearing removes it\.$/);
  await page.getByTestId('clear-cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(app.row('/keep-me')).toHaveCount(1);

  // Saved (downloaded), Clear no longer asks.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  await (await downloading).saveAs(test.info().outputPath('kept.cscap'));
  await expect(page.getByTestId('session-tab-live')).toHaveCount(0); // one session: no tabs
  await page.getByTestId('clear').click();
  await expect(app.rows()).toHaveCount(0);
  await expect(dialog).toHaveCount(0);
});
