// HTTPS through `chunkscope serve`: Chromium, told to accept the Chunkscope CA by its
// SPKI hash (the flag the README gives), loads a page from a local TLS origin with no
// certificate error; the app shows the decrypted exchange, its chunks and its TLS. A
// Chromium without the flag refuses our certificate, and the app says so in words.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import { response } from '../main/http1/test-support/builders';
import { fin, request, write, type Origin } from '../main/proxy/test-support/origin';
import { CertificateAuthority } from '../main/tls/ca';
import { tlsOrigin, tlsWorld, type TlsWorld } from '../main/tls/test-support/tls-world';
import { ChunkscopePage } from './support/chunkscope-page';
import { ComposerPage } from './support/composer-page';
import { startServe, type Served } from './support/serve';

let served: Served;
let world: TlsWorld;
let server: Origin & { httpsUrl: string };
let spki: string;
const browsers: Browser[] = [];

const CHUNKS = ['<!doctype html><title>through Chunkscope</title>', '<h1>first chunk</h1>', '<p>second chunk</p>'];
const page = () =>
  response({
    headers: [
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Transfer-Encoding', 'chunked'],
      ['Connection', 'close'],
    ],
    chunks: CHUNKS.map((data) => ({ data })),
  });

test.beforeAll(async () => {
  world = await tlsWorld();
  // Every connection (the page, then the favicon) gets the same chunked page.
  server = await tlsOrigin(world, () => [request(), write(page()), fin()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
  spki = (await CertificateAuthority.load(dataDir)).spki();
  // The origin's CA is trusted the way a user adds one for Node: NODE_EXTRA_CA_CERTS.
  const originCa = join(dataDir, '..', `origin-ca-${process.pid}.pem`);
  writeFileSync(originCa, world.originCa.certPem);
  served = await startServe([], { dataDir, env: { NODE_EXTRA_CA_CERTS: originCa } });
});

test.afterAll(async () => {
  for (const b of browsers) await b.close();
  await served.stop();
  await server.close();
});

/** A Chromium whose traffic, loopback included, goes through the proxy. */
async function proxiedChromium(trustFlag: boolean, proxy = served.proxy): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--proxy-server=${proxy}`,
      '--proxy-bypass-list=<-loopback>',
      ...(trustFlag ? [`--ignore-certificate-errors-spki-list=${spki}`] : []),
    ],
  });
  browsers.push(browser);
  return browser;
}

const ui = (pageUi: import('@playwright/test').Page): Promise<ChunkscopePage> => ChunkscopePage.open(pageUi, served);

test('Chromium with the SPKI flag loads an https page through the proxy, and the app shows it decrypted', async ({ page: uiPage }) => {
  const app = await ui(uiPage);
  await expect(uiPage.getByTestId('https-status')).toContainText('HTTPS intercepted');
  await expect(uiPage.getByTestId('insecure-upstream')).toHaveCount(0);

  const browser = await proxiedChromium(true);
  const tab = await browser.newPage();
  const loaded = await tab.goto(`${server.httpsUrl}/feed.html`);
  expect(loaded?.status()).toBe(200);
  await expect(tab.locator('h1')).toHaveText('first chunk');
  await expect(tab.locator('p')).toHaveText('second chunk');
  const security = await loaded!.securityDetails();
  expect(security?.issuer).toMatch(/^Chunkscope CA/);
  expect(security?.protocol).toMatch(/TLS 1\.[23]/);
  await tab.screenshot({ path: test.info().outputPath('chromium-https-page.png') });

  const row = app.row('/feed.html');
  await expect(row.getByTestId('https')).toBeVisible();
  await expect(app.cell(row, 'host')).toContainText(`127.0.0.1:${server.port}`);
  await expect(app.cell(row, 'chunks')).toHaveText('3');
  await expect(app.cell(row, 'last chunk')).not.toHaveText('MISSING');
  const connect = app.rows().filter({ has: uiPage.locator('[data-col="method"]', { hasText: /^CONNECT$/ }) }).first();
  await expect(app.cell(connect, 'framing')).toHaveText('decrypted');
  await app.open('/feed.html');
  await expect(app.sizeTokens()).toHaveText(CHUNKS.map((c) => c.length.toString(16).toUpperCase())); // as sent
  await expect(uiPage.getByTestId('tls')).toContainText('HTTPS decrypted by Chunkscope');
  await expect(uiPage.getByTestId('tls')).toContainText('ALPN http/1.1');
  await expect(uiPage.getByTestId('tls')).toContainText('certificate verified');
  await app.screenshot('https-decrypted');
});

test('Chromium without the flag refuses our certificate; the app says why and how to trust the CA', async ({ page: uiPage }) => {
  const app = await ui(uiPage);
  const browser = await proxiedChromium(false);
  const tab = await browser.newPage();
  await expect(tab.goto(`${server.httpsUrl}/refused.html`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  const row = app.rows().filter({ has: uiPage.locator('[data-col="host"]', { hasText: `127.0.0.1:${server.port}` }) });
  await expect(app.cell(row, 'method')).toHaveText('CONNECT');
  await expect(app.cell(row, 'framing')).toHaveText('TLS failed');
  await row.click();
  await expect(uiPage.getByTestId('tls-failure')).toContainText("refused Chunkscope's certificate");
  await expect(uiPage.getByTestId('tls-failure')).toContainText(spki);
  await app.screenshot('https-refused');
});

test('with --insecure-upstream the status bar says origin certificates are not verified, and an untrusted origin loads', async ({ page: uiPage }) => {
  const insecure = await startServe(['--insecure-upstream'], { dataDir: served.dataDir }); // the same CA, no trust in the origin's
  try {
    const app = new ChunkscopePage(uiPage);
    await uiPage.goto(insecure.ui);
    await expect(uiPage.getByTestId('insecure-upstream')).toHaveText('origin certificates NOT verified (--insecure-upstream)');
    await app.clear();
    const browser = await proxiedChromium(true, insecure.proxy);
    const tab = await browser.newPage();
    expect((await tab.goto(`${server.httpsUrl}/untrusted.html`))?.status()).toBe(200);
    await app.open('/untrusted.html');
    await expect(uiPage.getByTestId('tls')).toContainText('certificate NOT verified');
    await app.screenshot('https-insecure-upstream');
  } finally {
    await insecure.stop();
  }
});

test('the composer sends a chunked POST to an https origin, through the proxy (decrypted) and directly, byte for byte', async ({ page: uiPage }) => {
  const upload = await tlsOrigin(world, () => [request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), fin()]);
  try {
    const host = `127.0.0.1:${upload.port}`;
    const wire = `POST /upload HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n05;ext=1\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n`;
    const app = await ChunkscopePage.open(uiPage, served, { capturing: true });
    const composer = new ComposerPage(uiPage);
    await composer.openNew();
    await composer.tab('text');
    await composer.text().fill(`to https://${host}\n\nPOST /upload HTTP/1.1\nHost: ${host}\nTransfer-Encoding: chunked\n\nchunk 05;ext=1 "hello"\nchunk "world!"\nlast\n`);
    await expect(uiPage.getByTestId('plan-summary')).toHaveText(`1 request, ${wire.length} bytes`);

    // Through the proxy: a CONNECT, decrypted; the request's ledger as sent, inside TLS.
    await composer.send('through the proxy');
    await expect(app.sizeTokens()).toHaveText(['05', '6']);
    await expect(uiPage.getByTestId('tls')).toContainText('HTTPS decrypted by Chunkscope');
    await expect(uiPage.getByTestId('tls')).toContainText('certificate verified');
    await expect(app.headline()).toContainText('complete');
    await expect.poll(() => upload.connections.length).toBe(1);
    await expect.poll(() => upload.connections[0]!.received.toString('latin1')).toBe(wire);

    // Directly: Chunkscope's own TLS connection to the origin, the same bytes.
    await composer.send('directly');
    await expect(app.sizeTokens()).toHaveText(['05', '6']);
    await expect(uiPage.getByTestId('client-line')).toHaveText("send made by Chunkscope's composer");
    // Nothing was decrypted: Chunkscope was the client.
    await expect(uiPage.getByTestId('tls')).toHaveText(/^Chunkscope's own HTTPS connection to the origin · TLSv1\.[23], ALPN http\/1\.1, /);
    await expect.poll(() => upload.connections.length).toBe(2);
    await expect.poll(() => upload.connections[1]!.received.toString('latin1')).toBe(wire);
    await app.screenshot('compose-https');
  } finally {
    await upload.close();
  }
});
