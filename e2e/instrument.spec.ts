// The app as a measuring instrument, driven as a person would: a chunk's bytes on
// selection and the keys to the next one, Raw marking it, zooming the Timeline, the
// Exchanges list's columns sorted, resized and hidden and all of it remembered, the
// Connections view with the filter, a zoom to one connection and times since the
// session's start, and the app's keys.

import { expect, test, type Page } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { curl } from '../main/proxy/test-support/clients';
import { ChunkscopePage } from './support/chunkscope-page';
import { startServe, type Served } from './support/serve';

let served: Served;
let lab: Lab;

test.beforeAll(async () => {
  served = await startServe();
  lab = await startLab({ host: '127.0.0.1', port: 0 });
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
});

async function traffic(page: Page, paths: string[]): Promise<ChunkscopePage> {
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  for (const path of paths) await curl(['-sS', '-x', served.proxy, `${lab.url}${path}`]);
  await expect(app.rows()).toHaveCount(paths.length);
  return app;
}

const ticks = (page: Page) => page.locator('[data-testid="time-axis"] .tick-label').allTextContents();

test('a chunk picked in the ledger shows its size line, extensions, data and CRLF; [ ] step through; Raw marks it', async ({ page }) => {
  const app = await traffic(page, ['/extensions']);
  await app.open('/extensions');
  await page.getByTestId('chunk').first().click();
  const bytes = page.getByTestId('chunk-bytes');
  await expect(bytes.getByTestId('chunk-bytes-title')).toHaveText(/^chunk #1 of \d+$/);
  const token = (await page.getByTestId('size-token').first().textContent())!;
  // The size token as sent, in hex and as text.
  const hex = [...token].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
  await expect(bytes.getByTestId('chunk-size-line').locator('.raw-hex')).toHaveText(hex);
  await expect(bytes.getByTestId('chunk-size-line').locator('.raw-text')).toHaveText(token);
  await expect(bytes.getByTestId('chunk-line-end').locator('.raw-hex')).toHaveText('0d 0a');
  await expect(bytes.getByTestId('chunk-crlf').locator('.raw-hex')).toHaveText('0d 0a');
  await expect(bytes.getByTestId('chunk-data')).toBeVisible();
  // The chunk with extensions shows them as sent.
  const withExtension = page.getByTestId('chunk').filter({ has: page.locator('[data-col="extensions"]', { hasText: /;/ }) }).first();
  const number = Number(await withExtension.locator('[data-col="#"]').textContent());
  await withExtension.click();
  const extension = (await withExtension.locator('[data-col="extensions"]').textContent())!;
  await expect(bytes.getByTestId('chunk-extensions').locator('.raw-text').first()).toContainText(extension.slice(0, 8)); // the first row: 8 or 16 bytes, as wide as the panel allows
  // One key to the next chunk and back.
  await page.keyboard.press(']');
  await expect(bytes.getByTestId('chunk-bytes-title')).toContainText(`chunk #${number + 1} of`);
  await page.keyboard.press('[');
  await expect(bytes.getByTestId('chunk-bytes-title')).toContainText(`chunk #${number} of`);
  await page.getByTestId('ledger').focus();
  await page.keyboard.press('ArrowDown');
  await expect(bytes.getByTestId('chunk-bytes-title')).toContainText(`chunk #${number + 1} of`);
  // Raw marks that chunk's bytes.
  await page.getByTestId('chunk-in-raw').click();
  await expect(page.getByTestId('raw-chunk')).toContainText(`chunk #${number + 1}`);
  await expect(page.locator('.raw-hex .in-chunk').first()).toBeVisible();
  await app.screenshot('chunk-in-raw');
});

test('the Timeline zooms with the wheel and a drag, pans with the brush, and resets', async ({ page }) => {
  const app = await traffic(page, ['/drip?chunks=60&delay=10', '/ok']);
  await app.open('/drip?chunks=60&delay=10');
  await app.tab('timeline');
  await expect(page.getByTestId('timeline-range')).toContainText('the whole exchange');
  const whole = await ticks(page);
  const plot = page.getByTestId('timeline-plot');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
  await expect(page.getByTestId('timeline-range')).toContainText('showing');
  const zoomed = await ticks(page);
  expect(zoomed).not.toEqual(whole);
  await expect(page.getByTestId('brush-window')).toBeVisible();
  // Drag the brush's window to the right: a later part of the exchange.
  const window = (await page.getByTestId('brush-window').boundingBox())!;
  const before = await page.getByTestId('timeline-range').textContent();
  await page.mouse.move(window.x + window.width / 2, window.y + window.height / 2);
  await page.mouse.down();
  await page.mouse.move(window.x + window.width / 2 + 120, window.y + window.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('timeline-range')).not.toHaveText(before!);
  await page.getByTestId('timeline-reset').click();
  await expect(page.getByTestId('timeline-range')).toContainText('the whole exchange');
  expect(await ticks(page)).toEqual(whole);
  // Dragging across a range zooms to it.
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('timeline-range')).toContainText('showing');
  // Another exchange opens whole: a zoom belongs to the exchange it was made on.
  await app.open('/ok');
  await expect(page.getByTestId('timeline-range')).toContainText('the whole exchange');
  await app.open('/drip?chunks=60&delay=10');
  await expect(page.getByTestId('timeline-range')).toContainText('the whole exchange');
  // Hovering a mark gives its facts.
  await expect(await app.timelineStep('ArrowRight', 3)).toContainText('chunk #3 of the response');
  await expect(page.getByTestId('timeline-tip')).toContainText(/gap \d+(\.\d)? ms/);
  // Picked, its facts stay in view, and its bytes are one click away.
  await expect(page.getByTestId('timeline-picked')).toContainText('chunk #3 of the response');
  await page.getByTestId('timeline-picked').getByRole('button', { name: 'its bytes' }).click();
  await expect(page.getByTestId('chunk-bytes-title')).toContainText('chunk #3 of 60');
  await app.screenshot('timeline-zoom');
});

