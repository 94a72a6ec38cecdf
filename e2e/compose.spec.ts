// The composer and replay in the app, against origins that record every byte: a chunked
// POST written with an extension and a trailer, its ledger in the detail; Edit and resend
// sending a captured request again byte for byte; picked exchanges served as a replay
// origin and fetched from it; requests sent again with their framing diff.

import { expect, test } from '@playwright/test';
import { rawOrigin, type RawConnection, type RawOrigin } from '../main/compose/test-support/raw-origin';
import { startLab, type Lab } from '../main/lab/lab';
import { curl, rawExchange } from '../main/proxy/test-support/clients';
import { fin, request, write } from '../main/proxy/test-support/origin';
import { ChunkscopePage } from './support/chunkscope-page';
import { ComposerPage } from './support/composer-page';
import { expectInsideWindow } from './support/geometry';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

let served: Served;
let lab: Lab;
const origins = new Origins();
const raw: RawOrigin[] = [];

test.beforeAll(async () => {
  served = await startServe();
  lab = await startLab();
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
});

test.afterEach(async () => {
  await origins.closeAll();
  for (const o of raw.splice(0)) await o.close();
});

/** An origin that records every byte and answers once a chunked body's last chunk and trailer section are in. */
async function chunkedOrigin(): Promise<RawOrigin> {
  const o = await rawOrigin((received) => /\r\n0+[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n$/.test(received.toString('latin1')));
  raw.push(o);
  return o;
}

/** Connection `n` (from 0) of a raw origin, once it has closed. */
async function connection(o: RawOrigin, n: number): Promise<RawConnection> {
  await expect.poll(() => o.connections.length).toBeGreaterThan(n);
  await o.connections[n]!.closed;
  return o.connections[n]!;
}

test('compose a chunked POST with an extension and a trailer: its ledger in the detail, its bytes at the origin', async ({ page }) => {
  const origin = await chunkedOrigin();
  const host = `127.0.0.1:${origin.port}`;
  const wire = `POST /upload HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n05;ext=1\r\nhello\r\n6\r\nworld!\r\n0\r\nX-Checksum: 42\r\n\r\n`;
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  const composer = new ComposerPage(page);
  await composer.openNew();
  await composer.to(host);
  await composer.field('Host').getByTestId('field-value').fill(host);
  await composer.chunk(1).getByTestId('chunk-size').fill('05');
  await composer.chunk(1).getByTestId('chunk-ext').fill(';ext=1');
  await page.getByTestId('add-chunk').click();
  await composer.chunk(2).getByTestId('chunk-data').fill('world!');
  // The size token follows its data, as it was written.
  await expect(composer.chunk(2).getByTestId('chunk-size')).toHaveValue('6');
  await page.getByTestId('add-trailer').click();
  await page.getByTestId('trailer').fill('X-Checksum: 42');
  await expect(page.getByTestId('plan-summary')).toHaveText(`1 request, ${wire.length} bytes`);
  // Out of sight (the Connections view) and back, the draft is kept.
  await app.view('connections');
  await app.view('sessions');
  await expect(page.getByTestId('trailer')).toHaveValue('X-Checksum: 42');

  // The text form says the same; a mistake typed there is shown at its line.
  const text = await composer.planText();
  expect(text).toBe(`to http://${host}\n\nPOST /upload HTTP/1.1\nHost: ${host}\nTransfer-Encoding: chunked\n\nchunk 05;ext=1 "hello"\nchunk "world!"\nlast\ntrailer X-Checksum: 42\n`);
  await composer.text().fill(text.replace('chunk "world!"', 'chunk 5G'));
  await expect(page.getByTestId('plan-error')).toContainText('Line 8, column 7: the size "5G" is not hexadecimal');
  await expect(page.getByTestId('plan-error-line')).toHaveText('8');
  await expect(page.getByTestId('compose-send')).toBeDisabled();
  await composer.text().fill(text);
  await expect(page.getByTestId('plan-error')).toHaveCount(0);
  await composer.tab('form');
  await expect(composer.chunk(2).getByTestId('chunk-data')).toHaveValue('world!');

  await composer.send('directly');
  // The new exchange is selected in the live session: the request's ledger, the last chunk and its trailer, the account.
  await expect(app.sizeTokens()).toHaveText(['05', '6']);
  await expect(page.getByTestId('chunk').first().locator('[data-col="extensions"]')).toHaveText(';ext=1');
  await expect(page.getByTestId('last-chunk')).toContainText('X-Checksum: 42');
  await expect(app.headline()).toContainText('complete');
  await expect(page.getByTestId('client-line')).toHaveText("send made by Chunkscope's composer");
  const got = await connection(origin, 0);
  expect(got.received.toString('latin1')).toBe(wire);
  await page.getByTestId('composer-close').click();
  await expect(app.selected()).toHaveCount(1);
  await expect(app.cell(app.selected(), 'path')).toHaveText('/upload');
  await app.screenshot('compose-chunked-post');
});

test('two requests pipelined on one connection, written as text; then the connection reset after byte 20, chosen in the form', async ({ page }) => {
  await ChunkscopePage.open(page, served, { capturing: true });
  const composer = new ComposerPage(page);
  await composer.openNew();
  await composer.tab('text');
  await composer.text().fill(`to ${lab.url}\npipeline\n\nGET /ok HTTP/1.1\nHost: lab\n\n---\nGET /trailers HTTP/1.1\nHost: lab\n`);
  await expect(page.getByTestId('plan-summary')).toHaveText('2 requests, 68 bytes');
  await composer.send('directly');
  await expect(page.getByTestId('compose-result-exchange')).toHaveCount(2);
  await expect(page.getByTestId('compose-result-exchange')).toHaveText([/^c\d+ · request #1$/, /^c\d+ · request #2$/]);
  await composer.tab('form');
  await expect(page.getByTestId('compose-request-tab')).toHaveCount(2);
  await expect(page.getByTestId('compose-pipeline')).toBeChecked();

  // The same plan, cut: an RST after byte 20, chosen in the form; the origin gets those 20 bytes and the reset.
  const origin = await rawOrigin();
  raw.push(origin);
  await composer.to(`127.0.0.1:${origin.port}`);
  await page.getByTestId('compose-end-how').selectOption('rst');
  await page.getByTestId('compose-end-after').selectOption('byte');
  await page.getByTestId('compose-end-byte').fill('20');
  await expect(page.getByTestId('plan-notes')).toContainText('Chunkscope resets the connection (RST) after byte 20: the bytes after it are never sent');
  expect(await composer.planText()).toMatch(/\nend rst after byte 20\n$/);
  await page.getByTestId('compose-send').click();
  const cut = await connection(origin, 0);
  expect(cut.received.toString('latin1')).toBe('GET /ok HTTP/1.1\r\nHo');
  expect(cut.end).toBe('rst');
});

test('Edit and resend sends a captured request again byte for byte, directly or through the proxy', async ({ page }) => {
  const origin = await chunkedOrigin();
  const at = `127.0.0.1:${origin.port}`;
  // Odd on purpose: a zero-padded upper-case size with an extension, a header's case, a padded last chunk and a trailer.
  const sent = `POST http://${at}/up HTTP/1.1\r\nHost: ${at}\r\nX-Case: MiXeD\r\nTransfer-Encoding: chunked\r\n\r\n05DC;a=1\r\n${'z'.repeat(1500)}\r\n3\r\nabc\r\n0000\r\nX-T: 1\r\n\r\n`;
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  await rawExchange(served.proxyPort, sent);
  const composer = new ComposerPage(page);
  await app.open('/up');
  await page.getByTestId('edit-resend').click();
  await expect(composer.root()).toContainText('Edit and resend of c');
  expect(await composer.planText()).toContain('X-Case: MiXeD\nTransfer-Encoding: chunked\n\nchunk 05DC;a=1 "z" * 1500\nchunk "abc"\nlast 0000\ntrailer X-T: 1\n');

  await composer.send('directly');
  expect((await connection(origin, 1)).received.toString('latin1')).toBe(sent);
  // Through the proxy, the origin gets what it got the first time (the proxy fits the request line as it did then).
  await composer.send('through the proxy');
  expect((await connection(origin, 2)).received.equals((await connection(origin, 0)).received)).toBe(true);
  await expect(app.sizeTokens()).toHaveText(['05DC', '3']);

  // From a row's context menu too.
  await page.getByTestId('composer-close').click();
  await expect(app.row('/up')).toHaveCount(3);
  await composer.rowMenu(app.row('/up').first(), 'edit-resend');
  expect(await composer.planText()).toContain('chunk 05DC;a=1 "z" * 1500\n');
});

test('chosen exchanges served as a replay origin on a port the app shows, until stopped', async ({ page }) => {
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  const original = await curl(['-sS', '-x', served.proxy, `${lab.url}/trailers`]);
  await curl(['-sS', '-x', served.proxy, `${lab.url}/ok`]);
  await curl(['-sS', '-x', served.proxy, `${lab.url}/no-terminator`]);
  await expect(app.rows()).toHaveCount(3);
  await app.row('/trailers').click();
  await app.row('/ok').click({ modifiers: ['ControlOrMeta'] });
  await expect(app.selected()).toHaveCount(2);

  const composer = new ComposerPage(page);
  await composer.openReplay();
  await page.getByTestId('serve-chosen').click();
  await expect(page.getByTestId('replay-origin')).toContainText('Serving 2 exchanges at');
  const url = (await page.getByTestId('replay-url').textContent())!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByTestId('replay-status')).toContainText(`replay origin ${url} (2 exchanges)`);
  await app.screenshot('replay-origin');

  // A client that connects to it directly gets the captured bytes; an exchange not picked is not served.
  const replayed = await curl(['-sS', `${url}/trailers`]);
  expect(replayed.status).toBe(0);
  expect(replayed.output.equals(original.output)).toBe(true);
  const missing = await curl(['-sS', `${url}/no-terminator`]);
  expect(missing.output.toString()).toContain('Chunkscope replay: the exchanges served have none for GET /no-terminator');

  await page.getByTestId('replay-stop').click();
  await expect(page.getByTestId('replay-origin')).toHaveCount(0);
  await expect(page.getByTestId('replay-status')).toHaveCount(0);
  expect((await curl(['-sS', `${url}/ok`])).status).toBe(7); // curl: could not connect
});

test('requests sent again show the framing diff: the second answer lost its last chunk', async ({ page }) => {
  const answer = (body: string) => `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  // The first connection's answers are whole; on the next ones the second answer's last chunk never comes.
  const origin = await origins.misbehaving((i) => [request(), write(answer('one')), request(), write(i === 0 ? answer('two') : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n'), fin()]);
  const get = (path: string) => `GET http://127.0.0.1:${origin.port}${path} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\n\r\n`;
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  await rawExchange(served.proxyPort, get('/a') + get('/b'));
  await expect(app.rows()).toHaveCount(2);
  await app.row('/a').click();
  await app.row('/b').click({ modifiers: ['Shift'] });
  const composer = new ComposerPage(page);
  await composer.rowMenu(app.row('/b'), 'resend-fast');

  const view = page.getByTestId('resend-view');
  await expect(view.getByTestId('resend-summary')).toHaveText('2 requests, fast: 1 answer framed differently');
  const rows = view.getByTestId('resend-request');
  await expect(rows.nth(0).getByTestId('resend-differences')).toHaveText('same framing');
  await expect(rows.nth(1).getByTestId('resend-captured')).toHaveText('200 chunked 3, last chunk present');
  await expect(rows.nth(1).getByTestId('resend-now')).toHaveText('200 chunked 3, last chunk MISSING');
  await expect(rows.nth(1).getByTestId('resend-differences')).toHaveText('last chunk present → missing');
  await expect(view.getByTestId('resend-connections')).toContainText('server FIN after 2 responses then, server FIN after 1 response now');
  await app.screenshot('resend-diff');
  // The new exchange, shown beside: its account says what the diff says.
  await rows.nth(1).getByTestId('resend-new').click();
  await expect(app.headline()).toContainText('no last chunk');

  // With their original timing, from the Replay panel.
  await page.getByTestId('resend-close').click();
  await app.row('/a').first().click();
  await app.row('/b').first().click({ modifiers: ['Shift'] });
  await composer.openReplay();
  await page.getByTestId('resend-timing').selectOption('original');
  await page.getByTestId('resend-chosen').click();
  await expect(view.getByTestId('resend-summary')).toHaveText('2 requests, with their original timing: 1 answer framed differently');
});

for (const [width, height] of [
  [1024, 700],
  [1400, 900],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${width}×${height} ${scheme}`, () => {
      test.use({ viewport: { width, height }, colorScheme: scheme });
      const tag = `${width}x${height}-${scheme}`;

      test('the composer, its text with a mistake, the framing diff and the replay panel fit the window', async ({ page }) => {
        const origin = await chunkedOrigin();
        const app = await ChunkscopePage.open(page, served, { capturing: true });
        await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
        const composer = new ComposerPage(page);
        await composer.openNew();
        await composer.to(`127.0.0.1:${origin.port}`);
        await page.getByTestId('add-trailer').click();
        await page.getByTestId('trailer').fill('X-Checksum: 42');
        await expectInsideWindow(page);
        await expect(page.getByTestId('compose-send')).toBeInViewport();
        await expect(page.getByTestId('composer-close')).toBeInViewport();
        await app.screenshot(`${tag}-composer`);

        // Sent: the detail beside the composer, both on screen.
        await composer.send('directly');
        await expect(app.sizeTokens()).toHaveText(['5']);
        await expectInsideWindow(page);
        await app.screenshot(`${tag}-composer-sent`);

        const text = await composer.planText();
        await composer.text().fill(text.replace('chunk "hello"', 'chunk 5G'));
        await expect(page.getByTestId('plan-error-line')).toBeInViewport();
        await expect(page.getByTestId('plan-error')).toBeInViewport();
        await expectInsideWindow(page);
        await app.screenshot(`${tag}-composer-text`);

        await page.getByTestId('composer-close').click();
        await app.rows().first().click({ button: 'right' });
        await expect(page.getByTestId('row-menu')).toBeInViewport({ ratio: 1 });
        await app.screenshot(`${tag}-row-menu`);
        await page.getByTestId('menu-resend-fast').click();
        await expect(page.getByTestId('resend-request')).toHaveCount(1);
        await expectInsideWindow(page);
        await app.screenshot(`${tag}-resend`);

        await page.getByTestId('resend-close').click();
        await app.rows().first().click();
        await composer.openReplay();
        await page.getByTestId('serve-chosen').click();
        await expect(page.getByTestId('replay-origin')).toBeVisible();
        await expect(page.getByTestId('replay-stop')).toBeInViewport();
        await expectInsideWindow(page);
        await app.screenshot(`${tag}-replay`);
        await page.getByTestId('replay-stop').click();
        await expect(page.getByTestId('replay-origin')).toHaveCount(0);
      });
    });
  }
}
