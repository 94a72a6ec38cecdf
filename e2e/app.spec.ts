// The app in Chromium against `chunkscope serve`, with curl and a raw client sending
// requests through its proxy to local origins that misbehave on purpose.

import net from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { Http1Parser } from '../main/http1';
import { response, text } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, rst, wait, write, type Origin, type Step } from '../main/proxy/test-support/origin';
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

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });

test('a response whose last chunk never came: the row, the ledger as sent, the missing marker', async ({ page }) => {
  const app = await ui(page);
  // Two chunks 100 ms apart (two reads, two marks), then FIN 200 ms later.
  const cut = 47 + 5 + 1500 + 2;
  const server = await misbehaving([request(), write(twoChunksNoEnd.subarray(0, cut)), wait(100), write(twoChunksNoEnd.subarray(cut)), wait(200), fin()]);
  const result = await curl(['-x', served.proxy, `${server.url}/news.xml`]);
  expect(result.status).toBe(18); // curl: transfer closed with outstanding read data remaining

  const row = app.row('/news.xml');
  await expect(app.cell(row, 'last chunk')).toHaveText('MISSING');
  await expect(app.cell(row, 'ended')).toHaveText('server FIN');
  await expect(app.cell(row, 'chunks')).toHaveText('2');
  await expect(app.cell(row, 'anomalies')).toHaveText('1');
  await app.screenshot('missing-terminator-row');

  await app.open('/news.xml');
  await expect(app.sizeTokens()).toHaveText(['5DC', '57D']);
  await expect(app.headline()).toHaveText(/^no last chunk: the server closed the connection \(FIN\) \d+ ms after chunk #2, at byte 2,966$/);
  // The origin waited 200 ms before its FIN. A busy machine can read the last chunk late (the
  // gap then looks shorter) or the FIN late (longer): the gap is there, not its exact size.
  expect(Number(/(\d+) ms/.exec((await app.headline().textContent()) ?? '')![1])).toBeGreaterThanOrEqual(50);
  await app.screenshot('missing-terminator-ledger');

  await app.tab('timeline');
  await expect(page.getByTestId('missing-marker')).toContainText('last chunk missing');
  await expect(page.getByTestId('close-marker')).toContainText('server FIN');
  await expect(page.getByTestId('timeline-summary')).toHaveText(/^2 chunks over \d+ ms$/);
  // Two marks, one per chunk, stepped through with the keys.
  await expect(await app.timelineStep('ArrowRight')).toContainText('chunk #1 of the response');
  await expect(await app.timelineStep('ArrowRight')).toContainText('chunk #2 of the response');
  await expect(page.getByTestId('timeline-tip')).toContainText('size as sent 57D (1,405 bytes)');
  await app.screenshot('missing-terminator-timeline');
});

test('a reset from the server in the middle of a chunk reads as the server RST', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([request(), write(twoChunksNoEnd.subarray(0, 2259)), wait(50), rst()]);
  expect((await curl(['-x', served.proxy, `${server.url}/download.bin`])).status).toBe(56);
  const row = app.row('/download.bin');
  await expect(app.cell(row, 'ended')).toHaveText('server RST');
  await expect(app.cell(row, 'last chunk')).toHaveText('MISSING');
  await app.open('/download.bin');
  await expect(app.headline()).toHaveText('no last chunk: the server reset the connection (RST) in the middle of chunk #2 (700 of 1,405 bytes), at byte 2,259');
  await app.tab('timeline');
  await expect(page.getByTestId('close-marker')).toContainText('server RST');
  await app.screenshot('rst-mid-chunk');
});

/**
 * What the Connections view shows of the lanes: the canvas's pixels, and the request under
 * the pointer at a few places where the first lane draws an exchange (its bars run from 10
 * px below the lane's top).
 */
