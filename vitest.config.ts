import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Inline const enums as esbuild does in the shipped bundle: the parser's state
  // machines switch on them in hot loops, and tests should run the code users run.
  oxc: { typescript: { optimizeConstEnums: true } },
  test: {
    include: ['{main,shared,renderer,scripts}/**/*.test.{ts,tsx}'],
    globalSetup: ['scripts/vitest-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
