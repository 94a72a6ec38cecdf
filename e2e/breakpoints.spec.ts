// Breakpoints in the app (issue 18): a rule set in the Rules panel or from an exchange
// holds a response at the proxy, the Held panel steps it, and real clients (curl
// --no-buffer, Node's fetch) receive each chunk only once it is released. Every wait is
// for an event: the panel saying where a message stands, a client's bytes, its exit.

import { expect, test, type Locator, type Page } from '@playwright/test';
import { startLab, type Lab } from '../main/lab/lab';
import { curl, rawExchange } from '../main/proxy/test-support/clients';
import { ChunkscopePage } from './support/chunkscope-page';
import { HeldPage } from './support/held-page';
import { startServe, type Served } from './support/serve';
import { curlThrough, fetchThrough, type StreamingClient } from './support/stream-clients';

let served: Served;
let lab: Lab;

test.beforeAll(async () => {
  served = await startServe();
  lab = await startLab();
});

test.afterAll(async () => {
  await served.stop();
  await lab.close();
});

/** The app on a cleared live session, capturing, with exactly these rules. */
async function ui(page: Page, rules: string[]): Promise<{ app: ChunkscopePage; held: HeldPage }> {
  const app = await ChunkscopePage.open(page, served, { capturing: true });
  const held = new HeldPage(page);
  await held.setRules(rules);
  return { app, held };
}

