// Builds what runs: the CLI and engine bundle (and the benchmark) into app/dist.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}app/dist`, { recursive: true });

// Bundled CommonJS dependencies (commander) call require(): give the ESM bundle one.
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
};

await Promise.all([
  build({ ...node, entryPoints: ['main/cli/main.ts'], outfile: 'app/dist/cli.mjs' }),
  build({ ...node, entryPoints: ['bench/main.ts'], outfile: 'app/dist/bench.mjs' }),
  build({ ...node, entryPoints: ['bench/origin.ts'], outfile: 'app/dist/bench-origin.mjs' }),
  build({ ...node, entryPoints: ['bench/bare-relay.ts'], outfile: 'app/dist/bench-relay.mjs' }),
]);
