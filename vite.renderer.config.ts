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
  },
  logLevel: 'warn',
});
