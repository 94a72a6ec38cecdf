// What a person sees, measured in the page: elements past the window's edge, labels that
// overlap, column headers that do not sit over their values. The in-page code is a string:
// the tests' types have no DOM.
import { expect, type Page } from '@playwright/test';

export interface Box {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Boxes of the visible elements matching `selector` (empty ones skipped). */
export async function boxes(page: Page, selector: string): Promise<Box[]> {
  return (await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((e) => e.checkVisibility())
    .map((e) => { const r = e.getBoundingClientRect(); return { text: (e.textContent || '').trim().slice(0, 40), left: r.left, right: r.right, top: r.top, bottom: r.bottom }; })
    .filter((b) => b.right - b.left > 0 && b.bottom - b.top > 0)`)) as Box[];
}

/** Pairs of boxes that overlap (touching edges allowed). */
export function overlaps(list: Box[]): [string, string][] {
  const found: [string, string][] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) found.push([a.text, b.text]);
    }
  return found;
}

/**
 * Nothing wider than the window, and every control and label (outside the list's own
 * sideways scroll) inside it. One scrolled out of sight inside a scroll box (a long help
 * list) is reached by scrolling that box: the box itself is what must be inside.
 */
export async function expectInsideWindow(page: Page): Promise<void> {
  const report = (await page.evaluate(`(() => {
    const scrolledAway = (e) => {
      for (let box = e.parentElement; box; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (!/(auto|scroll)/.test(style.overflowY + style.overflowX) || (box.scrollHeight <= box.clientHeight && box.scrollWidth <= box.clientWidth)) continue;
        const a = e.getBoundingClientRect();
        const b = box.getBoundingClientRect();
        return a.bottom <= b.top || a.top >= b.bottom || a.right <= b.left || a.left >= b.right;
      }
      return false;
    };
    const outside = [...document.querySelectorAll('button, input:not([type=file]), select, [role=tab], .plot-label, .tick-label, .lane-end-label, .plot-tip, [role=dialog]')]
      .filter((e) => e.checkVisibility() && !e.closest('.rows') && !scrolledAway(e))
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1); })
      .map((e) => (e.textContent || e.getAttribute('placeholder') || e.tagName).trim().slice(0, 30));
    return { page: document.documentElement.scrollWidth, window: innerWidth, outside };
  })()`)) as { page: number; window: number; outside: string[] };
  expect(report.page, 'the page is no wider than the window').toBeLessThanOrEqual(report.window);
  expect(report.outside, 'controls and labels outside the window').toEqual([]);
}

/** Each cell of the header `header` sits over the cell of its column in the first row `row` (same left and width). */
export async function expectHeadersAligned(page: Page, header: string, row: string): Promise<void> {
  const misaligned = (await page.evaluate(`(() => {
    const head = document.querySelector(${JSON.stringify(header)});
    const first = document.querySelector(${JSON.stringify(row)});
    if (!head || !first) return ['no header or no row'];
    const cells = [...first.children];
    return [...head.children].flatMap((cell, i) => {
      const a = cell.getBoundingClientRect();
      const b = cells[i] && cells[i].getBoundingClientRect();
      return b && Math.abs(a.left - b.left) <= 1 && Math.abs(a.width - b.width) <= 1 ? [] : [cell.textContent + ' at ' + a.left.toFixed(0) + ' over ' + (b ? b.left.toFixed(0) : 'nothing')];
    });
  })()`)) as string[];
  expect(misaligned, `${header} over ${row}`).toEqual([]);
}
