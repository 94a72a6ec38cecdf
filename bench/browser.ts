// Chromium for the UI benchmarks: `chunkscope serve --open CAPTURE`, a page on its UI, and
// frame times measured in the page. In-page scripts are strings: the engine's types have no DOM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startListening, type Started } from './processes';

const dist = fileURLToPath(new URL('.', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export interface Session {
  browser: Browser;
  page: Page;
  served: Started;
  /** Date.now() when the page was asked for: what "first rows after" counts from. */
  navigated: number;
  close(): Promise<void>;
}

/** serve the capture, open its UI in Chromium at 1500×900. */
export async function openCapture(capture: string): Promise<Session> {
  const served = await startListening(join(dist, 'cli.mjs'), ['serve', '--port', '0', '--proxy-port', '0', '--open', capture]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  // serve prints the proxy's line, then the UI's: wait (boundedly) for the second.
  let ui: string | undefined;
  for (let waited = 0; !ui && waited < 30_000; waited += 50) {
    ui = /UI listening on (http:\/\/\S+)/.exec(served.output())?.[1];
    if (!ui) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!ui) {
    await browser.close();
    await served.stop();
    throw new Error('chunkscope serve printed no UI line');
  }
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const navigated = Date.now();
  await page.goto(ui);
  return {
    browser,
    page,
    served,
    navigated,
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}

/**
 * In-page source: a promise of the frame times (ms) over `ms`; each frame first runs
 * `step` (a block given the frame number `n`), so the work it causes lands in the frames.
 */
export function framesScript(ms: number, step = ''): string {
  return `new Promise((resolve) => {
    const deltas = [];
    let last = performance.now();
    const end = last + ${ms};
    let n = 0;
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      n++;
      ${step}
      if (now < end) requestAnimationFrame(tick);
      else resolve(deltas.slice(1));
    };
    requestAnimationFrame(tick);
  })`;
}

export async function frames(page: Page, ms: number, step = ''): Promise<number[]> {
  return (await page.evaluate(framesScript(ms, step))) as number[];
}

/** Run `script` while collecting the durations of the measures named `name` it causes. */
export async function measuring<T>(page: Page, name: string, script: string): Promise<{ result: T; durations: number[] }> {
  return (await page.evaluate(`(async () => {
    const durations = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === ${JSON.stringify(name)}) durations.push(e.duration); });
    observer.observe({ type: 'measure' });
    const result = await (async () => { ${script} })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    return { result, durations };
  })()`)) as { result: T; durations: number[] };
}

/**
 * Click `selector` and wait until the draws named `name` settle (none for 300 ms): the time
 * from the click to the end of the last draw, and the draws' own durations.
 */
export async function timeToDrawn(page: Page, selector: string, name: string): Promise<{ drawn: number; draws: number[] }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const draws = [];
    let lastEnd = 0;
    let quiet;
    const clicked = performance.now();
    const settle = () => { clearTimeout(quiet); quiet = setTimeout(() => { observer.disconnect(); resolve({ drawn: lastEnd - clicked, draws }); }, 300); };
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === ${JSON.stringify(name)}) { draws.push(e.duration); lastEnd = e.startTime + e.duration; settle(); }
    });
    observer.observe({ type: 'measure' });
    document.querySelector(${JSON.stringify(selector)}).click();
    setTimeout(() => { if (draws.length === 0) { observer.disconnect(); resolve({ drawn: NaN, draws }); } }, 10000);
  })`)) as { drawn: number; draws: number[] };
}

export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.95)] ?? 0;
}
