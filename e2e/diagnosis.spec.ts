// Our users' own stories, in the browser against origins that misbehave on purpose: the
// words a person reads in the row and the detail must be the account's, and true.

import net from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { Http1Parser } from '../main/http1';
import { response } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, readUntilFin, request, rst, wait, write, type Origin, type Step } from '../main/proxy/test-support/origin';
import { ChunkscopePage } from './support/chunkscope-page';
import { Origins } from './support/origins';
import { startServe, type Served } from './support/serve';

let served: Served;
const origins = new Origins();

test.beforeAll(async () => {
  served = await startServe(); // --stall-after 0.5
});

test.afterAll(async () => {
  await served.stop();
  await origins.closeAll();
});

const misbehaving = (steps: Step[]): Promise<Origin> => origins.misbehaving(steps);
const ui = (page: Page): Promise<ChunkscopePage> => ChunkscopePage.open(page, served, { capturing: true });

/** A chunked response's head and two chunks (1,500 and 1,405 bytes), and no last chunk. */
const twoChunks = response({ chunks: [1500, 1405], terminator: false });

test.describe('a download that hangs', () => {
  test('the server goes silent and the client gives up: the silence is blamed, not the server that closed after', async ({ page }) => {
    const app = await ui(page);
    const server = await misbehaving([request(), write(twoChunks), readUntilFin(), wait(150), fin()]);
    expect((await curl(['--max-time', '2', '-x', served.proxy, `${server.url}/hung.xml`])).status).toBe(28); // curl: timed out
    const row = app.row('/hung.xml');
    await expect(app.cell(row, 'last chunk')).toHaveText('MISSING');
    await expect(app.cell(row, 'ended')).toHaveText('client FIN');
    await expect(app.cell(row, 'anomalies')).toHaveText('2');
    // The stall stays on the row after the end: the filter still finds it, and the duration is the wait.
    await expect(app.cell(row, 'duration')).toHaveText(/^2\.\d s$/);
    await expect(row).toHaveAttribute('title', /the client gave up/);
    for (const filter of ['stalled', 'gave-up', 'error', 'client-gave-up']) {
      await app.filter(filter);
      await expect(app.rows()).toHaveCount(1);
    }
    await app.filter('');
    await app.open('/hung.xml');
    await expect(app.headline()).toHaveText(/^no last chunk: after chunk #2 the server sent nothing for [12]\.\d s; the client gave up and closed the connection \(FIN\); the server closed after it$/);
    await expect(page.getByTestId('anomalies')).toContainText('client-gave-up');
    await app.tab('timeline');
    await expect(page.getByTestId('stall-mark')).toContainText(/no byte for [12]\.\d s/);
    await expect(page.getByTestId('close-marker')).toContainText('client FIN');
    await app.screenshot('diagnosis-client-gave-up');
  });

  test('the server goes silent, then closes after 1.5 s: the stall and the server FIN', async ({ page }) => {
    const app = await ui(page);
    const server = await misbehaving([request(), write(twoChunks), wait(1500), fin()]);
    expect((await curl(['-x', served.proxy, `${server.url}/slow-fin.xml`])).status).toBe(18);
    await expect(app.cell(app.row('/slow-fin.xml'), 'ended')).toHaveText('server FIN');
    await app.open('/slow-fin.xml');
    await expect(app.headline()).toHaveText(/^no last chunk: after chunk #2 the server sent nothing for 1\.\d s, then closed the connection \(FIN\), at byte 2,966$/);
  });

  test('the server goes silent, then resets: the stall and the server RST', async ({ page }) => {
    const app = await ui(page);
    const server = await misbehaving([request(), write(twoChunks), wait(1500), rst()]);
    expect((await curl(['-x', served.proxy, `${server.url}/slow-rst.xml`])).status).toBe(56);
    await expect(app.cell(app.row('/slow-rst.xml'), 'ended')).toHaveText('server RST');
    await app.open('/slow-rst.xml');
    await expect(app.headline()).toHaveText(/^no last chunk: after chunk #2 the server sent nothing for 1\.\d s, then reset the connection \(RST\), at byte 2,966$/);
  });

  test('the client aborts in the middle of a response, without a stall', async ({ page }) => {
    const app = await ui(page);
    const head = twoChunks.subarray(0, 47 + 5 + 1500 + 2);
    const server = await misbehaving([request(), write(head), readUntilFin(), fin()]);
    await new Promise<void>((resolve) => {
      const socket = net.connect({ port: served.proxyPort, host: '127.0.0.1' }, () => socket.write(`GET ${server.url}/aborted HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`));
      let received = 0;
      socket.on('data', (d) => {
        received += d.length;
        if (received >= head.length) setTimeout(() => socket.end(), 100); // well before --stall-after 0.5
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await expect(app.cell(app.row('/aborted'), 'ended')).toHaveText('client FIN');
    await app.open('/aborted');
    await expect(app.headline()).toHaveText(/^no last chunk: the client closed the connection \(FIN\) 1\d\d ms after chunk #1, before the response ended; the server closed after it$/);
    await app.filter('aborted');
    await expect(app.rows()).toHaveCount(1);
  });
});

test('a server that resets a kept-alive connection after 3 Content-Length requests: the unanswered request, without the chunked workaround', async ({ page }) => {
  const app = await ui(page);
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
  const server = await misbehaving([request(), write(ok), request(), write(ok), request(), write(ok), request(), rst()]);
  const post = Buffer.from(`POST ${server.url}/items HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 4\r\n\r\ndata`);
  await new Promise<void>((resolve) => {
    const socket = net.connect({ port: served.proxyPort, host: '127.0.0.1' }, () => socket.write(post));
    const parser = new Http1Parser('response');
    socket.on('data', (d) => {
      for (const e of parser.feed(d)) if (e.type === 'message-complete') socket.write(post);
    });
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
  await expect(app.rows()).toHaveCount(4);
  await app.filter('unanswered');
  await expect(app.rows()).toHaveCount(1);
  await expect(app.cell(app.rows().first(), 'req')).toHaveText('#4');
  await expect(app.cell(app.rows().first(), 'req body')).toHaveText('length');
  await expect(app.cell(app.rows().first(), 'anomalies')).toHaveText('1');
  await app.rows().first().click();
  await expect(app.headline()).toHaveText(
    'no response: the server reset the keep-alive connection (RST) after answering 3 requests on it; request #4 was sent (Content-Length, 4 bytes) and never answered',
  );
  await expect(page.getByTestId('hint')).toHaveCount(0);
});

test('request #1 of a kept-alive connection: its Timeline and Raw are its own, not the later FIN', async ({ page }) => {
  const app = await ui(page);
  const first = response({ chunks: [{ data: 'first' }], headers: [['Content-Type', 'text/plain']] });
  const second = response({ chunks: [{ data: 'second' }, { data: 'more' }], headers: [['Content-Type', 'text/plain']] });
  const server = await misbehaving([request(), write(first), request(), write(second), wait(600), fin()]);
  expect((await curl(['-x', served.proxy, `${server.url}/one`, `${server.url}/two`])).status).toBe(0);
  await expect(app.rows()).toHaveCount(2);
  await app.open('/one');
  await expect(app.headline()).toHaveText(/^complete: 1 chunk and the last chunk, 5 bytes in \d+(\.\d)? ms$/);
  await app.tab('timeline');
  await expect(page.getByTestId('last-chunk-marker')).toBeVisible();
  await expect(page.getByTestId('close-marker')).toHaveCount(0); // the FIN came 600 ms later, after request #2
  await expect(page.locator('.timeline .summary')).toHaveText(/· 1 chunk over \d+(\.\d)? ms$/);
  await app.tab('raw');
  await expect(page.getByTestId('raw-range')).toHaveText(`bytes 0–${(first.length - 1).toLocaleString('en-US')}`);
  await expect(page.locator('.raw-hex [data-byte]').last()).toHaveAttribute('data-byte', String(first.length - 1));
  await page.getByTestId('raw-whole').check();
  await expect(page.getByTestId('raw-range')).toHaveText(`bytes 0–${(first.length + second.length - 1).toLocaleString('en-US')}`);
});

test('a live drip: the row, the ledger, the Timeline and the Stream view agree at each refresh', async ({ page }) => {
  const app = await ui(page);
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n';
  const steps: Step[] = [request(), write(head)];
  for (let i = 0; i < 120; i++) {
    const line = `line ${i}\n`;
    steps.push(write(`${line.length.toString(16)}\r\n${line}\r\n`), wait(40));
  }
  steps.push(write('0\r\n\r\n'), fin());
  const server = await misbehaving(steps);
  const done = curl(['-x', served.proxy, `${server.url}/drip`]);
  await expect(app.cell(app.row('/drip'), 'chunks')).not.toHaveText('');
  await app.open('/drip');
  // Both read in one go, between two renders.
  const read = (what: 'timeline' | 'chunks') =>
    page.evaluate((tab) => {
      const text = (selector: string) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(selector)?.textContent ?? '';
      const row = text('[data-testid="row"][aria-selected="true"] [data-col="chunks"]');
      return { row: Number(row.replace(/,/g, '')), summary: text(tab === 'timeline' ? '.timeline .summary' : '.chunks-tab .summary') };
    }, what);
  const agree = async (what: 'timeline' | 'chunks') => {
    const seen = await read(what);
    const chunks = Number(/([\d,]+) chunks/.exec(seen.summary)?.[1]?.replace(/,/g, '') ?? NaN);
    expect(chunks, JSON.stringify(seen)).toBe(seen.row);
    if (what === 'timeline') {
      const items = /([\d,]+) items/.exec(seen.summary)?.[1];
      if (items !== undefined) expect(Number(items.replace(/,/g, '')), JSON.stringify(seen)).toBeLessThanOrEqual(chunks);
    }
    return chunks;
  };
  await app.tab('timeline');
  await expect(page.locator('.timeline .summary')).toContainText('chunks');
  const counts = [await agree('timeline')];
  await page.waitForTimeout(700);
  await app.tab('chunks');
  await expect(page.locator('.chunks-tab .summary')).toContainText('chunks');
  counts.push(await agree('chunks'));
  await page.waitForTimeout(700);
  await app.tab('timeline');
  await expect(page.locator('.timeline .summary')).toContainText('chunks');
  counts.push(await agree('timeline'));
  expect(counts[2]).toBeGreaterThan(counts[0]!); // it was live: three moments, three counts
  await done;
  await expect(app.cell(app.row('/drip'), 'chunks')).toHaveText('120');
  await app.tab('chunks');
  await expect(page.getByTestId('chunk').last()).toBeVisible();
  await expect(page.locator('.chunks-tab .summary')).toHaveText(/^120 chunks/);
});
