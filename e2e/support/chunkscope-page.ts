// The page object for the Chunkscope UI: the same steps drive the browser UI and the
// Electron window.
import { expect, type Locator, type Page } from '@playwright/test';

export class ChunkscopePage {
  constructor(readonly page: Page) {}

  /**
   * The UI of a `chunkscope serve`, on a cleared session; with `capturing`, capture is
   * on too (after viewing a file it stays off until asked for).
   */
  static async open(page: Page, served: { ui: string; proxy: string }, options: { capturing?: boolean } = {}): Promise<ChunkscopePage> {
    const app = new ChunkscopePage(page);
    await page.goto(served.ui);
    await expect(page.getByTestId('proxy-address')).toContainText(served.proxy);
    await app.clear();
    if (options.capturing) {
      if ((await page.getByTestId('capture-toggle').textContent())?.includes('Start')) await page.getByTestId('capture-toggle').click();
      await expect(page.getByTestId('capture-toggle')).toHaveText(/Stop capture/);
    }
    return app;
  }

  rows(): Locator {
    return this.page.getByTestId('row');
  }

  /** The row of the request whose path is `path`. */
  row(path: string): Locator {
    return this.rows().filter({ has: this.page.locator(`[data-col="path"]`, { hasText: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  }

  cell(row: Locator, column: string): Locator {
    return row.locator(`[data-col="${column}"]`);
  }

  async open(path: string): Promise<void> {
    await this.row(path).click();
    await expect(this.page.getByTestId('detail')).toBeVisible();
  }

  async tab(name: 'chunks' | 'stream' | 'body' | 'messages' | 'timeline' | 'raw' | 'headers'): Promise<void> {
    await this.page.getByTestId(`tab-${name}`).click();
  }

  sizeTokens(): Locator {
    return this.page.getByTestId('size-token');
  }

  /** The detail's headline: the account of what happened to the exchange. */
  headline(): Locator {
    return this.page.getByTestId('headline');
  }

  async filter(text: string): Promise<void> {
    await this.page.keyboard.press('/');
    await expect(this.page.getByTestId('filter')).toBeFocused();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.type(text);
  }

  /** Open a capture file as the browser does (an upload), in a session tab of its own; wait until its rows are all read. */
  async openCapture(path: string, exchanges: number): Promise<void> {
    await this.page.getByTestId('open-file').setInputFiles(path);
    // A big file is listed as it is read, in batches: on a busy machine 10,000 exchanges take more than the default 5 s.
    await expect(this.page.getByTestId('shown-count')).toHaveText(`${exchanges.toLocaleString('en-US')} ${exchanges === 1 ? 'exchange' : 'exchanges'}`, { timeout: 30_000 });
  }

  /** Search the session's headers and bodies: typed in the search box (in the bar when the toolbar is narrow), Enter. */
  async search(query: string): Promise<Locator> {
    await this.page.keyboard.press('ControlOrMeta+Shift+F');
    await expect(this.page.getByTestId('search')).toBeFocused();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.type(query);
    await this.page.keyboard.press('Enter');
    return this.page.getByTestId('search-status');
  }

  /** The Body tab's viewer, by its name. */
  async viewer(name: 'tree' | 'pretty' | 'image' | 'text' | 'hex'): Promise<void> {
    await this.page.getByTestId(`viewer-${name}`).click();
    await expect(this.page.getByTestId(`viewer-${name}`)).toHaveAttribute('aria-selected', 'true');
  }

  selected(): Locator {
    return this.page.locator('[data-testid="row"][aria-selected="true"]');
  }

  async view(which: 'sessions' | 'connections'): Promise<void> {
    await this.page.getByTestId(`view-${which}`).click();
  }

  lane(connection: number): Locator {
    return this.page.locator(`[data-testid="lane"][data-connection="${connection}"]`);
  }

  /** Back to the live session (closing the files a test opened), then empty it, confirming when asked. */
  async clear(): Promise<void> {
    const closeFile = this.page.locator('[data-testid^="close-s"]');
    const dialog = this.page.getByTestId('clear-dialog');
    await expect(async () => {
      // A file with pins or comments not saved asks first.
      if (await dialog.isVisible()) await this.page.getByTestId('clear-confirm').click();
      else if ((await closeFile.count()) > 0) await closeFile.first().click();
      await expect(closeFile).toHaveCount(0, { timeout: 500 });
    }).toPass();
    await this.page.getByTestId('clear').click();
    await expect(async () => {
      if (await dialog.isVisible()) await this.page.getByTestId('clear-confirm').click();
      await expect(this.rows()).toHaveCount(0, { timeout: 500 });
    }).toPass();
  }

  /** Step through the Timeline's chunk marks with the keys, as a person without a mouse would; the tip it shows. */
  async timelineStep(key: 'ArrowRight' | 'ArrowLeft', times = 1): Promise<Locator> {
    await this.page.getByTestId('timeline-plot').locator('.plot-surface').focus();
    for (let i = 0; i < times; i++) await this.page.keyboard.press(key);
    return this.page.getByTestId('timeline-tip');
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }
}
