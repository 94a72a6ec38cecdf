// The page object for breakpoints: rules set in the Rules panel, the Held panel's
// messages and their steps, and the row that says an exchange is held.
import { expect, type Locator, type Page } from '@playwright/test';

export class HeldPage {
  constructor(readonly page: Page) {}

  /** Make the live proxy's rules exactly these, through the Rules panel (in the menu when the window is narrow). */
  async setRules(texts: string[]): Promise<void> {
    await this.openRules();
    const remove = this.page.getByTestId('rule-remove');
    for (let n = await remove.count(); n > 0; n--) {
      await remove.first().click();
      await expect(remove).toHaveCount(n - 1);
    }
    for (const text of texts) {
      await this.page.getByTestId('rule-input').fill(text);
      await this.page.getByTestId('rule-add').click();
    }
    await expect(this.page.getByTestId('rule')).toHaveCount(texts.length);
    await this.page.getByTestId('rules-close').click();
  }

  async openRules(): Promise<void> {
    if (await this.page.getByTestId('rules-panel').isVisible()) return;
    if (await this.page.getByTestId('menu').isVisible()) await this.page.getByTestId('menu').click();
    await this.page.getByTestId('rules-toggle').click();
    await expect(this.page.getByTestId('rules-panel')).toBeVisible();
  }

  /** The timeout, set in the Held panel's field (`where`: 'held') or the Rules panel's. */
  async setReleaseAfter(seconds: number, where: 'held' | 'rules' = 'rules'): Promise<void> {
    const id = where === 'held' ? 'held-release-after' : 'release-after';
    if (where === 'rules') await this.openRules();
    await this.page.getByTestId(id).fill(String(seconds));
    await this.page.getByTestId(`${id}-set`).click();
    await expect(this.page.getByTestId(id)).toHaveValue(String(seconds));
    await expect(this.page.getByTestId(`${id}-set`)).toHaveCount(0); // the engine took it
    if (where === 'rules') await this.page.getByTestId('rules-close').click();
  }

  panel(): Locator {
    return this.page.getByTestId('held-panel');
  }

  items(): Locator {
    return this.page.getByTestId('held');
  }

  /** The held message whose request went to `path` (its method and path shown). */
  item(path: string): Locator {
    return this.items().filter({ has: this.page.locator('.held-target', { hasText: new RegExp(` ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  }

  where(item: Locator): Locator {
    return item.getByTestId('held-where');
  }

  async step(item: Locator, button: 'next-chunk' | 'rest' | 'edit' | 'edit-head' | 'drop-last' | 'stall' | 'end-fin' | 'end-rst'): Promise<void> {
    await item.getByTestId(`held-${button}`).click();
  }

  /** What the timeout released, as the panel says it. */
  released(): Locator {
    return this.page.getByTestId('held-released');
  }
}
