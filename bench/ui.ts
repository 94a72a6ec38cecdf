// UI at scale, in Chromium: open a capture of 100,000 exchanges and 1,000,000 chunks
// through `chunkscope serve`, time the first rows, and measure frame times while
// scrolling, next to an idle page's frames measured in the same run.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { fmt, line, median } from './report';
import { writeScaleCapture } from './scale-capture';
import { startListening } from './processes';

const dist = fileURLToPath(new URL('.', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Frame times (ms) over `ms`, scrolling `selector` (if any) by `step` pixels a frame. The
 * script runs in the page; it is a string because the engine's types have no DOM.
 */
async function frames(page: Page, selector: string | null, ms: number, step = 900): Promise<number[]> {
  const script = `new Promise((resolve) => {
    const element = ${JSON.stringify(selector)} ? document.querySelector(${JSON.stringify(selector)}) : null;
    const deltas = [];
    let last = performance.now();
    const end = last + ${ms};
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      if (element) element.scrollTop = (element.scrollTop + ${step}) % Math.max(1, element.scrollHeight - element.clientHeight);
      if (now < end) requestAnimationFrame(tick);
      else resolve(deltas.slice(1));
    };
    requestAnimationFrame(tick);
  })`;
  return (await page.evaluate(script)) as number[];
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.95)] ?? 0;
}

export async function benchUi(): Promise<void> {
  process.stdout.write('\nUI at scale: a capture of 100,000 exchanges and 1,000,000 chunks, opened in Chromium through `chunkscope serve`\n');
  if (!existsSync(CHROMIUM)) {
    process.stdout.write(`  skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);
    return;
  }
  const capture = join(tmpdir(), `chunkscope-scale-${process.pid}.cscap`);
  const { exchanges, chunks } = await writeScaleCapture(capture);
  const served = await startListening(join(dist, 'cli.mjs'), ['serve', '--port', '0', '--proxy-port', '0', '--open', capture]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    // serve prints the proxy's line, then the UI's: wait (boundedly) for the second.
    let out: string | undefined;
    for (let waited = 0; !out && waited < 30_000; waited += 50) {
      out = /UI listening on (http:\/\/\S+)/.exec(served.output())?.[1];
      if (!out) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!out) throw new Error('chunkscope serve printed no UI line');
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    const started = Date.now();
    await page.goto(out);
    await page.waitForSelector('[data-testid="row"]', { timeout: 60_000 });
    const firstRows = (Date.now() - started) / 1000;
    await page.getByTestId('exchange-count').filter({ hasText: `${exchanges.toLocaleString('en-US')} exchanges` }).waitFor({ timeout: 120_000 });
    const allRows = (Date.now() - started) / 1000;
    line(`${fmt(exchanges)} exchanges, ${fmt(chunks)} chunks`, [`first rows after ${firstRows.toFixed(2)} s (${firstRows < 2 ? 'meets' : 'MISSES'} target < 2 s)`, `all rows after ${allRows.toFixed(2)} s`]);

    const idle = await frames(page, null, 1500);
    line('frame time, idle page (baseline)', [`median ${median(idle).toFixed(1)} ms`]);
    const wheel = await frames(page, '[data-testid="sessions"]', 3000, 100);
    line('scrolling the list 100 px a frame', [`median ${median(wheel).toFixed(1)} ms, p95 ${p95(wheel).toFixed(1)} ms`, `ratio ${(median(wheel) / median(idle)).toFixed(2)}x idle`, `${wheel.filter((d) => d > 50).length} of ${wheel.length} frames over 50 ms`]);
    const list = await frames(page, '[data-testid="sessions"]', 3000);
    line('… a screenful (900 px) a frame', [`median ${median(list).toFixed(1)} ms, p95 ${p95(list).toFixed(1)} ms`, `ratio ${(median(list) / median(idle)).toFixed(2)}x idle`, `${list.filter((d) => d > 50).length} of ${list.length} frames over 50 ms`]);

    await page.getByTestId('filter').fill('status:200 framing:chunked');
    const filtered = await frames(page, '[data-testid="sessions"]', 2000);
    line('… with a filter on all rows', [`median ${median(filtered).toFixed(1)} ms, p95 ${p95(filtered).toFixed(1)} ms`]);

    await page.getByTestId('view-connections').click();
    await page.waitForSelector('[data-testid="lane"]');
    const lanes = await frames(page, '.lane-rows', 2000);
    line('frame time scrolling 1,000 lanes', [`median ${median(lanes).toFixed(1)} ms, p95 ${p95(lanes).toFixed(1)} ms`]);
  } finally {
    await browser.close();
    await served.stop();
    rmSync(capture, { force: true });
  }
}
