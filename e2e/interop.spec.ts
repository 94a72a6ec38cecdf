// Interop in the app: Save as HAR and open it again, open a browser's HAR (framing
// unknown, not invented), and copy a request as curl.

import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { response } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, rst, wait, write, type Origin, type Step } from '../main/proxy/test-support/origin';
import { captureProblem, startCapture } from '../main/import/pcap/test-support/capturer';
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

const misbehaving = (steps: Step[]): Promise<Origin> => origins.misbehaving(steps);

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });

test('Save as HAR downloads the session; opening that HAR shows the chunks as sent and the missing last chunk', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([request(), write(response({ chunks: [1500, 1405], terminator: false })), fin()]);
  await curl(['-x', served.proxy, `${server.url}/har-feed`]);
  await expect(app.row('/har-feed')).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save-har').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.har$/);
  const path = test.info().outputPath('session.har');
  await download.saveAs(path);
  await app.clear();
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(app.row('/har-feed')).toHaveCount(1);
  await expect(page.getByTestId('imported')).toContainText('imported from a HAR');
  await expect(app.cell(app.row('/har-feed'), 'last chunk')).toHaveText('MISSING');
  await app.open('/har-feed');
  await expect(app.sizeTokens()).toHaveText(['5DC', '57D']);
});

test('Save as HAR cuts bodies at the size chosen, and the HAR says so', async ({ page }) => {
  const app = await ui(page);
  const body = 'x'.repeat(100 * 1024);
  const server = await misbehaving([request(), write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`), fin()]);
  await curl(['-x', served.proxy, `${server.url}/large`]);
  await expect(app.row('/large')).toHaveCount(1);
  await page.getByTestId('har-max-body').selectOption({ label: 'bodies ≤ 64 KiB' });
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save-har').click();
  const path = test.info().outputPath('cut.har');
  await (await downloading).saveAs(path);
  const content = JSON.parse(readFileSync(path, 'utf8')).log.entries[0].response.content;
  expect(content._truncated).toEqual({ kept: 65536, size: 102400 });
  expect(content.text).toHaveLength(65536);
});

test('a browser HAR without chunk data: the exchange is shown, its framing says unknown', async ({ page }) => {
  const app = await ui(page);
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      entries: [
        {
          startedDateTime: '2026-11-23T10:00:00.000Z',
          time: 50,
          request: { method: 'GET', url: 'https://news.example/rss', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Host', value: 'news.example' }], queryString: [], headersSize: -1, bodySize: 0 },
          response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Transfer-Encoding', value: 'chunked' }, { name: 'Content-Type', value: 'application/rss+xml' }], content: { size: 6, mimeType: 'application/rss+xml', text: '<rss/>' }, redirectURL: '', headersSize: -1, bodySize: -1 },
          cache: {},
          timings: { send: 1, wait: 40, receive: 9 },
        },
      ],
    },
  };
  const path = test.info().outputPath('browser.har');
  writeFileSync(path, JSON.stringify(har));
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(app.row('/rss')).toHaveCount(1);
  await expect(app.cell(app.row('/rss'), 'framing')).toHaveText('unknown');
  await app.open('/rss');
  await expect(page.getByTestId('detail')).toContainText('Framing unknown: imported from a HAR without chunk data');
  // Where the decrypted bytes came from, truly: the browser, not Chunkscope.
  await expect(page.getByTestId('tls')).toHaveText('HTTPS, as the browser recorded it in the HAR (decrypted by the browser, not by Chunkscope)');
});

test('copy as curl shows a command that sends the request again', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([request(), write('HTTP/1.1 204 No Content\r\n\r\n'), fin()]);
  await curl(['-x', served.proxy, '-X', 'PUT', '-H', 'X-Trace: it is 1', '--data-binary', 'payload', `${server.url}/curl-me`]);
  await expect(app.row('/curl-me')).toHaveCount(1);
  await app.open('/curl-me');
  await page.getByTestId('copy-curl').click();
  const command = page.getByTestId('curl-command');
  await expect(command).toContainText("-X PUT -H 'Host: 127.0.0.1:");
  await expect(command).toContainText("-H 'X-Trace: it is 1'");
  await expect(command).toContainText(`--data-raw 'payload' ${server.url}/curl-me`);
  // The request went to the proxy: Proxy-Connection was for it, and is left out.
  await expect(command).not.toContainText('Proxy-Connection');
});

test(`a tcpdump capture opens like a live one: the reset mid-chunk from the TCP flags${captureProblem('tcpdump') ? ` (skipped: ${captureProblem('tcpdump')})` : ''}`, async ({ page }) => {
  test.skip(captureProblem('tcpdump') !== null, captureProblem('tcpdump') ?? '');
  const app = await ui(page);
  const server = await misbehaving([request(), write(response({ chunks: [1500, 1405], terminator: false }).subarray(0, 2259)), wait(50), rst()]);
  const path = test.info().outputPath('prod.pcap');
  const capture = await startCapture('tcpdump', path, server.port);
  try {
    expect((await curl([`${server.url}/pcap-download`])).status).toBe(56);
  } finally {
    await capture.stop();
  }
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(page.getByTestId('imported')).toContainText('imported from a packet capture');
  await expect(app.row('/pcap-download')).toHaveCount(1);
  await expect(app.cell(app.row('/pcap-download'), 'ended')).toContainText('server RST');
  await app.open('/pcap-download');
  await expect(app.sizeTokens()).toHaveText(['5DC', '57D']);
});
