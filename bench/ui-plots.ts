// The plots at scale: the Timeline of one exchange of 100,000 chunks and the Connections
// view of 10,000 connections. For each: how long after the click it is drawn (target under
// 100 ms), the draw itself, and frames while zooming and panning (target: median frame at
// most 16.7 ms, 60 fps), next to an idle page's frames measured in the same run.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { frames, framesScript, measuring, openCapture, p95, timeToDrawn } from './browser';
import { fmt, line, median } from './report';
import { writeDenseExchange, writeScaleCapture } from './scale-capture';

const FRAME = 1000 / 60;

/** A frame's step: a wheel event on `selector` at its centre (in-page source). */
const wheel = (selector: string, init: string) => `{
  const element = document.querySelector(${JSON.stringify(selector)});
  const r = element.getBoundingClientRect();
  element.dispatchEvent(new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + Math.min(r.height / 2, 200), bubbles: true, cancelable: true, ${init} }));
}`;

function frameCells(deltas: number[], idle: number[], draws: number[]): string[] {
  return [
    `median frame ${median(deltas).toFixed(1)} ms, p95 ${p95(deltas).toFixed(1)} ms (${median(deltas) <= FRAME + 0.05 ? 'meets' : 'MISSES'} 60 fps: median ≤ 16.7 ms)`,
    `${(median(deltas) / median(idle)).toFixed(2)}x idle`,
    `draw median ${median(draws).toFixed(2)} ms over ${fmt(draws.length)} draws`,
  ];
}

async function drawn(page: Page, label: string, selector: string, measure: string): Promise<void> {
  const first = await timeToDrawn(page, selector, measure);
  line(label, [`drawn ${first.drawn.toFixed(0)} ms after the click (${first.drawn < 100 ? 'meets' : 'MISSES'} target < 100 ms)`, `draws ${first.draws.map((d) => d.toFixed(1)).join(', ')} ms`]);
}

export async function benchTimeline(): Promise<void> {
  process.stdout.write('\nThe Timeline of one exchange of 100,000 chunks\n');
  const capture = join(tmpdir(), `chunkscope-dense-${process.pid}.cscap`);
  const { chunks } = await writeDenseExchange(capture);
  const session = await openCapture(capture);
  try {
    const { page } = session;
    await page.getByTestId('row').first().click();
    // The whole ledger first (it comes in answers of 10,000 chunks), then the Timeline drawn from a click.
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline-summary').filter({ hasText: `${chunks.toLocaleString('en-US')} chunks over` }).waitFor({ timeout: 120_000 });
    await page.getByTestId('tab-chunks').click();
    const idle = await frames(page, 1500);
    line('frame time, idle page (baseline)', [`median ${median(idle).toFixed(1)} ms`]);
    await drawn(page, `${fmt(chunks)} chunks: Timeline tab`, '[data-testid="tab-timeline"]', 'chunkscope:timeline-draw');
    const surface = '.plot-surface';
    const zooming = await measuring<number[]>(page, 'chunkscope:timeline-draw', `return await (${framesScript(3000, wheel(surface, 'deltaY: n % 40 < 20 ? -120 : 120'))});`);
    line('zooming in and out (a wheel turn a frame)', frameCells(zooming.result, idle, zooming.durations));
    await page.getByTestId('timeline-reset').click();
    for (let i = 0; i < 8; i++) await page.evaluate(wheel(surface, 'deltaY: -200'));
    const panning = await measuring<number[]>(page, 'chunkscope:timeline-draw', `return await (${framesScript(3000, wheel(surface, 'deltaY: n % 120 < 60 ? 40 : -40, shiftKey: true'))});`);
    line('panning a tenth of it (Shift+wheel a frame)', frameCells(panning.result, idle, panning.durations));
  } finally {
    await session.close();
    rmSync(capture, { force: true });
  }
}

export async function benchLanes(): Promise<void> {
  process.stdout.write('\nConnections: 10,000 connections of 2 exchanges each\n');
  const capture = join(tmpdir(), `chunkscope-lanes-${process.pid}.cscap`);
  const { exchanges } = await writeScaleCapture(capture, 10_000, 2, 2);
  const session = await openCapture(capture);
  try {
    const { page } = session;
    await page.getByTestId('exchange-count').filter({ hasText: `${exchanges.toLocaleString('en-US')} exchanges` }).waitFor({ timeout: 120_000 });
    const idle = await frames(page, 1500);
    line('frame time, idle page (baseline)', [`median ${median(idle).toFixed(1)} ms`]);
    await drawn(page, '10,000 connections: Connections view', '[data-testid="view-connections"]', 'chunkscope:lanes-draw');
    const rows = '[data-testid="lane-rows"]';
    const zooming = await measuring<number[]>(page, 'chunkscope:lanes-draw', `return await (${framesScript(3000, wheel(rows, 'deltaY: n % 40 < 20 ? -120 : 120, ctrlKey: true'))});`);
    line('zooming in and out (Ctrl+wheel a frame)', frameCells(zooming.result, idle, zooming.durations));
    for (let i = 0; i < 10; i++) await page.evaluate(wheel(rows, 'deltaY: -200, ctrlKey: true'));
    const panning = await measuring<number[]>(page, 'chunkscope:lanes-draw', `return await (${framesScript(3000, wheel(rows, 'deltaY: n % 120 < 60 ? 40 : -40, shiftKey: true'))});`);
    line('panning (Shift+wheel a frame)', frameCells(panning.result, idle, panning.durations));
    const scrolling = await measuring<number[]>(page, 'chunkscope:lanes-draw', `return await (${framesScript(3000, `{ const e = document.querySelector('${rows}'); e.scrollTop = (e.scrollTop + 400) % Math.max(1, e.scrollHeight - e.clientHeight); }`)});`);
    line('scrolling the lanes 400 px a frame', frameCells(scrolling.result, idle, scrolling.durations));
  } finally {
    await session.close();
    rmSync(capture, { force: true });
  }
}

