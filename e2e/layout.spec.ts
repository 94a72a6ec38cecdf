// The app as a person sees it at 1024×700 and 1400×900, light and dark: nothing past the
// window, no label over another, headers over their columns, every panel on screen. Each
// view's screenshot is kept (test-results/screenshots; docs/screenshots with
// CHUNKSCOPE_DOCS_SCREENSHOTS=1, for the README: then `pngquant --force --ext .png
// docs/screenshots/*.png` keeps them small).

import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { curl, rawExchange } from '../main/proxy/test-support/clients';
import { boxes, expectHeadersAligned, expectInsideWindow, overlaps } from './support/geometry';
import { startServe, type Served } from './support/serve';

let served: Served;
let lab: Lab;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  // --allow-commands: the Probe panel is looked at with a result in it.
  served = await startServe(['--allow-commands']);
  lab = await startLab({ host: '127.0.0.1', port: 0, resetAfter: 3 });
  for (const path of ['/ok', '/feed?items=4&delay=40', '/no-terminator', '/reset-mid-chunk', '/trailers', '/drip?chunks=150&delay=3']) await curl(['-sS', '-x', served.proxy, `${lab.url}${path}`]);
  // Four chunked POSTs on one keep-alive connection: the lab resets it at the fourth.
  const post = `POST ${lab.url}/reset-after?n=3 HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
  await rawExchange(served.proxyPort, post.repeat(4));
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
});

/** The views the README's folder keeps in the dark theme too (every view is kept in the light one). */
const DARK_IN_DOCS = ['timeline', 'connections', 'list'];

async function shot(page: Page, name: string): Promise<void> {
  const file = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path: file });
  if (process.env.CHUNKSCOPE_DOCS_SCREENSHOTS && (name.includes('-light-') || DARK_IN_DOCS.some((view) => name.endsWith(`-dark-${view}`)))) {
    mkdirSync('docs/screenshots', { recursive: true });
    copyFileSync(file, `docs/screenshots/${name}.png`);
  }
}

/** The labels of the Timeline do not overlap, and stay inside the plot. */
async function expectReadableTimeline(page: Page): Promise<void> {
  const labels = await boxes(page, '.timeline-plot .plot-label');
  expect(labels.length).toBeGreaterThan(0);
  expect(overlaps(labels), 'Timeline labels over each other').toEqual([]);
  expect(overlaps(await boxes(page, '.timeline-plot .axis-x .tick-label')), 'time ticks over each other').toEqual([]);
  expect(overlaps(await boxes(page, '.timeline-plot .axis-y .tick-label')), 'bytes ticks over each other').toEqual([]);
  const plot = (await boxes(page, '[data-testid="timeline-plot"]'))[0]!;
  for (const l of [...labels, ...(await boxes(page, '.timeline-plot .tick-label'))]) {
    expect(l.left, `${l.text} inside the plot`).toBeGreaterThanOrEqual(plot.left - 0.5);
    expect(l.right, `${l.text} inside the plot`).toBeLessThanOrEqual(plot.right + 0.5);
  }
}

test('the toolbar fits every common window width, its less frequent actions in the menu when they would not', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(served.ui);
  await expect(page.getByTestId('status')).toContainText('exchanges');
  // 1536 once cut off the theme and keys buttons: the whole toolbar needs about 1,600 pixels.
  for (const width of [1024, 1280, 1366, 1440, 1460, 1536, 1600, 1680, 1920, 1536, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await expect(page.getByTestId('menu').or(page.getByTestId('save-har'))).toBeVisible();
    await expectInsideWindow(page);
  }
});

for (const [width, height] of [
  [1024, 700],
  [1400, 900],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${width}×${height} ${scheme}`, () => {
      test.use({ viewport: { width, height }, colorScheme: scheme });
      const tag = `${width}x${height}-${scheme}`;

      test('every view fits the window and reads cleanly', async ({ page }) => {
        await page.goto(served.ui);
        await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
        const row = (path: string) => page.getByTestId('row').filter({ has: page.locator('[data-col="path"]', { hasText: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
        await expect(page.getByTestId('row')).toHaveCount(10);
        await expectInsideWindow(page);
        await expectHeadersAligned(page, '[data-testid="list-header"]', '[data-testid="row"]');
        // Scrolled sideways, the header scrolls with its columns.
        await page.getByTestId('sessions').evaluate((e) => (e.scrollLeft = 300));
        await expectHeadersAligned(page, '[data-testid="list-header"]', '[data-testid="row"]');
        await page.getByTestId('sessions').evaluate((e) => (e.scrollLeft = 0));
        // The request number shows whole.
        expect(await row('/reset-after?n=3').last().locator('[data-col="req"]').evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
        await shot(page, `${tag}-list`);

        await row('/no-terminator').click();
        await expect(page.getByTestId('headline')).toContainText('no last chunk');
        // The detail's actions stay wholly in sight at the foot of its head, whatever scrolls above them
        // (a head made short here, as a long list of findings in a small window makes it).
        await page.locator('.detail-head').evaluate((e) => e.setAttribute('style', 'max-height: 140px'));
        const head = await page.locator('.detail-head').boundingBox();
        for (const name of ['Edit and resend', 'Break on this path', 'Copy as curl']) {
          const button = await page.locator('.detail-head').getByRole('button', { name, exact: true }).boundingBox();
          expect(button, name).not.toBeNull();
          expect(button!.y, name).toBeGreaterThanOrEqual(head!.y);
          expect(button!.y + button!.height, name).toBeLessThanOrEqual(head!.y + head!.height);
        }
        await page.locator('.detail-head').evaluate((e) => e.removeAttribute('style'));
        await page.getByTestId('chunk').nth(1).click();
        await expect(page.getByTestId('chunk-bytes')).toBeVisible();
        await expectInsideWindow(page);
        await shot(page, `${tag}-chunk-bytes`);
        await page.getByTestId('ledger').evaluate((e) => (e.scrollLeft = 200));
        await expectHeadersAligned(page, '[data-testid="ledger-header"]', '[data-testid="chunk"]');

        await page.getByTestId('tab-timeline').click();
        await expect(page.getByTestId('missing-marker')).toBeVisible();
        await expectReadableTimeline(page);
        await expectInsideWindow(page);
        await shot(page, `${tag}-timeline`);

        await row('/drip?chunks=150&delay=3').click();
        await page.getByTestId('tab-timeline').click();
        await expect(page.getByTestId('last-chunk-marker')).toBeVisible();
        await expectReadableTimeline(page);
        await shot(page, `${tag}-timeline-drip`);

        await row('/feed?items=4&delay=40').click();
        await page.getByTestId('tab-stream').click();
        await page.getByTestId('stream-item').nth(1).click();
        await expect(page.getByTestId('item-detail')).toContainText('Item 2');
        await expectInsideWindow(page);
        await shot(page, `${tag}-stream`);
        await page.getByTestId('stream').locator('.ledger').evaluate((e) => (e.scrollLeft = 200));
        await expectHeadersAligned(page, '[data-testid="stream-header"]', '[data-testid="stream-item"]');

        await page.getByTestId('tab-raw').click();
        await expect(page.getByTestId('raw')).toBeVisible();
        await expectInsideWindow(page);

        // The feed's body, indented and coloured; then as hex.
        await page.getByTestId('tab-body').click();
        await expect(page.getByTestId('body-pretty')).toBeVisible();
        await expect(page.getByTestId('body-form')).toBeVisible();
        await expectInsideWindow(page);
        await shot(page, `${tag}-body`);
        await page.getByTestId('viewer-hex').click();
        await expect(page.getByTestId('hex')).toBeVisible();
        await expectInsideWindow(page);

        // A search: its box (in the bar when the toolbar is narrow), options, progress, marks.
        await page.keyboard.press('ControlOrMeta+Shift+F');
        await expect(page.getByTestId('search')).toBeFocused();
        await page.keyboard.type('item');
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('search-status')).toHaveAttribute('data-state', 'done');
        await expect(page.getByTestId('search-bar')).toBeInViewport({ ratio: 1 });
        await page.keyboard.press('F3');
        await expectInsideWindow(page);
        await shot(page, `${tag}-search`);
        await page.getByTestId('search-close').click();
        await expect(page.getByTestId('search-bar')).toHaveCount(0);

        // The filter's errors under it, and its help.
        await page.keyboard.press('/');
        await page.keyboard.type('bogus:thing');
        await expect(page.getByTestId('filter-problem')).toBeInViewport({ ratio: 1 });
        await expectInsideWindow(page);
        await page.keyboard.press('F1');
        await expect(page.getByTestId('filter-help')).toBeInViewport({ ratio: 1 });
        await expectInsideWindow(page);
        await shot(page, `${tag}-filter-help`);
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('filter')).toHaveValue('');

        await page.getByTestId('view-connections').click();
        await expect(page.getByTestId('lane')).toHaveCount(7);
        await expectInsideWindow(page);
        expect(overlaps(await boxes(page, '.lanes-axis .tick-label')), 'time ticks over each other').toEqual([]);
        await shot(page, `${tag}-connections`);

        // The Rules panel, wherever its button is (in the menu when the window is narrow), with its ✕ and Add on screen.
        if (await page.getByTestId('menu').isVisible()) await page.getByTestId('menu').click();
        await page.getByTestId('rules-toggle').click();
        await expect(page.getByTestId('rules-panel')).toBeVisible();
        await expectInsideWindow(page);
        await expect(page.getByTestId('rule-add')).toBeInViewport();
        await expect(page.getByTestId('rules-close')).toBeInViewport();
        await shot(page, `${tag}-rules`);
        await page.getByTestId('rules-close').click();

        // Connect a client: its button stays in the toolbar; every way on screen, down to the manual settings.
        await page.getByTestId('connect-toggle').click();
        await expect(page.getByTestId('manual-proxy')).toHaveText(`127.0.0.1:${served.proxyPort}`);
        await expectInsideWindow(page);
        await expect(page.getByTestId('connect-close')).toBeInViewport();
        await expect(page.getByTestId('launch-browser').first()).toBeInViewport();
        await shot(page, `${tag}-connect`);
        await page.getByTestId('manual-ca').scrollIntoViewIfNeeded();
        await expect(page.getByTestId('manual-ca')).toBeInViewport();
        await expectInsideWindow(page);
        await page.getByTestId('connect-close').click();

        // Probe a client, with a result (a command that fails at once, so no exchange joins the list): the table and the verdict.
        if (await page.getByTestId('menu').isVisible()) await page.getByTestId('menu').click();
        await page.getByTestId('probe-toggle').click();
        await page.getByTestId('probe-command').fill('false {url}');
        await page.getByTestId('probe-none').click();
        await page.locator('[data-testid="probe-scenario"][value="ok"]').check();
        await page.getByTestId('probe-run').click();
        await expect(page.getByTestId('probe-failures')).toContainText('ok: reported an error (exit 1)');
        await expect(page.getByTestId('probe-result').locator('[data-col="verdict"]')).toHaveText('✗ error reported, no request');
        await expectInsideWindow(page);
        await expect(page.getByTestId('probe-close')).toBeInViewport();
        await expect(page.getByTestId('probe-run')).toBeInViewport();
        await shot(page, `${tag}-probe`);
        await page.getByTestId('probe-close').click();

        await page.keyboard.press('?');
        await expect(page.getByTestId('keys-help')).toBeInViewport({ ratio: 1 });
        await shot(page, `${tag}-keys`);
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('keys-help')).toHaveCount(0);
      });

      test('pins, comments, copy, the row menu, export selected and recent files fit the window', async ({ page }) => {
        await page.goto(served.ui);
        await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
        const row = (path: string) => page.getByTestId('row').filter({ has: page.locator('[data-col="path"]', { hasText: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
        await expect(page.getByTestId('row')).toHaveCount(10);
        await row('/ok').click();
        await row('/trailers').click({ modifiers: ['ControlOrMeta'] });
        await page.getByTestId('comment').fill('a comment long enough to run past the field at 1024 pixels wide, and then some more words');
        await page.getByTestId('comment').press('Enter');
        await expect(row('/trailers').locator('[data-col="mark"]').getByTestId('comment-mark')).toBeVisible();
        await page.getByTestId('pin-toggle').click();
        await expect(row('/trailers').locator('[data-col="mark"]').getByTestId('pin-mark')).toBeVisible();
        await expectInsideWindow(page);
        await expectHeadersAligned(page, '[data-testid="list-header"]', '[data-testid="row"]');
        await page.getByTestId('copy-menu').click();
        await expect(page.getByTestId('copy-response-body-sent')).toBeInViewport({ ratio: 1 });
        await expectInsideWindow(page);
        await shot(page, `${tag}-marks-copy`);
        await page.keyboard.press('Escape');

        // The row menu near the window's bottom right stays inside it.
        await row('/trailers').click({ button: 'right', position: { x: 20, y: 10 } });
        await expect(page.getByTestId('row-menu')).toBeInViewport({ ratio: 1 });
        // A menu at the pointer, as wide as its words: not a band across the window.
        expect((await page.getByTestId('row-menu').boundingBox())!.width).toBeLessThan(400);
        expect(overlaps(await boxes(page, '[data-testid="row-menu"] > *')), 'row menu items over each other').toEqual([]);
        await shot(page, `${tag}-row-menu`);
        await page.keyboard.press('Escape');
        await expect(page.getByTestId('row-menu')).toHaveCount(0);
        await page.getByTestId('export-selected').click();
        await expect(page.getByTestId('export-chosen-har')).toBeInViewport({ ratio: 1 });
        await shot(page, `${tag}-export-selected`);
        await page.keyboard.press('Escape');

        if (await page.getByTestId('menu').isVisible()) await page.getByTestId('menu').click();
        else await page.getByTestId('recent').click();
        await expect(page.locator('[data-testid="recent-file"], [data-testid="recent-none"]').first()).toBeInViewport({ ratio: 1 });
        await expectInsideWindow(page);
        await shot(page, `${tag}-recent`);
        await page.keyboard.press('Escape');

        await page.getByTestId('clear').click();
        await expect(page.getByTestId('unsaved-marks')).toBeVisible();
        await expect(page.getByTestId('clear-dialog')).toBeInViewport({ ratio: 1 });
        await shot(page, `${tag}-clear-marks`);
        await page.getByTestId('clear-cancel').click();
        // Taken away again, for the next run's rows.
        await page.getByTestId('pin-toggle').click();
        await page.getByTestId('comment').fill('');
        await page.getByTestId('comment').press('Enter');
        await expect(row('/trailers').locator('[data-col="mark"] svg')).toHaveCount(0);
      });
    });
  }
}
