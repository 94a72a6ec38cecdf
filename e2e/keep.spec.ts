// Small things a user expects (issue 17): pin and comment an exchange and find them after
// saving and opening again; copy a URL, headers and bodies; export only the exchanges
// chosen; drop a file on the page to open it; open a recent file again.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
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

/** Requests to `paths` through the proxy, each to an origin answering `body` (chunked). */
async function traffic(app: ChunkscopePage, paths: string[], body = 'hello'): Promise<void> {
  for (const path of paths) {
    const server = await origins.misbehaving([request(), write(response({ chunks: [{ data: body }], headers: [['Content-Type', 'text/plain']] })), fin()]);
    await curl(['-sS', '-x', served.proxy, `${server.url}${path}`]);
    await expect(app.row(path)).toHaveCount(1);
  }
}

/** Save the shown session (a download) and open the file again, in a tab of its own. */
async function saveAndReopen(page: Page, name: string): Promise<string> {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const path = test.info().outputPath(name);
  await (await downloading).saveAs(path);
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(page.locator('[data-testid^="session-tab-s"]').last()).toContainText(name);
  return path;
}

/** Drop a file on the page as a person would: a drop event carrying it, built in the page. */
async function drop(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], ${JSON.stringify(name)}));
    const target = document.querySelector('[data-testid="sessions"]');
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  })()`);
}

test('a pin and a comment show in the list, are found by the filter, and survive saving and opening again', async ({ page }) => {
  const app = await ui(page);
  await traffic(app, ['/keep', '/other']);
  await app.open('/keep');
  await page.getByTestId('pin-toggle').click();
  await expect(page.getByTestId('pin-toggle')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('comment').fill('the one that hangs');
  await page.getByTestId('comment').press('Enter');
  const row = app.row('/keep');
  await expect(app.cell(row, 'mark').getByTestId('pin-mark')).toBeVisible();
  await expect(app.cell(row, 'mark')).toHaveAttribute('title', 'the one that hangs');
  await expect(app.cell(row, 'mark').getByTestId('comment-mark')).toHaveAttribute('aria-label', 'comment: the one that hangs');
  await expect(app.cell(app.row('/other'), 'mark')).toBeEmpty();
  // The live session has a change to save: its tab and Clear say so.
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('unsaved-marks')).toHaveText('Pins or comments on 1 exchange are not saved: clearing loses them.');
  await page.getByTestId('clear-cancel').click();

  await app.filter('pinned');
  await expect(app.rows()).toHaveCount(1);
  await app.filter('comment:hangs');
  await expect(app.rows()).toHaveCount(1);
  await app.filter('-pinned');
  await expect(app.row('/other')).toHaveCount(1);
  await expect(app.rows()).toHaveCount(1);
  await app.filter('');

  await saveAndReopen(page, 'marked.cscap');
  await expect(app.rows()).toHaveCount(2);
  await expect(app.cell(app.row('/keep'), 'mark')).toHaveAttribute('title', 'the one that hangs');
  await app.open('/keep');
  await expect(page.getByTestId('comment')).toHaveValue('the one that hangs');
  await expect(page.getByTestId('pin-toggle')).toHaveAttribute('aria-pressed', 'true');

  // Changed in the file: the later mark wins once saved; closing asks first until then.
  await page.getByTestId('pin-toggle').click();
  await expect(page.getByTestId('pin-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('[data-testid^="session-tab-s"]').last().getByTestId('tab-unsaved')).toBeVisible();
  await page.locator('[data-testid^="close-s"]').last().click();
  await expect(page.getByTestId('clear-dialog').getByRole('heading')).toHaveText('Close marked.cscap?');
  await page.getByTestId('clear-cancel').click();
  await saveAndReopen(page, 'unpinned.cscap');
  await expect(app.cell(app.row('/keep'), 'mark').getByTestId('pin-mark')).toHaveCount(0);
  await expect(app.cell(app.row('/keep'), 'mark')).toHaveAttribute('title', 'the one that hangs');
});

test('a pin and a comment changed in quick succession all hold: each change starts from the one before', async ({ page }) => {
  const app = await ui(page);
  await traffic(app, ['/quick']);
  await app.open('/quick');
  // No waiting between the changes: each is sent before the update of the one before arrives.
  await page.getByTestId('pin-toggle').click();
  await page.getByTestId('comment').fill('first');
  await page.getByTestId('comment').press('Enter');
  await page.getByTestId('pin-toggle').click();
  await page.getByTestId('comment').fill('second');
  await page.getByTestId('comment').press('Enter');
  await page.getByTestId('pin-toggle').click();
  const mark = app.cell(app.row('/quick'), 'mark');
  await expect(mark).toHaveAttribute('title', 'second');
  await expect(mark.getByTestId('pin-mark')).toBeVisible();
  // What the engine holds, not only what the page shows: the file saved and opened again.
  await saveAndReopen(page, 'quick.cscap');
  await expect(app.cell(app.row('/quick'), 'mark')).toHaveAttribute('title', 'second');
  await expect(app.cell(app.row('/quick'), 'mark').getByTestId('pin-mark')).toBeVisible();
});

test.describe('copy', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('puts the URL, the headers and a body, decoded or as sent, on the clipboard, from the detail and the list', async ({ page }) => {
    const app = await ui(page);
    const body = '{"feed": "news", "items": 3}';
    const gzip = gzipSync(body);
    const server = await origins.misbehaving([request(), write(response({ chunks: [{ data: gzip }], headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']] })), fin()]);
    await curl(['-sS', '-x', served.proxy, '-H', 'X-Trace: 42', `${server.url}/api/feed?x=1`]);
    await expect(app.row('/api/feed?x=1')).toHaveCount(1);
    const clipboard = () => page.evaluate('navigator.clipboard.readText()') as Promise<string>;
    const curlAgent = `curl/${/^curl (\S+)/.exec((await curl(['--version'])).output.toString())![1]}`;

    await app.open('/api/feed?x=1');
    const copy = async (item: string) => {
      await page.getByTestId('copy-menu').click();
      await page.getByTestId(item).click();
    };
    await copy('copy-url');
    await expect.poll(clipboard).toBe(`${server.url}/api/feed?x=1`);
    await copy('copy-request-headers');
    // The head as sent: through a forward proxy, curl sends the target in absolute form.
    await expect.poll(clipboard).toBe(`GET ${server.url}/api/feed?x=1 HTTP/1.1\nHost: ${new URL(server.url).host}\nUser-Agent: ${curlAgent}\nAccept: */*\nProxy-Connection: Keep-Alive\nX-Trace: 42`);
    await copy('copy-response-headers');
    await expect.poll(clipboard).toBe('HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Encoding: gzip\nTransfer-Encoding: chunked');
    await copy('copy-response-body-decoded');
    await expect.poll(clipboard).toBe(body);
    await expect(page.getByTestId('notice')).toHaveText(`copied the response body, decoded (chunk framing, gzip removed): ${body.length} bytes`);
    await copy('copy-response-body-sent');
    await expect.poll(clipboard).toBe(gzip.toString('base64'));
    await expect(page.getByTestId('notice')).toHaveText(`copied the response body, as sent (chunk framing removed): ${gzip.length} bytes, as base64: it is not text`);

    // The list's menu, on a right-click.
    await app.row('/api/feed?x=1').click({ button: 'right' });
    await expect(page.getByTestId('row-menu')).toBeVisible();
    await page.getByTestId('row-copy-url').click();
    await expect(page.getByTestId('row-menu')).toHaveCount(0);
    await page.evaluate('navigator.clipboard.writeText("")');
    await app.row('/api/feed?x=1').click({ button: 'right' });
    await page.getByTestId('row-copy-response-body-decoded').click();
    await expect.poll(clipboard).toBe(body);
  });
});

test('export selected: Ctrl+click and Shift+click choose exchanges, and the file holds exactly those, as a capture or HAR', async ({ page }) => {
  const app = await ui(page);
  await traffic(app, ['/a', '/b', '/c', '/d']);
  await app.open('/c');
  const headline = await app.headline().textContent();
  await app.row('/a').click();
  await app.row('/c').click({ modifiers: ['ControlOrMeta'] });
  await expect(app.selected()).toHaveCount(2);
  await expect(page.getByTestId('export-selected')).toHaveText('Export selected (2)…');

  await page.getByTestId('export-selected').click();
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-chosen-capture').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^chunkscope-2-exchanges-.*\.cscap$/);
  const path = test.info().outputPath('chosen.cscap');
  await download.saveAs(path);
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(page.locator('[data-testid^="session-tab-s"]').last()).toContainText('chosen.cscap');
  await expect(app.rows()).toHaveCount(2);
  await expect(app.row('/a')).toHaveCount(1);
  await expect(app.row('/c')).toHaveCount(1);
  // It reads as it did.
  await app.open('/c');
  await expect(app.headline()).toHaveText(headline!);

  // Shift+click a run in the live session; HAR from the list's menu.
  await page.getByTestId('session-tab-live').getByRole('button').first().click();
  await expect(app.rows()).toHaveCount(4);
  await app.row('/b').click();
  await app.row('/d').click({ modifiers: ['Shift'] });
  await expect(app.selected()).toHaveCount(3);
  await app.row('/c').click({ button: 'right' });
  const har = page.waitForEvent('download');
  await page.getByTestId('export-selected-har').click();
  const harPath = test.info().outputPath('chosen.har');
  await (await har).saveAs(harPath);
  const urls = JSON.parse(readFileSync(harPath, 'utf8')).log.entries.map((e: { request: { url: string } }) => new URL(e.request.url).pathname);
  expect(urls).toEqual(['/b', '/c', '/d']);
});

test('dropping a file on the page opens it in a tab of its own; a file that is not one says what is wrong and where', async ({ page }) => {
  const app = await ui(page);
  await traffic(app, ['/dropped']);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const path = test.info().outputPath('drop.cscap');
  await (await downloading).saveAs(path);

  await drop(page, 'drop.cscap', readFileSync(path));
  await expect(page.locator('[data-testid^="session-tab-s"]')).toContainText('drop.cscap');
  await expect(app.rows()).toHaveCount(1);
  await expect(app.row('/dropped')).toHaveCount(1);
  await expect(page.getByTestId('drop-hint')).toHaveCount(0);

  await drop(page, 'broken.har', Buffer.from('{"log": {"version": "1.2", "entries": [ {"request": '));
  await expect(page.getByTestId('notice')).toHaveText(/^broken\.har: .*\(at byte [\d,]+\)$/);
  await drop(page, 'notes.txt', Buffer.from('hello'));
  await expect(page.getByTestId('notice')).toHaveText('notes.txt is not a capture, a HAR or a pcap/pcapng file');
  await expect(page.locator('[data-testid^="session-tab-s"]')).toHaveCount(1);
});

test('recent files: a file opened is in the Recent menu and opens again; one gone says so', async ({ page }) => {
  const app = await ui(page);
  await traffic(app, ['/recent']);
  await saveAndReopen(page, 'recent.cscap');
  await page.locator('[data-testid^="close-s"]').click();
  await expect(page.locator('[data-testid^="session-tab-s"]')).toHaveCount(0);

  await page.reload(); // remembered across a reload (localStorage)
  await expect(app.row('/recent')).toHaveCount(1);
  await page.getByTestId('recent').click();
  await expect(page.getByTestId('recent-file').first()).toHaveText('recent.cscap');
  await page.getByTestId('recent-file').first().click();
  await expect(page.locator('[data-testid^="session-tab-s"]')).toContainText('recent.cscap');
  await expect(app.rows()).toHaveCount(1);

  // An upload the server no longer holds (as after `chunkscope serve` restarted).
  await page.evaluate(`localStorage.setItem('chunkscope:recent', JSON.stringify([{ name: 'old.cscap', where: 'upload-${'0'.repeat(32)}', how: 'opened', at: '2024-01-01T00:00:00.000Z' }]))`);
  await page.getByTestId('recent').click();
  await page.getByTestId('recent-file').click();
  await expect(page.getByTestId('notice')).toHaveText(/^old\.cscap is gone: Chunkscope keeps the files a browser opened only while chunkscope serve runs/);
  await page.getByTestId('recent').click();
  await expect(page.getByTestId('recent-file')).toHaveText('old.cscap (gone)');
});
