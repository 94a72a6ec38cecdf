// Tests run the built CLI as users do: build it first, unless the test runner
// (scripts/test.mjs) already did.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.CHUNKSCOPE_BUILT === '1') return;
  // Vitest sets NODE_ENV=test; the build is the one users run (React's production build).
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
