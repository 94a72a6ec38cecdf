// UI at scale, in Chromium through `chunkscope serve`: the Exchanges list of a capture of
// 100,000 exchanges and 1,000,000 chunks (first rows, frames while scrolling), then the
// plots (ui-plots.ts). Every frame figure sits next to an idle page's frames measured in
// the same run.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, frames, hasChromium, openCapture, p95 } from './browser';
import { fmt, line, median } from './report';
import { writeScaleCapture } from './scale-capture';
import { benchLanes, benchTimeline } from './ui-plots';

/** One frame's step: scroll `selector` by `px`, round and round. */
const scrolling = (selector: string, px: number) => `{
  const element = document.querySelector(${JSON.stringify(selector)});
  element.scrollTop = (element.scrollTop + ${px}) % Math.max(1, element.scrollHeight - element.clientHeight);
}`;

async function benchList(): Promise<void> {
  process.stdout.write('\nUI at scale: a capture of 100,000 exchanges and 1,000,000 chunks, opened in Chromium through `chunkscope serve`\n');
  const capture = join(tmpdir(), `chunkscope-scale-${process.pid}.cscap`);
  const { exchanges, chunks } = await writeScaleCapture(capture);
  const session = await openCapture(capture);
  try {
    const { page } = session;
    const started = session.navigated;
    await page.waitForSelector('[data-testid="row"]', { timeout: 60_000 });
    const firstRows = (Date.now() - started) / 1000;
    await page.getByTestId('exchange-count').filter({ hasText: `${exchanges.toLocaleString('en-US')} exchanges` }).waitFor({ timeout: 120_000 });
    const allRows = (Date.now() - started) / 1000;
    line(`${fmt(exchanges)} exchanges, ${fmt(chunks)} chunks`, [`first rows after ${firstRows.toFixed(2)} s (${firstRows < 2 ? 'meets' : 'MISSES'} target < 2 s)`, `all rows after ${allRows.toFixed(2)} s`]);

    const idle = await frames(page, 1500);
    line('frame time, idle page (baseline)', [`median ${median(idle).toFixed(1)} ms`]);
    const wheel = await frames(page, 3000, scrolling('[data-testid="sessions"]', 100));
    line('scrolling the list 100 px a frame', [`median ${median(wheel).toFixed(1)} ms, p95 ${p95(wheel).toFixed(1)} ms`, `ratio ${(median(wheel) / median(idle)).toFixed(2)}x idle`, `${wheel.filter((d) => d > 50).length} of ${wheel.length} frames over 50 ms`]);
    const list = await frames(page, 3000, scrolling('[data-testid="sessions"]', 900));
    line('… a screenful (900 px) a frame', [`median ${median(list).toFixed(1)} ms, p95 ${p95(list).toFixed(1)} ms`, `ratio ${(median(list) / median(idle)).toFixed(2)}x idle`, `${list.filter((d) => d > 50).length} of ${list.length} frames over 50 ms`]);

    await page.getByTestId('filter').fill('status:200 framing:chunked');
    const filtered = await frames(page, 2000, scrolling('[data-testid="sessions"]', 900));
    line('… with a filter on all rows', [`median ${median(filtered).toFixed(1)} ms, p95 ${p95(filtered).toFixed(1)} ms`]);
    await page.getByTestId('filter').fill('');
  } finally {
    await session.close();
    rmSync(capture, { force: true });
  }
}

export async function benchUi(): Promise<void> {
  if (!hasChromium()) {
    process.stdout.write(`\nUI: skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);
    return;
  }
  await benchList();
  await benchTimeline();
  await benchLanes();
}
