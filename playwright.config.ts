import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's Chromium (never `npx playwright install`). Screenshots of
// every test are kept in test-results/ as artifacts.
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['json', { outputFile: '.test-results/playwright.json' }]],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    // Wide enough for the whole toolbar (about 1,600 pixels; narrower, its less frequent actions go into the menu, which layout.spec.ts walks).
    viewport: { width: 1700, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
