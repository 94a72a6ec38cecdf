// Finding things (issue 17): a search of 10,000 exchanges finds a string inside a gzip
// body, marks its row and highlights it in the body viewer; a header match is marked in
// Raw; cancel stops a search; the filter says which keys there are and reads OR; its help
// opens from the box. Captures are written in the setup with the capture writer.

import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { chunked, get, response, writeConnections, type TestConnection } from '../main/search/test-support/captures';
import { ChunkscopePage } from './support/chunkscope-page';
import { startServe, type Served } from './support/serve';

let served: Served;

test.beforeAll(async () => {
  served = await startServe();
});

test.afterAll(async () => {
  await served.stop();
});

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served);
const EXCHANGES = 10_000;
const NEEDLE_AT = 7_777;

function plain(n: number): TestConnection {
  const body = `item ${n}: nothing to see\n`;
  return { sent: [get(`/item/${n}`, [`X-Trace: trace-${n}`])], received: [response(['Content-Type: text/plain', `Content-Length: ${body.length}`], body)] };
}

function withNeedle(): TestConnection {
  const text = `${'lorem ipsum dolor sit amet\n'.repeat(400)}here is the Golden-Needle, deep inside\n${'consectetur adipiscing\n'.repeat(400)}`;
  return { sent: [get('/feed.txt')], received: [response(['Content-Type: text/plain; charset=utf-8', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(gzipSync(Buffer.from(text)), 100))] };
}

function* tenThousand(): Generator<TestConnection> {
  for (let n = 1; n <= EXCHANGES; n++) yield n === NEEDLE_AT ? withNeedle() : plain(n);
}

test('a body search across 10,000 exchanges finds a string inside a gzip body: its row marked, the match highlighted in the body viewer', async ({ page }) => {
  const path = test.info().outputPath('ten-thousand.cscap');
  writeConnections(path, tenThousand());
  const app = await ui(page);
  await app.openCapture(path, EXCHANGES);

  const status = await app.search('golden-needle');
  await expect(status).toHaveAttribute('data-state', 'done');
  await expect(status).toHaveText(/^1 match in 1 exchange of 10,000 · [\d.]+ MB searched$/);

  await page.getByTestId('matches-only').check();
  await expect(page.getByTestId('shown-count')).toHaveText('1 of 10,000 exchanges match');
  const row = app.row('/feed.txt');
  await expect(row).toHaveAttribute('data-matched', '1');
  await expect(row).toHaveClass(/matched/);

  // F3: the next match, shown where it is: the response body, decoded, as text.
  await page.keyboard.press('F3');
  await expect(app.selected()).toHaveAttribute('data-id', `${NEEDLE_AT}:0`);
  await expect(page.getByTestId('body-form')).toHaveText('decoded: chunk framing and gzip removed');
  await expect(page.getByTestId('body-charset')).toContainText('utf-8 (from the Content-Type)');
  const text = page.getByTestId('body-text');
  await expect(text.locator('mark')).toHaveText(['Golden-Needle']);
  await expect(text.locator('.current-line')).toContainText('here is the Golden-Needle, deep inside');
  await expect(text.locator('.current-line')).toHaveAttribute('data-line', '401');
  // The same match in the hex viewer: its bytes marked.
  await app.viewer('hex');
  await expect(page.getByTestId('hex').locator('.raw-text .mark')).toHaveText([...'Golden-Needle']);
  await app.screenshot('search-gzip-body');
});

test('a header match is marked in Raw, where its bytes are on the wire', async ({ page }) => {
  const path = test.info().outputPath('headers.cscap');
  writeConnections(path, [plain(1), plain(2), plain(3)]);
  const app = await ui(page);
  await app.openCapture(path, 3);
  await expect(await app.search('trace-2')).toHaveText(/^1 match in 1 exchange of 3/);
  await page.keyboard.press('F3');
  await expect(app.selected()).toHaveAttribute('data-id', '2:0');
  await expect(page.getByTestId('raw')).toBeVisible();
  await expect(page.getByTestId('raw-matches')).toHaveText('1 search match marked');
  await expect(page.getByTestId('raw').locator('.raw-text .mark')).toHaveText([...'trace-2']);
});

test('cancel stops a search: it says so, and what it found so far stays', async ({ page }) => {
  // Each body inflates to 256 MiB of zeros: 16 GiB in all, which takes the engine many seconds.
  const zeros = gzipSync(Buffer.alloc(256 * 1024 * 1024));
  const bomb = (n: number): TestConnection => ({ sent: [get(`/zeros/${n}`)], received: [response(['Content-Encoding: gzip', `Content-Length: ${zeros.length}`], zeros)] });
  const path = test.info().outputPath('slow.cscap');
  writeConnections(path, [plain(1), ...Array.from({ length: 64 }, (_, i) => bomb(i))]);
  const app = await ui(page);
  await app.openCapture(path, 65);
  const status = await app.search('nothing to');
  // The first exchange's match arrives while the engine inflates the rest.
  await expect(status).toHaveText(/^searching: .* · 1 match in 1 exchange of 65 so far$/);
  await expect(status).toHaveAttribute('data-state', 'running');
  await page.getByTestId('search-cancel').click();
  await expect(status).toHaveAttribute('data-state', 'cancelled');
  await expect(status).toHaveText(/^stopped after [\d.]+ (KB|MB) of [\d.]+ MB: cancelled · 1 match in 1 exchange of 65$/);
  await expect(page.getByTestId('search-cancel')).toHaveCount(0);
  await expect(app.row('/item/1')).toHaveAttribute('data-matched', '1');
});

test('the filter: an unknown key is an error that lists the keys and marks where; OR reads either; its help opens from the box', async ({ page }) => {
  const path = test.info().outputPath('filter.cscap');
  writeConnections(path, [plain(1), plain(2), plain(3)]);
  const app = await ui(page);
  await app.openCapture(path, 3);

  await app.filter('path:/item/1 OR path:/item/3');
  await expect(app.rows()).toHaveCount(2);
  await expect(page.getByTestId('filter-problem')).toHaveCount(0);

  await app.filter('bogus:thing path:/item');
  const error = page.getByTestId('filter-error');
  await expect(error).toHaveCount(1);
  await expect(error).toContainText('"bogus" is not a filter key (at character 1): the keys are host: path: method: status: framing: req: conn: code: finding: ended: comment: stalled: client:');
  await expect(error.locator('mark')).toHaveText('bogus:thing');
  // The rest of the filter still applies.
  await expect(app.rows()).toHaveCount(3);

  await page.keyboard.press('F1');
  const help = page.getByTestId('filter-help');
  await expect(help).toBeVisible();
  await expect(help.getByTestId('filter-help-entry').first()).toContainText('host:*.example.com');
  await expect(help).toContainText('status:5xx OR rst');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await page.getByTestId('filter-help-toggle').click();
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'method:POST' }).click();
  await expect(page.getByTestId('filter')).toHaveValue('bogus:thing path:/item method:POST');
});

test('a match inside a feed item is marked in the Stream view too', async ({ page }) => {
  const rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>First</title></item><item><title>The Golden-Needle story</title></item></channel></rss>';
  const feed: TestConnection = { sent: [get('/feed.xml')], received: [response(['Content-Type: application/rss+xml', 'Transfer-Encoding: chunked'], chunked(rss, 40))] };
  const path = test.info().outputPath('feed.cscap');
  writeConnections(path, [plain(1), feed]);
  const app = await ui(page);
  await app.openCapture(path, 2);
  await expect(await app.search('golden-needle')).toHaveText(/^1 match in 1 exchange of 2/);
  await page.keyboard.press('F3');
  await expect(page.getByTestId('body-pretty').locator('mark')).toHaveText(['Golden-Needle']);
  await app.tab('stream');
  await expect(page.getByTestId('stream-item').nth(1).locator('mark')).toHaveText('Golden-Needle');
  await page.getByTestId('stream-item').nth(1).click();
  await expect(page.getByTestId('item-detail').locator('mark').first()).toHaveText('Golden-Needle');
});