test('the Exchanges list sorts, resizes and hides columns, and remembers them, the filter and the tab across a reload', async ({ page }) => {
  // At 1,500 pixels, as this test was written: wider, the list's spare room goes to its flex columns, and a drag of
  // the path column's edge by 120 pixels widens it by less (noted in the closing note of issue 14, not yet changed).
  await page.setViewportSize({ width: 1500, height: 900 });
  const app = await traffic(page, ['/ok', '/no-terminator', '/trailers']);
  await page.locator('[data-testid="list-header"] [data-col="chunks"] button').click();
  await expect(page.locator('[data-testid="row"] [data-col="chunks"]')).toHaveText(['2', '2', '3']);
  await page.locator('[data-testid="list-header"] [data-col="chunks"] button').click();
  await expect(page.locator('[data-testid="row"] [data-col="chunks"]')).toHaveText(['3', '2', '2']);
  // Drag the path column's edge: wider.
  const handle = page.locator('[data-testid="list-header"] [data-col="path"] .resize');
  const cell = page.locator('[data-testid="list-header"] [data-col="path"]');
  const width = (await cell.boundingBox())!.width;
  const edge = (await handle.boundingBox())!;
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + 120, edge.y + edge.height / 2, { steps: 5 });
  await page.mouse.up();
  const wider = (await cell.boundingBox())!.width;
  expect(wider).toBeGreaterThan(width + 60);
  // Hide the host column.
  await page.getByTestId('columns-menu').click();
  await page.getByTestId('column-host').uncheck();
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-testid="list-header"] [data-col="host"]')).toHaveCount(0);
  await app.filter('framing:chunked');
  await app.open('/trailers');
  await app.tab('timeline');

  await page.reload();
  await expect(page.getByTestId('filter')).toHaveValue('framing:chunked');
  await expect(page.locator('[data-testid="list-header"] [data-col="host"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="row"] [data-col="chunks"]')).toHaveText(['3', '2', '2']);
  expect((await cell.boundingBox())!.width).toBeCloseTo(wider, -1);
  await app.open('/trailers');
  await expect(page.getByTestId('timeline')).toBeVisible();
});

