import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is built into app/dist/renderer, served by `chunkscope serve` and loaded
// by the Electron window. Relative paths: it works from file:// as from http://.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('./app/dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // React libraries mark their modules 'use client' for server rendering; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
