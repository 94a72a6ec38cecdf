// The Held panel as a person sees it at 1024×700 and 1400×900, light and dark: two held
// messages (one before its head, one after a chunk), nothing past the window, the facts
// not over each other; with a chunk's editor open, the panel inside the window and every
// step and field on screen once scrolled to.

import { expect, test } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { ChunkscopePage } from './support/chunkscope-page';
import { boxes, expectInsideWindow, overlaps } from './support/geometry';
import { HeldPage } from './support/held-page';
import { startServe, type Served } from './support/serve';
import { curlThrough } from './support/stream-clients';

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

for (const [width, height] of [
  [1024, 700],
  [1400, 900],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${width}×${height} ${scheme}: the Held panel fits, its steps and editor on screen`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      const app = await ChunkscopePage.open(page, served, { capturing: true });
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      const held = new HeldPage(page);
      await held.setRules(['break-response path:/ok', 'break-response:1 path:/drip']);
      // One after the other, so the panel lists them in this order.
      const clients = [curlThrough(served.proxy, `${lab.url}/ok`)];
      await expect(held.where(held.item('/ok'))).toHaveText('before the head');
      clients.push(curlThrough(served.proxy, `${lab.url}/drip?chunks=3&delay=0`));
      const drip = held.item('/drip?chunks=3&delay=0');
      await expect(held.where(drip)).toHaveText('before chunk #2 (1 chunk delivered)');
      await expectInsideWindow(page);
      expect(overlaps(await boxes(page, '.held-line > *, .held-facts > *, .held-panel > header > *')), 'held facts over each other').toEqual([]);
      await app.screenshot(`held-${width}x${height}-${scheme}`);

      await held.step(drip, 'edit');
      await expect(drip.getByTestId('held-data')).toHaveValue('drip 2\n');
      // The panel scrolls when its messages and the editor need more than its share of the
      // window: the panel stays inside the window, and each control is on screen once scrolled to.
      await expectInsideWindow(page);
      for (const button of await held.panel().locator('button, input, textarea').all()) {
        await button.scrollIntoViewIfNeeded();
        await expect(button).toBeInViewport();
      }
      // The list keeps its room above the panel.
      const list = (await boxes(page, '[data-testid="sessions"]'))[0]!;
      expect(list.bottom - list.top, 'the list keeps some height').toBeGreaterThan(120);
      await drip.getByTestId('held-edit-send').scrollIntoViewIfNeeded();
      await app.screenshot(`held-editor-${width}x${height}-${scheme}`);

      await held.step(drip, 'rest');
      await held.step(held.item('/ok'), 'rest');
      for (const client of clients) expect((await client.done).status).toBe(0);
      await expect(held.panel()).toHaveCount(0);
    });
  }
}
