#!/usr/bin/env node
// The `chunkscope` command: runs the built CLI (npm ci builds it; so does npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../app/dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('chunkscope: not built yet; run `npm run build` in the checkout (npm ci runs it too)\n');
  process.exit(2);
}
await import(cli);
