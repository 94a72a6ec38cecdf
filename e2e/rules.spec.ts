// Rules in the app: added in the Rules panel (checked as typed), applied by the live
// proxy to a real client's request to the lab, and shown in the detail with both the
// original and the delivered framing. And "Try it": the lab's scenarios at one click.

import { expect, test } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { curl } from '../main/proxy/test-support/clients';
import { ChunkscopePage } from './support/chunkscope-page';
import { startServe, type Served } from './support/serve';

let served: Served;
let lab: Lab;

test.beforeAll(async () => {
  served = await startServe();
  lab = await startLab();
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
});

const ui = (page: import('@playwright/test').Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served);

test('a rule added in the Rules panel drops the last chunk; the detail shows both framings', async ({ page }) => {
  const app = await ui(page);
  await page.getByTestId('rules-toggle').click();
  const input = page.getByTestId('rule-input');
  await input.fill('drop-last-chunk paht:/ok');
  await expect(page.getByTestId('rule-problem')).toContainText('"paht:/ok" is not a rule action or a match');
  await expect(page.getByTestId('rule-add')).toBeDisabled();
  await input.fill('drop-last-chunk path:/ok');
  await page.getByTestId('rule-add').click();
  await expect(page.getByTestId('rule')).toHaveCount(1);
  await expect(page.getByTestId('rules-toggle')).toHaveText('Rules (1)');
  await app.screenshot('rules-panel');

  expect((await curl(['-x', served.proxy, `${lab.url}/ok`])).status).toBe(18);
  const row = app.row('/ok');
  await expect(app.cell(row, 'last chunk')).toHaveText('MISSING');
  await expect(row.getByTestId('rule-badge')).toBeVisible();
  await expect(app.cell(row, 'ended')).toHaveText('Chunkscope FIN');
  await page.getByTestId('rules-toggle').click(); // close the panel
  await app.open('/ok');
  await expect(page.getByTestId('rules-applied')).toContainText('drop-last-chunk path:/ok (response): withheld the last chunk after 3 chunks and closed the connection (FIN)');
  await expect(page.getByTestId('side-delivered')).toHaveText('Delivered to the client: 3 chunks, no last chunk');
  await expect(page.getByTestId('side-original')).toHaveText('As the origin sent it: 3 chunks, last chunk ✓');
  await expect(page.getByTestId('last-chunk')).toHaveCount(0);
  await page.getByTestId('side-original').click();
  await expect(page.getByTestId('last-chunk')).toContainText('last chunk 0');
  await expect(app.sizeTokens()).toHaveText(['C', 'D', 'C']);
  await app.screenshot('rules-original-framing');

  // Disabled, the rule no longer applies (to new connections).
  await page.getByTestId('rules-toggle').click();
  await page.getByTestId('rule-enabled').click();
  await expect(page.getByTestId('rule-enabled')).not.toBeChecked();
  await expect(page.getByTestId('rules-toggle')).toHaveText('Rules');
  await page.getByTestId('rule-remove').click();
  await expect(page.getByTestId('rule')).toHaveCount(0);
  expect((await curl(['-x', served.proxy, `${lab.url}/trailers`])).status).toBe(0);
  await expect(app.cell(app.row('/trailers'), 'last chunk')).toHaveText('present');
});

test('Try it sends the lab scenarios through the proxy', async ({ page }) => {
  const app = await ui(page);
  await page.getByTestId('try-lab').click();
  await expect(app.cell(app.row('/no-terminator'), 'last chunk')).toHaveText('MISSING', { timeout: 15_000 });
  await expect(app.cell(app.row('/reset-mid-chunk'), 'ended')).toHaveText('server RST');
  await expect(app.row('/reset-after?n=2')).toHaveCount(3, { timeout: 15_000 });
  await expect(app.cell(app.row('/reset-after?n=2').last(), 'ended')).toHaveText('server RST');
  await expect(page.getByTestId('status')).toContainText('Try it: 9 scenarios from the lab', { timeout: 20_000 });
  await app.screenshot('try-it');
});