/** The chunks (size token as sent, data) of a response as the lab sends it, read straight from the lab (curl -i --raw keeps the framing). */
async function chunksOf(path: string): Promise<{ tokens: string[]; data: string[] }> {
  const direct = await curl([`${lab.url}${path}`]);
  expect(direct.status).toBe(0);
  const raw = direct.output.toString('latin1');
  const chunks = { tokens: [] as string[], data: [] as string[] };
  for (let at = raw.indexOf('\r\n\r\n') + 4; ; ) {
    const lineEnd = raw.indexOf('\r\n', at);
    const token = raw.slice(at, lineEnd);
    const size = parseInt(token, 16);
    if (size === 0) return chunks;
    chunks.tokens.push(token);
    chunks.data.push(raw.slice(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Step a message held before chunk #`from` + 1 through to its end, one chunk a click (or
 * a key). At each stop, once the panel says the chunk was released and the next is held,
 * the client has exactly the chunks released so far: not one byte of the next.
 */
async function stepThrough(held: HeldPage, item: Locator, client: StreamingClient, chunks: string[], from: number, step: () => Promise<void>): Promise<void> {
  for (let released = from; released <= chunks.length; released++) {
    const where = released < chunks.length ? `before chunk #${released + 1} (${released} chunk${released === 1 ? '' : 's'} delivered)` : `before the last chunk (${released} chunks delivered)`;
    await expect(held.where(item)).toHaveText(where);
    const sofar = chunks.slice(0, released).join('');
    await expect.poll(() => client.received()).toBe(sofar);
    // The moment before the click: still exactly these bytes, the next chunk held.
    expect(client.received()).toBe(sofar);
    await expect(held.where(item)).toHaveText(where);
    await step();
  }
  await expect(item).toHaveCount(0);
}

test('a breakpoint releases a feed one chunk at a time: curl --no-buffer gets each chunk only after its Next chunk', async ({ page }) => {
  const { app, held } = await ui(page, ['break-response:1 path:/feed']);
  const path = '/feed?items=3&delay=0';
  const { tokens, data: chunks } = await chunksOf(path);
  expect(chunks).toHaveLength(5); // the channel's head, three items, the channel's end
  const client = curlThrough(served.proxy, `${lab.url}${path}`);
  const item = held.item(path);
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('held-next')).toHaveText(`next: chunk #2, size ${tokens[1]} (${chunks[1]!.length} bytes), whole`);
  await expect(item.getByTestId('held-state')).toHaveText(/^held \d/);
  await expect(app.cell(app.row(path), 'last chunk')).toHaveText('held');
  await app.screenshot('held-feed');
  await stepThrough(held, item, client, chunks, 1, () => held.step(item, 'next-chunk'));
  const result = await client.done;
  expect(result.status).toBe(0);
  expect(result.output).toBe(chunks.join(''));
  await expect(app.cell(app.row(path), 'last chunk')).toHaveText('present');
});

test("Node's fetch reads a drip one chunk a key press (N in the Held panel)", async ({ page }) => {
  const { held } = await ui(page, ['break-response:0 path:/drip']);
  const path = '/drip?chunks=4&delay=0';
  const { data: chunks } = await chunksOf(path);
  const client = fetchThrough(served.proxy, `${lab.url}${path}`);
  const item = held.item(path);
  await expect(item).toHaveCount(1);
  await held.panel().focus();
  await stepThrough(held, item, client, chunks, 0, () => held.page.keyboard.press('n'));
  const result = await client.done;
  expect(result).toMatchObject({ status: 200, output: chunks.join('') });
});

test('Drop last chunk: the client gets every chunk, then a FIN without the last chunk, and curl exits 18', async ({ page }) => {
  const { app, held } = await ui(page, ['break-response:2 path:/drip']);
  const path = '/drip?chunks=4&delay=0';
  const client = curlThrough(served.proxy, `${lab.url}${path}`);
  const item = held.item(path);
  await expect(held.where(item)).toHaveText('before chunk #3 (2 chunks delivered)');
  await held.step(item, 'drop-last');
  const result = await client.done;
  expect(result.status).toBe(18);
  expect(result.output).toBe('drip 1\ndrip 2\ndrip 3\ndrip 4\n');
  await expect(item).toHaveCount(0);
  await expect(app.cell(app.row(path), 'last chunk')).toHaveText('MISSING');
  await app.open(path);
  await expect(page.getByTestId('rules-applied')).toContainText('break-response:2 path:/drip (response): held the response before chunk #3 (2 chunks delivered)');
});

test('two held responses at once, each row says it is held, and a third connection flows meanwhile', async ({ page }) => {
  const { app, held } = await ui(page, ['break-response:1 path:/drip']);
  const paths = ['/drip?chunks=3&delay=0&n=1', '/drip?chunks=3&delay=0&n=2'];
  const clients = paths.map((path) => curlThrough(served.proxy, `${lab.url}${path}`));
  for (const path of paths) await expect(held.where(held.item(path))).toHaveText('before chunk #2 (1 chunk delivered)');
  await expect(held.items()).toHaveCount(2);
  await expect(page.getByTestId('held-count')).toHaveText('Held at breakpoints (2)');
  for (const path of paths) {
    await expect(app.row(path)).toHaveAttribute('data-held', 'true');
    await expect(app.cell(app.row(path), 'last chunk')).toHaveText('held');
  }
  // A third connection, to a path no breakpoint matches: answered whole while both are held.
  const third = await curl([`-x`, served.proxy, `${lab.url}/ok`]);
  expect(third.status).toBe(0);
  expect(third.output.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n0\r\n\r\n$/);
  await expect(app.cell(app.row('/ok'), 'last chunk')).toHaveText('present');
  await expect(app.row('/ok')).not.toHaveAttribute('data-held');
  for (const client of clients) expect(client.received()).toBe('drip 1\n');
  await expect(held.items()).toHaveCount(2);
  await app.screenshot('held-two');

  for (const path of paths) await held.step(held.item(path), 'rest');
  for (const client of clients) expect(await client.done).toMatchObject({ status: 0, output: 'drip 1\ndrip 2\ndrip 3\n' });
  await expect(held.panel()).toHaveCount(0);
  for (const path of paths) await expect(app.cell(app.row(path), 'last chunk')).toHaveText('present');
});

test('Break on this path, from an exchange: the next request to that path is held before its head, its head and a chunk edited (as text and as hex) reach the client', async ({ page }) => {
  const { app, held } = await ui(page, []);
  const path = '/drip?chunks=3&delay=0';
  expect((await curl(['-x', served.proxy, `${lab.url}${path}`])).status).toBe(0);
  await app.open(path);
  await page.getByTestId('break-on-path').click();
  const rule = `break-response host:${new URL(lab.url).host} path:/drip`;
  await expect(page.getByTestId('status')).toContainText(`rule added: ${rule} (new connections get it)`);
  await expect(page.getByTestId('rules-toggle')).toHaveText('Rules (1)');

  const client = curlThrough(served.proxy, `${lab.url}${path}`, ['-i']);
  const item = held.items();
  await expect(held.where(item)).toHaveText('before the head');
  await held.step(item, 'edit-head');
  const head = item.getByTestId('held-head');
  await expect(head).toHaveValue(/^HTTP\/1\.1 200 OK\nContent-Type: text\/plain; charset=utf-8\nTransfer-Encoding: chunked$/);
  await head.fill(`HTTP/1.1 299 Stepped\n${(await head.inputValue()).split('\n').slice(1).join('\n')}\nX-Held: edited at the breakpoint`);
  await item.getByTestId('held-edit-send').click();
  await expect(held.where(item)).toHaveText('before chunk #1 (0 chunks delivered)');

  // Chunk #1 as text: the size line left as it is says the new length.
  await held.step(item, 'edit');
  await expect(item.getByTestId('held-data')).toHaveValue('drip 1\n');
  await expect(item.getByTestId('held-size-line')).toHaveValue('7');
  await item.getByTestId('held-data').fill('edited drip 1\n');
  await item.getByTestId('held-edit-send').click();
  await expect(held.where(item)).toHaveText('before chunk #2 (1 chunk delivered)');
  // curl prints the head with the first data after it: the edited head, then the edited chunk.
  await expect.poll(() => client.received()).toMatch(/^HTTP\/1\.1 299 Stepped\r\n[\s\S]*X-Held: edited at the breakpoint\r\n\r\nedited drip 1\n$/);
  // Chunk #2 as hex, a byte no text field could carry (NUL) included.
  await held.step(item, 'edit');
  await item.getByTestId('held-as-hex').click();
  await expect(item.getByTestId('held-data')).toHaveValue('64 72 69 70 20 32 0a');
  await item.getByTestId('held-data').fill('68 65 78 00 0a');
  await expect(item.getByTestId('held-data-size')).toHaveText('5 bytes');
  await item.getByTestId('held-edit-save').click();
  await expect(item.getByTestId('held-edited')).toHaveText('edited: size line "5", 5 bytes; sent with the next step');
  await held.step(item, 'rest');
  const result = await client.done;
  expect(result.status).toBe(0);
  expect(result.output.split('\r\n\r\n')[1]).toBe('edited drip 1\nhex\u0000\ndrip 3\n');

  await expect(held.panel()).toHaveCount(0);
  // The detail says each step, and shows the framing as delivered and as the origin sent it.
  await app.row(path).last().click();
  await expect(page.getByTestId('rules-applied')).toContainText(`${rule} (response): sent the head edited`);
  await expect(page.getByTestId('side-delivered')).toHaveText('Delivered to the client: 3 chunks, last chunk ✓');
  await expect(app.sizeTokens()).toHaveText(['e', '5', '7']); // a new length in the sender's case (its "7" has no letter: lower)
  await page.getByTestId('side-original').click();
  await expect(app.sizeTokens()).toHaveText(['7', '7', '7']);
});

test('a held message nobody steps is released after the timeout, and the app says so', async ({ page }) => {
  const { app, held } = await ui(page, ['break-response:1 path:/drip']);
  await held.setReleaseAfter(1);
  const path = '/drip?chunks=2&delay=0';
  const client = curlThrough(served.proxy, `${lab.url}${path}`);
  await expect(held.where(held.item(path))).toHaveText('before chunk #2 (1 chunk delivered)');
  await expect(held.item(path).getByTestId('held-timeout')).toHaveText(/^released in (\d+ ms|1\.0 s) unless stepped$/);
  expect(await client.done).toMatchObject({ status: 0, output: 'drip 1\ndrip 2\n' });
  await expect(held.released()).toHaveText(/^c\d+ · request #1 response: released the rest \(before chunk #2 \(1 chunk delivered\)\) as the server sends it: nobody stepped it for 1\.0 s$/);
  await expect(held.items()).toHaveCount(0);
  await app.screenshot('held-timed-out');
  await page.getByTestId('held-released-dismiss').click();
  await expect(held.panel()).toHaveCount(0);
  await held.setReleaseAfter(300, 'rules');
});

test('a file opened in a tab of its own: the held response stays held and listed, and its exchange brings the live session back, selected', async ({ page }) => {
  const { app, held } = await ui(page, ['break-response:1 path:/drip']);
  expect((await curl(['-x', served.proxy, `${lab.url}/ok`])).status).toBe(0);
  await expect(app.row('/ok')).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const saved = test.info().outputPath('before-the-hold.cscap');
  await (await downloading).saveAs(saved);
  await app.clear(); // the live session starts again at c1: the file's c1 · request #1 is another exchange
  const path = '/drip?chunks=2&delay=0';
  const client = curlThrough(served.proxy, `${lab.url}${path}`);
  await expect(held.where(held.item(path))).toHaveText('before chunk #2 (1 chunk delivered)');
  await expect(held.item(path).getByTestId('held-exchange')).toHaveText('c1 · request #1');

  await page.getByTestId('open-file').setInputFiles(saved);
  await expect(page.locator('[data-testid^="session-tab-s"]')).toContainText('before-the-hold.cscap');
  await expect(app.rows()).toHaveCount(1); // the file's
  const item = held.items();
  await expect(held.where(item)).toHaveText('before chunk #2 (1 chunk delivered)');
  await expect(item.locator('.held-target')).toHaveCount(0); // not the file's GET /ok, whose id is the same
  expect(client.received()).toBe('drip 1\n');

  await item.getByTestId('held-exchange').click();
  await expect(page.getByTestId('session-tab-live').getByRole('button').first()).toHaveAttribute('aria-current', 'page');
  await expect(app.selected()).toHaveAttribute('data-held', 'true');
  await expect(app.cell(app.selected(), 'path')).toHaveText(path);
  await held.step(item, 'rest');
  expect(await client.done).toMatchObject({ status: 0, output: 'drip 1\ndrip 2\n' });
});

test('a client that half-closes while its response is held: the panel says so, and it still reads the rest once released', async ({ page }) => {
  const { held } = await ui(page, ['break-response:1 path:/drip']);
  const path = '/drip?chunks=2&delay=0';
  const client = rawExchange(served.proxyPort, `GET ${lab.url}${path} HTTP/1.1\r\nHost: ${new URL(lab.url).host}\r\n\r\n`, { halfClose: true });
  const item = held.item(path);
  await expect(held.where(item)).toHaveText('before chunk #2 (1 chunk delivered)');
  await expect(item.getByTestId('held-receiver-ended')).toHaveText('the client closed the connection (FIN)');
  await held.step(item, 'rest');
  const result = await client;
  expect(result.received.toString('latin1')).toMatch(/\r\n\r\n7\r\ndrip 1\n\r\n7\r\ndrip 2\n\r\n0\r\n\r\n$/);
});
