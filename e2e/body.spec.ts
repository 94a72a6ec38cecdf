// The Body tab on real bodies, sent through the proxy by an origin: a JSON tree that
// opens and closes, XML indented and coloured, a PNG previewed, latin1 text read in its
// charset, binary as hex; and a 64 MiB body opened from a capture at once, its hex viewer
// scrolled to its last bytes (read from disk), with a JSON body too large to parse
// offering text and hex.

import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { curl } from '../main/proxy/test-support/clients';
import { fin, request, write } from '../main/proxy/test-support/origin';
import { chunked, get, reads, response, writeConnections } from '../main/search/test-support/captures';
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

/** An origin that answers once with these bytes; the exchange is sent through the proxy and opened in the Body tab. */
async function bodyOf(app: ChunkscopePage, path: string, answer: Uint8Array): Promise<void> {
  const server = await origins.misbehaving([request(), write(answer), fin()]);
  await curl(['-x', served.proxy, `${server.url}${path}`]);
  await app.open(path);
  await app.tab('body');
  await expect(app.page.getByTestId('body-facts')).toBeVisible();
}

/** A real PNG, width × height, red pixels. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [255, 0, 0]).flat())])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

test('JSON: a tree that opens and closes, keys in order and numbers as written; pretty text beside it', async ({ page }) => {
  const app = await ui(page);
  const json = '{"name":"chunkscope","items":[{"id":1,"tags":["a","b"]},{"id":2}],"big":12345678901234567890}';
  await bodyOf(app, '/data.json', response(['Content-Type: application/json', 'Content-Encoding: gzip', 'Transfer-Encoding: chunked'], chunked(gzipSync(json), 20)));
  await expect(page.getByTestId('body-form')).toHaveText('decoded: chunk framing and gzip removed');
  const tree = page.getByTestId('json-tree');
  const row = (path: string) => tree.locator(`[data-path='${path}']`);
  // The root and its small arrays and objects open at first.
  await expect(tree.locator('.json-row')).toHaveText(['{3}', 'name: "chunkscope"', 'items: [2]', '0: {2}', '1: {1}', 'big: 12345678901234567890']);
  await row('$.items[0]').getByTestId('json-toggle').click();
  await expect(row('$.items[0].tags')).toHaveText('tags: [2]');
  await expect(row('$.items[0]')).toHaveAttribute('aria-expanded', 'true');
  await row('$.items').getByTestId('json-toggle').click();
  await expect(row('$.items')).toHaveAttribute('aria-expanded', 'false');
  await expect(tree.locator('.json-row')).toHaveText(['{3}', 'name: "chunkscope"', 'items: [2]', 'big: 12345678901234567890']);
  await page.getByTestId('json-expand-all').click();
  await expect(row('$.items[0].tags[1]')).toHaveText('1: "b"');
  await app.viewer('pretty');
  await expect(page.getByTestId('body-pretty').locator('.text-line').nth(1)).toHaveText('2  "name": "chunkscope",');
  await expect(page.getByTestId('body-pretty').locator('.syntax-number')).toHaveText(['1', '2', '12345678901234567890']);
});

test('XML indented with syntax colour, a PNG previewed, latin1 text in its charset, binary as hex', async ({ page }) => {
  const app = await ui(page);
  const rss = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tom &amp; Jerry</title><item><title>one</title></item></channel></rss>';
  await bodyOf(app, '/feed.xml', response(['Content-Type: application/rss+xml', 'Transfer-Encoding: chunked'], chunked(rss, 32)));
  await expect(page.getByTestId('viewer-pretty')).toHaveAttribute('aria-selected', 'true');
  const pretty = page.getByTestId('body-pretty');
  await expect(pretty.locator('.line-text')).toHaveText(['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0">', '  <channel>', '    <title>Tom &amp; Jerry</title>', '    <item>', '      <title>one</title>', '    </item>', '  </channel>', '</rss>']);
  await expect(pretty.locator('.text-line').nth(2).locator('.syntax-tag')).toHaveText(['channel']);
  await expect(pretty.locator('.syntax-entity')).toHaveText('&amp;');
  await expect(page.getByTestId('body-form')).toHaveText('as sent: chunk framing removed');

  const image = png(3, 2);
  await bodyOf(app, '/red.png', response(['Content-Type: image/png', `Content-Length: ${image.length}`], image));
  await expect(page.getByTestId('image-size')).toHaveText('PNG, 3 × 2 px');
  await expect(page.getByTestId('body-image')).toBeVisible();
  await expect(page.getByTestId('body-form')).toHaveText('as sent: nothing removed');

  const latin1 = Buffer.from('café crème brûlée\nà la carte\n', 'latin1');
  await bodyOf(app, '/menu.txt', response(['Content-Type: text/plain; charset=ISO-8859-1', `Content-Length: ${latin1.length}`], latin1));
  await expect(page.getByTestId('body-text').locator('.line-text')).toHaveText(['café crème brûlée', 'à la carte', '']);
  await expect(page.getByTestId('body-charset')).toHaveText(' · iso-8859-1 (from the Content-Type)');

  const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await bodyOf(app, '/bytes.bin', response(['Content-Type: application/octet-stream', `Content-Length: ${binary.length}`], binary));
  const hex = page.getByTestId('hex');
  await expect(hex.locator('.hex-row')).toHaveCount(16);
  await expect(hex.locator('[data-offset="64"]')).toHaveText('00000040 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f @ABCDEFGHIJKLMNO'.replace(/ /g, ''), { useInnerText: false });
});

test('a 64 MiB body opens at once: hex scrolled to its end reads the last bytes from disk; a JSON body too large to parse offers text and hex', async ({ page }) => {
  const size = 64 * 1024 * 1024;
  const big = Buffer.alloc(size, 'abcdefgh');
  big.write('THE-END-OF-BODY!', size - 16, 'latin1');
  const json = `[${'1,'.repeat(3 * 1024 * 1024)}1]`;
  const path = test.info().outputPath('large.cscap');
  writeConnections(path, [
    { sent: [get('/large.bin')], received: [response(['Content-Type: application/octet-stream', `Content-Length: ${size}`]), ...reads(big, 1024 * 1024)] },
    { sent: [get('/large.json')], received: [response(['Content-Type: application/json', `Content-Length: ${json.length}`]), ...reads(json, 1024 * 1024)] },
  ]);
  const opened = await startServe(['--open', path]);
  try {
    await page.goto(opened.ui);
    const app = new ChunkscopePage(page);
    await expect(app.rows()).toHaveCount(2);
    await app.open('/large.bin');
    await app.tab('body');
    await expect(page.getByTestId('body-facts')).toContainText('64.0 MB');
    const hex = page.getByTestId('hex');
    await expect(hex.locator('[data-offset="0"] .raw-text')).toHaveText('abcdefghabcdefgh');
    await hex.evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = hex.locator(`[data-offset="${size - 16}"]`);
    await expect(last.locator('.raw-offset')).toHaveText('03fffff0');
    await expect(last.locator('.raw-text')).toHaveText('THE-END-OF-BODY!');
    await app.screenshot('body-64-mib-hex-end');

    await app.open('/large.json');
    await app.tab('body');
    await expect(page.getByTestId('body-too-large')).toContainText(`The body is ${json.length.toLocaleString('en-US')} bytes: too large for the Tree viewer, which reads it whole (up to 4,194,304 bytes)`);
    await page.getByTestId('body-too-large').getByRole('button', { name: 'Show it as text' }).click();
    await expect(page.getByTestId('body-text').locator('.line-text').first()).toContainText('[1,1,1,');
    await expect(page.getByTestId('text-page')).toHaveText(`bytes 0–524,287 of ${json.length.toLocaleString('en-US')} (page 1 of 13)`);
  } finally {
    await opened.stop();
  }
});

test('a JSON body nested 200,000 deep does not take the window down: the tree says why it is not drawn, and text shows it', async ({ page }) => {
  const app = await ui(page);
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  await bodyOf(app, '/deep.json', response(['Content-Type: application/json', `Content-Length: ${deep.length}`], deep));
  await expect(page.getByTestId('body-not-parsed')).toHaveText('Not shown as JSON: the body nests arrays and objects 200,000 deep (the 513th opens at character 513); the tree and pretty text are made up to 512 levels. The Text and Hex viewers show it.');
  await app.viewer('pretty');
  await expect(page.getByTestId('body-not-parsed')).toContainText('200,000 deep');
  await app.viewer('text');
  await expect(page.getByTestId('body-text').locator('.line-text')).toContainText('[[[[');
  await expect(app.row('/deep.json')).toBeVisible();
});
