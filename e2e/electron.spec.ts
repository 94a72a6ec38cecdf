// The desktop app, driven by the same page object as the browser UI, where the Electron
// binary exists (Playwright's _electron). Elsewhere: skipped, with the reason.

import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { response } from '../main/http1/test-support/builders';
import { curl } from '../main/proxy/test-support/clients';
import { fin, origin, request, write } from '../main/proxy/test-support/origin';
import { electronBinary } from '../main/cli/electron-binary';
import { ChunkscopePage } from './support/chunkscope-page';

const binary = electronBinary();
const appDir = fileURLToPath(new URL('../app', import.meta.url));

test.skip(binary === null, 'the Electron binary is not installed on this machine (its download is refused here); app.spec.ts runs the same page objects in Chromium');

test('the desktop app shows a response whose last chunk never came, behind Electron’s security settings', async () => {
  const server = await origin([request(), write(response({ chunks: [1500, 1405], terminator: false })), fin()]);
  const app = await electron.launch({ executablePath: binary!, args: [appDir], env: { ...process.env, CHUNKSCOPE_PROXY_PORT: '0' } });
  try {
    let out = '';
    app.process().stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const window = await app.firstWindow();
    await expect.poll(() => /proxy listening on (http:\/\/\S+)/.exec(out)?.[1]).toBeTruthy();
    const proxy = /proxy listening on (http:\/\/\S+)/.exec(out)![1]!;

    // The renderer has the preload's API, and nothing of Node or Electron.
    expect(await window.evaluate(() => typeof (window as unknown as { chunkscope?: unknown }).chunkscope)).toBe('object');
    expect(await window.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');

    const page = new ChunkscopePage(window);
    expect((await curl(['-x', proxy, `${server.url}/news.xml`])).status).toBe(18);
    await expect(page.cell(page.row('/news.xml'), 'last chunk')).toHaveText('MISSING');
    await expect(page.cell(page.row('/news.xml'), 'ended')).toHaveText('server FIN');
    await page.open('/news.xml');
    await expect(page.sizeTokens()).toHaveText(['5DC', '57D']);
    await page.tab('timeline');
    await expect(window.getByTestId('missing-marker')).toBeVisible();
    await window.screenshot({ path: 'test-results/screenshots/electron-missing-terminator.png' });
  } finally {
    await app.close();
    await server.close();
  }
});
