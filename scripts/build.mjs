// Builds what runs into app/dist: the CLI and engine bundle, the benchmark, and the
// renderer (Vite). `npm ci` runs it (prepare); so do `npm start`, `npm test`, `npm run bench`.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build as vite } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}app/dist`, { recursive: true });

// Bundled CommonJS dependencies (commander, ws) call require(): give the ESM bundle one.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const node = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  banner: { js: requireShim },
  logLevel: 'warning',
  // ws tries these optional native speed-ups; without them it uses plain JavaScript.
  external: ['bufferutil', 'utf-8-validate'],
  // jsonc-parser's "main" is a UMD build that requires its parts at run time: bundle its ES modules.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

const preload = { ...node, format: 'cjs', banner: {}, target: 'node20', sourcemap: false, minify: true, external: ['socks-proxy-agent', 'pac-proxy-agent'] };

await Promise.all([
  build({ ...node, entryPoints: ['main/cli/main.ts'], outfile: 'app/dist/cli.mjs' }),
  // The engine's worker thread (main/engine/off-thread.ts finds it beside cli.mjs and
  // electron-main.mjs): CommonJS, which Electron loads from app.asar as Node does from disk.
  build({ ...node, entryPoints: ['main/engine/worker.ts'], outfile: 'app/dist/engine-worker.cjs', format: 'cjs', banner: {} }),
  // Playwright drives Chromium for the UI benchmark; it runs from the checkout, unbundled.
  build({ ...node, entryPoints: ['bench/main.ts'], outfile: 'app/dist/bench.mjs', external: [...node.external, '@playwright/test', 'playwright-core'] }),
  build({ ...node, entryPoints: ['bench/origin.ts'], outfile: 'app/dist/bench-origin.mjs' }),
  build({ ...node, entryPoints: ['bench/bare-relay.ts'], outfile: 'app/dist/bench-relay.mjs' }),
  build({ ...node, entryPoints: ['bench/bare-tls-relay.ts'], outfile: 'app/dist/bench-tls-relay.mjs' }),
  // The desktop shell: only these import electron, which Electron itself provides.
  build({ ...node, entryPoints: ['main/electron/main.ts'], outfile: 'app/dist/electron-main.mjs', external: [...node.external, 'electron'] }),
  build({ ...node, entryPoints: ['main/electron/preload.ts'], outfile: 'app/dist/preload.cjs', format: 'cjs', banner: {}, external: ['electron'] }),
  // Loaded into the user's own Node programs by `chunkscope run` and `env` (NODE_OPTIONS):
  // minified (every program parses the first); the second, undici for fetch, only when a
  // program first uses fetch. proxy-agent loads its SOCKS and PAC agents only for such
  // proxies, which Chunkscope never sets: left out, they keep the preload small.
  build({ ...preload, entryPoints: ['main/clients/node-preload.ts'], outfile: 'app/dist/node-preload.cjs' }),
  build({ ...preload, entryPoints: ['main/clients/fetch-preload.ts'], outfile: 'app/dist/node-preload-fetch.cjs' }),
  vite({ configFile: `${root}vite.renderer.config.ts` }),
]);
