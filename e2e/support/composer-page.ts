// The composer, the replay panel and the resend view, as a person drives them: the same
// steps for every spec that composes, resends or serves.
import { expect, type Locator, type Page } from '@playwright/test';

export class ComposerPage {
  constructor(readonly page: Page) {}

  /** Under the list, or in the toolbar's menu when the list is not shown and the window is narrow. */
  private async action(underList: string, inMenu: string): Promise<void> {
    if (await this.page.getByTestId(underList).isVisible()) return this.page.getByTestId(underList).click();
    await this.page.getByTestId('menu').click();
    await this.page.getByTestId(inMenu).click();
  }

  async openNew(): Promise<void> {
    await this.action('list-compose', 'compose-open');
    await expect(this.root()).toBeVisible();
  }

  async openReplay(): Promise<void> {
    await this.action('list-replay', 'replay-toggle');
    await expect(this.page.getByTestId('replay-panel')).toBeVisible();
  }

  root(): Locator {
    return this.page.getByTestId('composer');
  }

  /** Where to connect: host and port (the field is read when it loses the focus). */
  async to(hostPort: string): Promise<void> {
    await this.page.getByTestId('compose-host').fill(hostPort);
    await this.page.getByTestId('compose-host').press('Enter');
  }

  /** The field line named `name` (the first one). */
  field(name: string): Locator {
    return this.page.getByTestId('compose-field').filter({ has: this.page.locator(`[data-testid="field-name"][value="${name}"]`) });
  }

  chunk(n: number): Locator {
    return this.page.getByTestId('compose-chunk').nth(n - 1);
  }

  async tab(which: 'form' | 'text'): Promise<void> {
    await this.page.getByTestId(`composer-tab-${which}`).click();
  }

  text(): Locator {
    return this.page.getByTestId('plan-text');
  }

  /** The plan's text once the engine has written it (it ends with a newline). */
  async planText(): Promise<string> {
    await this.tab('text');
    await expect(this.text()).toHaveValue(/\n$/);
    return this.text().inputValue();
  }

  async send(via: 'directly' | 'through the proxy' = 'directly'): Promise<void> {
    await this.page.getByTestId('compose-via').selectOption({ label: via });
    await this.page.getByTestId('compose-send').click();
    await expect(this.page.getByTestId('compose-result')).toBeVisible();
  }

  /** Right-click the row, then an item of its menu. */
  async rowMenu(row: Locator, item: 'edit-resend' | 'resend-original' | 'resend-fast' | 'serve'): Promise<void> {
    await row.click({ button: 'right' });
    await this.page.getByTestId(`menu-${item}`).click();
  }
}