async function drawnLanes(page: Page): Promise<{ pixels: string; tips: string[] }> {
  const canvas = page.locator('.lanes canvas');
  const { pixels, drawn } = await canvas.evaluate((element) => {
    const c = element as unknown as { width: number; toDataURL(): string; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const ratio = c.width / element.getBoundingClientRect().width;
    const line = c.getContext('2d').getImageData(0, Math.round(20 * ratio), c.width, 1).data;
    const xs: number[] = [];
    for (let x = 0; x < c.width; x++) if (line[4 * x + 3]! > 0) xs.push(x / ratio);
    return { pixels: c.toDataURL(), drawn: xs };
  });
  expect(drawn.length).toBeGreaterThan(100);
  const box = (await canvas.boundingBox())!;
  const lane = (await page.getByTestId('lane').first().boundingBox())!;
  const tips: string[] = [];
  for (const at of [0.01, 0.3, 0.6, 0.99]) {
    await page.mouse.move(box.x + drawn[Math.floor(at * (drawn.length - 1))]! + 0.5, lane.y + 20);
    const tip = page.getByTestId('lane-tip');
    await expect(tip).toContainText('request #');
    tips.push((await tip.textContent())!);
  }
  await page.mouse.move(0, 0);
  return { pixels, tips };
}

test('a keep-alive connection reset after 4,000 chunked POSTs: 4,001 requests and the RST, at a glance', async ({ page }) => {
  test.setTimeout(120_000);
  const app = await ui(page);
  // The lanes are drawn as the requests come: each update brings a lane's new spans only.
  await app.view('connections');
  const steps: Step[] = [...Array.from({ length: 4000 }, () => [request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')]).flat(), request(), rst()];
  const server = await misbehaving(steps);
  const post = Buffer.from(`POST http://127.0.0.1:${server.port}/items HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n`);
  let responses = 0;
  await new Promise<void>((resolve) => {
    const socket = net.connect({ port: served.proxyPort, host: '127.0.0.1' }, () => socket.write(post));
    const parser = new Http1Parser('response');
    socket.on('data', (d) => {
      for (const e of parser.feed(d)) {
        if (e.type === 'message-complete') {
          responses++;
          socket.write(post);
        }
      }
    });
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
  expect(responses).toBe(4000);

  await expect(page.getByTestId('exchange-count')).toHaveText('4,001 exchanges');
  await app.view('connections');
  const lane = page.getByTestId('lane').first();
  await expect(lane.getByTestId('lane-summary')).toHaveText('4,001 requests · 4,000 answered');
  await expect(lane.getByTestId('lane-end')).toContainText('the server reset the connection (RST)');
  await expect(lane.getByTestId('lane-end-marker')).toContainText('server RST');
  await expect(lane.locator('rect')).not.toHaveCount(4001); // counts per pixel range, not 4,001 boxes
  await app.screenshot('four-thousand-posts-lane');
  // Zoomed to the connection, its 4,001 requests across the width: the lane put together from
  // the live updates draws as the one a page gets whole when it loads, and tells the same requests.
  await lane.dblclick();
  await expect(page.getByTestId('lanes-range')).toContainText('zoomed to c');
  const live = await drawnLanes(page);
  // Along the lane, requests from its first to its last.
  const requests = live.tips.map((tip) => Number(/request #([\d,]+?)(?=[A-Z])/.exec(tip)![1]!.replace(/,/g, '')));
  expect(requests[0]).toBeLessThan(400);
  expect(requests[3]).toBeGreaterThan(3000);
  expect([...requests].sort((a, b) => a - b)).toEqual(requests);
  await page.reload();
  await app.view('connections');
  await expect(page.getByTestId('lane').first().getByTestId('lane-summary')).toHaveText('4,001 requests · 4,000 answered');
  await page.getByTestId('lane').first().dblclick();
  await expect(page.getByTestId('lanes-range')).toContainText('zoomed to c');
  expect(await drawnLanes(page)).toEqual(live);

  // The lane opens that connection's exchanges; the last one is the unanswered one.
  await lane.click();
  await expect(page.getByTestId('shown-count')).toHaveText('4,001 exchanges');
  await page.getByTestId('sessions').focus();
  await page.keyboard.press('End');
  await expect(app.cell(app.selected(), 'req')).toHaveText('#4001');
  // The number shows whole, not "#40…".
  expect(await app.cell(app.selected(), 'req').evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
  await expect(app.cell(app.selected(), 'req body')).toHaveText('chunked');
  await expect(app.cell(app.selected(), 'ended')).toHaveText('server RST');
  await expect(app.cell(app.selected(), 'status')).toHaveText('');
  await expect(app.cell(app.selected(), 'anomalies')).toHaveText('1');
  await page.keyboard.press('Enter');
  await expect(app.headline()).toHaveText(
    'no response: the server reset the keep-alive connection (RST) after answering 4,000 requests on it; request #4001 was sent (chunked, 4 bytes) and never answered',
  );
  await expect(page.getByTestId('hint')).toContainText('dechunk-requests');
  await expect(page.getByTestId('anomalies')).toContainText('closed-early');
  await app.screenshot('four-thousand-posts-last');
  // The error filter finds it: the one exchange of 4,001 that went wrong.
  await app.filter('error');
  await expect(app.rows()).toHaveCount(1);
  await expect(app.cell(app.rows().first(), 'req')).toHaveText('#4001');
});

test('filtering and keyboard navigation', async ({ page }) => {
  const app = await ui(page);
  const good = await misbehaving([request(), write(response({ chunks: [{ data: 'fine' }] })), fin()]);
  const bad = await misbehaving([request(), write(twoChunksNoEnd), fin()]);
  await curl(['-x', served.proxy, `${good.url}/ok`]);
  await curl(['-x', served.proxy, `${bad.url}/broken`]);
  await curl(['-x', served.proxy, '-X', 'POST', '-d', 'x=1', `${good.url}/posted`]);
  await expect(app.rows()).toHaveCount(3);

  await app.filter('missing-terminator');
  await expect(app.rows()).toHaveCount(1);
  await expect(app.cell(app.rows().first(), 'path')).toHaveText('/broken');
  await app.filter('method:post');
  await expect(app.rows()).toHaveCount(1);
  await expect(app.cell(app.rows().first(), 'path')).toHaveText('/posted');
  await app.filter('-framing:chunked');
  await expect(app.rows()).toHaveCount(0);
  await app.filter('status:2xx');
  await expect(app.rows()).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('filter')).toHaveValue('');

  await page.getByTestId('sessions').focus();
  await page.keyboard.press('ArrowDown');
  await expect(app.cell(app.selected(), 'path')).toHaveText('/ok');
  await page.keyboard.press('ArrowDown');
  await expect(app.cell(app.selected(), 'path')).toHaveText('/broken');
  await page.keyboard.press('ArrowUp');
  await expect(app.cell(app.selected(), 'path')).toHaveText('/ok');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('detail')).toBeFocused();
  await app.screenshot('keyboard-navigation');
});

test('the raw view colours framing bytes and jumps to an anomaly', async ({ page }) => {
  const app = await ui(page);
  const bareLf = text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\n0\r\n\r\n');
  const server = await misbehaving([request(), write(bareLf), fin()]);
  await curl(['-x', served.proxy, `${server.url}/bare-lf`]);
  await app.open('/bare-lf');
  await page.getByTestId('anomaly').first().click();
  await expect(page.getByTestId('raw')).toBeVisible();
  const target = page.locator('.raw-hex .target');
  await expect(target).toHaveText('0a');
  await expect(target).toHaveAttribute('data-byte', '66'); // 47 + "5;name=value\r\n" (14) + "hello" (5)
  await expect(page.locator('.raw-hex [data-byte="47"]')).toHaveClass(/k-size-line/);
  await expect(page.locator('.raw-hex [data-byte="48"]')).toHaveClass(/k-extension/);
  await expect(page.locator('.raw-hex [data-byte="62"]')).toHaveClass(/k-data/);
  await expect(page.locator('.raw-hex [data-byte="0"]')).toHaveClass(/k-head/);
  await app.screenshot('raw-view');
});

test('start and stop capture, and clear', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([request(), write(response({ body: 'ok' })), fin()]);
  await page.getByTestId('capture-toggle').click();
  await expect(page.getByTestId('capture-toggle')).toHaveText(/Start capture/);
  expect((await curl(['-x', served.proxy, `${server.url}/unseen`])).status).toBe(0);
  await page.waitForTimeout(400);
  await expect(app.rows()).toHaveCount(0);
  await page.getByTestId('capture-toggle').click();
  await expect(page.getByTestId('capture-toggle')).toHaveText(/Stop capture/);
  await curl(['-x', served.proxy, `${server.url}/seen`]);
  await expect(app.row('/seen')).toHaveCount(1);
  await app.clear();
});

test('saves the session and opens a capture file in the browser', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([request(), write(twoChunksNoEnd), fin()]);
  await curl(['-x', served.proxy, `${server.url}/saved`]);
  await expect(app.row('/saved')).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const download = await downloading;
  const path = test.info().outputPath('saved-session.cscap');
  await download.saveAs(path);
  await app.clear();
  await page.getByTestId('open-file').setInputFiles(path);
  await expect(app.row('/saved')).toHaveCount(1);
  await expect(app.cell(app.row('/saved'), 'last chunk')).toHaveText('MISSING');
  // The name of the file chosen, not where the upload was put.
  await expect(page.getByTestId('status')).toContainText('viewing saved-session.cscap');
  await expect(page.getByTestId('status')).not.toContainText('upload-');
  await app.open('/saved');
  await expect(app.sizeTokens()).toHaveText(['5DC', '57D']);
});

test('a streaming body shows live counters, then a stall with the seconds it has waited', async ({ page }) => {
  const app = await ui(page);
  const first = response({ chunks: [{ data: 'x'.repeat(4000) }] }).subarray(0, 47 + 5 + 4000 + 2);
  const server = await misbehaving([request(), write(first), wait(4000), fin()]);
  const done = curl(['-x', served.proxy, `${server.url}/live`]);
  const row = app.row('/live');
  await expect(app.cell(row, 'chunks')).toHaveText('1');
  await expect(app.cell(row, 'bytes')).toContainText('3.9 KB');
  await expect(app.cell(row, 'last chunk')).toHaveText(/stalled \d+\.\d s/);
  await app.screenshot('stalled');
  await done;
  await expect(app.cell(row, 'last chunk')).toHaveText('MISSING');
});
