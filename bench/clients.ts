// `npm run bench -- clients`: what the Node preload of `chunkscope run` and `env` costs each
// Node program started from such a shell: the start of `node -e 0` with the preload against
// the same without it, interleaved; and, for reference, the part for fetch (undici) on its
// own, which the preload loads only when a program first uses fetch.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, line } from './report';

const ROUNDS = 21;

export function benchClients(): void {
  process.stdout.write('\nclients · the Node preload (NODE_OPTIONS --require), at each Node start\n');
  const preload = fileURLToPath(new URL('./node-preload.cjs', import.meta.url));
  const fetchPart = fileURLToPath(new URL('./node-preload-fetch.cjs', import.meta.url));
  // A rate (starts per second), so that higher is better as interleave expects.
  const start = (args: string[]) => () => {
    const began = process.hrtime.bigint();
    execFileSync(process.execPath, [...args, '-e', '0']);
    return 1e9 / Number(process.hrtime.bigint() - began);
  };
  const plain = start([]);
  const withPreload = interleave(ROUNDS, start(['--require', preload]), plain);
  const fetchAlone = interleave(ROUNDS, start(['--require', fetchPart]), plain);
  const ms = (rate: number) => `${fmt(1000 / rate, 1)} ms`;
  line('node -e 0', [ms(withPreload.baseline)]);
  line('with the preload', [ms(withPreload.ours), `${fmt(1 / withPreload.ratio, 2)}x the time of a bare start`]);
  line("fetch's part (undici) alone", [ms(fetchAlone.ours), `${fmt(1 / fetchAlone.ratio, 2)}x: what loading it up front would add`]);
}
