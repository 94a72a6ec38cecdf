// `npm test`: build, type-check, lint, unit and integration tests (vitest), browser
// tests (Playwright). It ends with one line, "N passed, N failed, N skipped", so a run
// that executed nothing is visible. Type-check and lint count as one check each.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const results = `${root}.test-results`;
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = { ...process.env, CHUNKSCOPE_BUILT: '1', FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(title, command, args) {
  process.stdout.write(`\n── ${title} ──\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  process.stdout.write(`── ${title}: ${ok ? 'ok' : `failed (exit ${result.status ?? result.signal})`} in ${seconds}s ──\n`);
  return ok;
}

function check(title, command, args) {
  if (run(title, command, args)) passed++;
  else {
    failed++;
    failures.push(title);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

// A failed build makes every later result meaningless: stop there.
if (!run('build', process.execPath, ['scripts/build.mjs'])) {
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(1);
}

check('type-check (engine, CLI, tests)', bin('tsc'), ['-p', 'tsconfig.json']);
check('type-check (renderer)', bin('tsc'), ['-p', 'renderer/tsconfig.json']);
check('lint', bin('eslint'), ['.']);

const vitestJson = `${results}/vitest.json`;
const vitestOk = run('unit and integration tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A test file that failed to load has no tests to count: count it as a failure.
  const brokenFiles = vitest.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  failed += brokenFiles;
  if (vitest.numFailedTests + brokenFiles > 0) failures.push('vitest');
} else {
  failed++;
  failures.push('vitest (no report)');
}
if (!vitestOk && vitest && vitest.numFailedTests === 0 && failures.at(-1) !== 'vitest') {
  failed++;
  failures.push('vitest (exited with an error)');
}

if (existsSync(`${root}playwright.config.ts`)) {
  const playwrightJson = `${results}/playwright.json`;
  const playwrightOk = run('browser tests (Playwright)', bin('playwright'), ['test']);
  const report = readJson(playwrightJson);
  if (report) {
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
    if (report.stats.unexpected > 0) failures.push('playwright');
  } else {
    failed++;
    failures.push('playwright (no report)');
  }
  if (!playwrightOk && report && report.stats.unexpected === 0) {
    failed++;
    failures.push('playwright (exited with an error)');
  }
}

if (failures.length > 0) process.stdout.write(`\nfailed: ${failures.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
