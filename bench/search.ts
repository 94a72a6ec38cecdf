// Search (issue 17): a body search across 10,000 exchanges and 1 GiB of capture, in MB/s
// against `grep -c` over the same file in the same run (GNU grep in the C locale, its
// fastest: a floor no HTTP-aware search reaches, since it neither parses the framing nor
// decodes gzip); and the relay's worst event-loop delay while the engine of `serve` runs
// the search, against relaying alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SearchArgs, SearchUpdate } from '../shared/search';
import { Engine } from '../main/engine/engine';
import { startSearchThread } from '../main/engine/search-thread';
import { relayWhile } from './open-live';
import { startListening } from './processes';
import { fmt, line, median, seconds } from './report';
import { NEEDLE, writeSearchCapture } from './search-capture';

const dist = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = 3;

/** Our search of the file, start to end: its time and its last update. */
function ours(path: string, args: SearchArgs, until: number): Promise<{ seconds: number; last: Omit<SearchUpdate, 'id'> }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => startSearchThread(path, args, { until }, (u) => u.state !== 'running' && resolve({ seconds: seconds(start), last: u })));
}

function grep(flags: string[], pattern: string, path: string): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const run = spawnSync('grep', [...flags, pattern, path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (run.status !== 0 && run.status !== 1) throw new Error(`grep failed: ${run.stderr}`);
  return { seconds: seconds(start), count: Number(run.stdout.trim()) };
}

export async function benchSearch(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-bench-search-'));
  const path = join(dir, 'search.cscap');
  try {
    const made = writeSearchCapture(path);
    const bytes = statSync(path).size;
    const mb = bytes / 1024 / 1024;
    process.stdout.write(`\nSearch: ${fmt(made.exchanges)} exchanges, ${fmt(mb / 1024, 2)} GiB of capture (chunked JSON lines, ${fmt(made.gzipBodies)} gzip bodies); "${NEEDLE}" in ${fmt(made.withNeedle)} exchanges, ${fmt(made.insideGzip)} of them inside gzip\n`);
    grep(['-c', '-F'], NEEDLE, path); // the page cache holds the file for both from here on
    const modes: { label: string; args: SearchArgs; grep: string[]; pattern: string }[] = [
      { label: 'text, any case', args: { query: NEEDLE.toLowerCase(), mode: 'text' }, grep: ['-c', '-i', '-F'], pattern: NEEDLE.toLowerCase() },
      { label: 'regular expression', args: { query: 'Chunkscope-Needle-\\d+', mode: 'regex' }, grep: ['-c', '-E'], pattern: 'Chunkscope-Needle-[0-9]+' },
    ];
    for (const mode of modes) {
      const times: number[] = [];
      const grepTimes: number[] = [];
      let found = { exchanges: 0, grep: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const run = await ours(path, mode.args, bytes);
        times.push(run.seconds);
        const g = grep(mode.grep, mode.pattern, path);
        grepTimes.push(g.seconds);
        found = { exchanges: run.last.exchanges, grep: g.count };
      }
      const rate = mb / median(times);
      const grepRate = mb / median(grepTimes);
      line(`body search, ${mode.label}`, [`${fmt(rate)} MB/s`, `grep ${mode.grep.join(' ')} ${fmt(grepRate)} MB/s`, `${fmt(rate / grepRate, 2)}x grep`, `found in ${fmt(found.exchanges)} exchanges (grep: ${fmt(found.grep)} lines; it cannot see inside gzip)`]);
    }
    await eventLoop(path, bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The relay's worst delay while the engine searches the capture, against relaying alone. */
async function eventLoop(path: string, bytes: number): Promise<void> {
  const origin = await startListening(join(dist, 'bench-origin.mjs'), []);
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: origin.port }, stallSeconds: 2 });
  const { proxy } = await engine.start();
  const port = Number(new URL(proxy).port);
  try {
    await engine.openCapture({ path });
    let worst = 0;
    let alone = 0;
    const p99: number[] = [];
    const p99Alone: number[] = [];
    let slowest = 0;
    let slowestAlone = 0;
    let answered = 0;
    let updates = 0;
    let searchSeconds = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const quiet = relayWhile(port);
      const floor = monitorEventLoopDelay({ resolution: 5 });
      floor.enable();
      await new Promise((resolve) => setTimeout(resolve, searchSeconds * 1000));
      floor.disable();
      slowestAlone = Math.max(slowestAlone, (await quiet.stop()).slowest);
      alone = Math.max(alone, floor.max / 1e6);
      p99Alone.push(floor.percentile(99) / 1e6);

      const relay = relayWhile(port);
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const start = process.hrtime.bigint();
      const done = new Promise<void>((resolve) => {
        const off = engine.onUpdate((batch) => {
          if (!batch.search) return;
          updates++;
          if (batch.search.state !== 'running') {
            off();
            resolve();
          }
        });
      });
      await engine.finding.search({ query: NEEDLE, mode: 'text' });
      await done;
      searchSeconds = seconds(start);
      lag.disable();
      const relayed = await relay.stop();
      worst = Math.max(worst, lag.max / 1e6);
      p99.push(lag.percentile(99) / 1e6);
      slowest = Math.max(slowest, relayed.slowest);
      answered += relayed.answered;
    }
    // The worst delay is the machine's as much as ours (two cores, shared): relaying alone, measured alike, is the reference.
    line('event loop, worst delay while searching', [`${fmt(worst, 1)} ms (p99 ${fmt(median(p99), 1)} ms)`, `relaying alone: ${fmt(alone, 1)} ms (p99 ${fmt(median(p99Alone), 1)} ms)`, `${worst < 50 ? 'meets' : 'MISSES'} target < 50 ms`, `search of ${fmt(bytes / 1024 / 1024)} MB in ${fmt(searchSeconds, 1)} s, ${fmt(updates / ROUNDS)} updates each`]);
    line('GETs relayed while searching', [`${fmt(answered)}, the slowest ${fmt(slowest, 1)} ms`, `relaying alone: the slowest ${fmt(slowestAlone, 1)} ms`]);
  } finally {
    await engine.close();
    await origin.stop();
  }
}