test('the split between the list and the detail is dragged and remembered', async ({ page }) => {
  const app = await traffic(page, ['/ok']);
  await app.open('/ok');
  const detail = page.getByTestId('detail');
  const before = (await detail.boundingBox())!.width;
  const handle = (await page.getByTestId('split-handle').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
  await page.mouse.down();
  await page.mouse.move(handle.x - 200, handle.y + 200, { steps: 6 });
  await page.mouse.up();
  const after = (await detail.boundingBox())!.width;
  expect(after).toBeGreaterThan(before + 150);
  // The panels library writes the layout a moment after the drag: wait until it holds the new one.
  const list = (await page.getByTestId('sessions').boundingBox())!.width;
  const share = (after / (after + list)) * 100;
  const kept = () =>
    page.evaluate(`(() => {
      const key = Object.keys(localStorage).find((k) => k.includes('chunkscope:split'));
      const layouts = key ? JSON.parse(localStorage.getItem(key)) : {};
      const withDetail = Object.keys(layouts).find((panels) => panels.includes('detail'));
      return withDetail ? layouts[withDetail].layout[1] : null;
    })()`) as Promise<number | null>;
  await expect.poll(async () => Math.abs(((await kept()) ?? 0) - share)).toBeLessThan(2);
  await page.reload();
  await app.open('/ok');
  expect((await detail.boundingBox())!.width).toBeCloseTo(after, -1);
});

test('the keys: Ctrl+F to the filter, Escape back to the list, ? for help, Ctrl+O opens, Ctrl+S saves; the theme toggles and stays', async ({ page }) => {
  await traffic(page, ['/ok']);
  await page.getByTestId('sessions').focus();
  await page.keyboard.press('ControlOrMeta+f');
  await expect(page.getByTestId('filter')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sessions')).toBeFocused();
  await page.keyboard.press('?');
  await expect(page.getByTestId('keys-help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('keys-help')).toHaveCount(0);
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('ControlOrMeta+o');
  await chooser;
  const download = page.waitForEvent('download');
  await page.keyboard.press('ControlOrMeta+s');
  expect((await download).suggestedFilename()).toMatch(/\.cscap$/);
  const theme = await page.locator('html').getAttribute('data-theme');
  await page.getByTestId('theme').click();
  await page.getByTestId('theme').click();
  const chosen = await page.locator('html').getAttribute('data-theme');
  expect(chosen).toBe(theme === 'dark' ? 'light' : 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', chosen!);
});

test('Connections: a time axis since the session’s start, the filter applies, a hovered lane tells its request, a double-click zooms to one connection', async ({ page }) => {
  // Traffic before a Clear: times after it still start at 0.
  await curl(['-sS', '-x', served.proxy, `${lab.url}/ok`]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const app = await traffic(page, ['/ok', '/reset-mid-chunk', '/drip?chunks=20&delay=20']);
  await app.view('connections');
  await expect(page.getByTestId('lane')).toHaveCount(3);
  await expect(page.locator('.lanes-axis .tick-label').first()).toHaveText(/^0(\.0)? m?s$/);
  // Hover the first lane's request: what it was and when it started, since the session's start.
  const first = page.getByTestId('lane').first();
  const box = (await first.boundingBox())!;
  const info = (await first.locator('.lane-info').boundingBox())!;
  await page.mouse.move(info.x + info.width + 3, box.y + box.height / 2);
  const tip = page.getByTestId('lane-tip');
  await expect(tip).toContainText('c');
  await expect(tip).toContainText('GET /ok');
  await expect(tip).toContainText('→ 200 OK');
  const started = /started (\d+(?:\.\d)?) (ms|s)/.exec((await tip.textContent())!)!;
  expect(started[2] === 'ms' || Number(started[1]) < 1).toBe(true);
  // The filter keeps the connections with a matching exchange.
  await app.filter('rst');
  await expect(page.getByTestId('lane')).toHaveCount(1);
  await expect(page.getByTestId('lane').getByTestId('lane-end-marker')).toHaveText('server RST');
  await app.filter('');
  await expect(page.getByTestId('lane')).toHaveCount(3);
  // Double-click the drip's lane: the axis spans that connection; again, the whole session.
  const whole = await page.locator('.lanes-axis .tick-label').allTextContents();
  await page.getByTestId('lane').nth(2).dblclick();
  await expect(page.getByTestId('lanes-range')).toContainText('zoomed to c');
  expect(await page.locator('.lanes-axis .tick-label').allTextContents()).not.toEqual(whole);
  await page.getByTestId('lane').nth(2).dblclick();
  await expect(page.getByTestId('lanes-range')).toContainText('the whole session');
  await app.screenshot('connections');
});
