// The Stream tab in Chromium: feed items, events and JSON lines tied to the chunks that
// carried them, live while the body streams, partial after an RST, and the Timeline's
// item marks.

import { gzipSync, constants } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, rst, wait, write, type Origin, type Step } from '../main/proxy/test-support/origin';
import { ChunkscopePage } from './support/chunkscope-page';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

let served: Served;
let lab: Lab;
const origins = new Origins();

test.beforeAll(async () => {
  served = await startServe();
  lab = await startLab({ host: '127.0.0.1', port: 0 });
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
  await origins.closeAll();
});

const misbehaving = (steps: Step[]): Promise<Origin> => origins.misbehaving(steps);

const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });

const chunk = (data: string | Buffer) => {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
};

test('the lab feed: one item per chunk, each item tied to its chunk, and item marks on the Timeline', async ({ page }) => {
  const app = await ui(page);
  await curl(['-x', served.proxy, `${lab.url}/feed?items=3&delay=30`]);
  await app.open('/feed?items=3&delay=30');
  await page.getByTestId('tab-stream').click();
  await expect(page.getByTestId('stream-summary')).toContainText('RSS feed · 3 items');
  await expect(page.getByTestId('item-chunks')).toHaveText(['chunk #2', 'chunk #3', 'chunk #4']);
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('timeline-summary')).toContainText('3 items');
  // The chunk that completed each item says so: one item per chunk, from chunk #2.
  await expect(await app.timelineStep('ArrowRight', 2)).toContainText('item #1 ended: Item 1');
  await expect(await app.timelineStep('ArrowRight')).toContainText('item #2 ended: Item 2');
});

test('a gzip feed whose items straddle chunks: decoded first, items say chunks #n-#m', async ({ page }) => {
  const app = await ui(page);
  const items = [1, 2, 3].map((n) => `<item><title>Story ${n}</title><link>http://news.example/${n}</link></item>`).join('');
  const xml = Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>${items}</channel></rss>`);
  const gz = gzipSync(xml, { flush: constants.Z_SYNC_FLUSH });
  const server = await misbehaving([
    request(),
    write('HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n'),
    write(chunk(gz.subarray(0, 30))),
    write(chunk(gz.subarray(30, 60))),
    write(chunk(gz.subarray(60))),
    write('0\r\n\r\n'),
    fin(),
  ]);
  await curl(['-x', served.proxy, `${server.url}/news.rss`]);
  await app.open('/news.rss');
  await page.getByTestId('tab-stream').click();
  await expect(page.getByTestId('stream-summary')).toContainText('decoded from gzip');
  await expect(page.getByTestId('stream-item')).toHaveCount(3);
  await expect(page.getByTestId('stream-item').first()).toContainText('Story 1');
  await expect(page.getByTestId('item-chunks').first()).toHaveText(/^chunks? #\d/);
});

test('server-sent events live: items appear while the body streams; after the RST the last is partial', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([
    request(),
    write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'),
    write(chunk(': hello\nid: 1\ndata: first\n\n')),
    wait(2500),
    write(chunk('id: 2\ndata: second\ndata: line two\n\nid: 3\ndata: cut sh')),
    wait(1500),
    rst(),
  ]);
  const client = curl(['-x', served.proxy, `${server.url}/events`]);
  await expect(app.row('/events')).toHaveCount(1);
  await app.open('/events');
  await page.getByTestId('tab-stream').click();
  await expect(page.getByTestId('stream-summary')).toContainText('still streaming');
  await expect(page.getByTestId('stream-item')).toHaveCount(1);
  await expect(page.getByTestId('stream-item').first()).toContainText('data: first');
  await expect(page.getByTestId('stream-item')).toHaveCount(2, { timeout: 8000 });
  await client;
  await expect(page.getByTestId('stream-item')).toHaveCount(3, { timeout: 8000 });
  await expect(page.getByTestId('stream-item').nth(2)).toContainText('partial');
  await expect(page.getByTestId('stream-item').nth(2)).toContainText('RST');
  await expect(page.getByTestId('item-chunks')).toHaveText(['chunk #1', 'chunk #2', 'chunk #2']);
});

test('NDJSON with a malformed line: the view goes on, the bad line shows its error and byte offset', async ({ page }) => {
  const app = await ui(page);
  const server = await misbehaving([
    request(),
    write('HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n'),
    write(chunk('{"n":1,"s":"spl')),
    write(chunk('it"}\n{"n":2,}\n{"n":3}\n')),
    write('0\r\n\r\n'),
    fin(),
  ]);
  await curl(['-x', served.proxy, `${server.url}/values`]);
  await app.open('/values');
  await page.getByTestId('tab-stream').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(3);
  await expect(page.getByTestId('item-chunks')).toHaveText(['chunks #1-#2', 'chunk #2', 'chunk #2']);
  await expect(page.getByTestId('stream-item').nth(1)).toContainText('at byte');
  await expect(page.getByTestId('stream-item').nth(2)).toContainText('{"n":3}');
});
