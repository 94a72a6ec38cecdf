// Opening a capture while the proxy relays (issue 14, item 6): the engine, as `serve`
// runs it, opens a 5 MB capture of 200,000 interim responses while a client sends small
// GETs through its proxy one after another. Measured in the same run: the event loop's
// worst delay during the open (the relay's reads wait that long), the slowest request,
// and the open's time against inspect's analysis of the same file (in this process).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { filePieces } from '../main/capture/file-pieces';
import { Engine } from '../main/engine/engine';
import { writeInterimCapture } from '../main/engine/test-support/interim-capture';
import { inspectCapture } from '../main/inspect/capture';
import { startListening } from './processes';
import { fmt, line, median, seconds } from './report';

const dist = fileURLToPath(new URL('.', import.meta.url));
const INTERIM = 200_000;
const SMALL_BYTES = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'.length;

/** GETs one after another on one connection until `stop()`; the slowest, in ms, and how many. */
export function relayWhile(port: number): { stop(): Promise<{ slowest: number; answered: number }> } {
  let running = true;
  let slowest = 0;
  let answered = 0;
  const done = new Promise<void>((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, send);
    let received = 0;
    let sent = process.hrtime.bigint();
    function send(): void {
      sent = process.hrtime.bigint();
      socket.write('GET /small HTTP/1.1\r\nHost: bench\r\n\r\n');
    }
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received < SMALL_BYTES) return;
      received -= SMALL_BYTES;
      answered++;
      slowest = Math.max(slowest, Number(process.hrtime.bigint() - sent) / 1e6);
      if (running) send();
      else {
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', reject);
  });
  return {
    stop: async () => {
      running = false;
      await done;
      return { slowest, answered };
    },
  };
}

export async function benchOpenLive(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-bench-open-'));
  const path = join(dir, 'interim.cscap');
  writeInterimCapture(path, INTERIM);
  process.stdout.write(`\nOpening a capture while relaying: ${fmt(INTERIM)} interim responses (5 MB) opened in the engine of \`serve\` while a client sends GETs through its proxy\n`);
  const origin = await startListening(join(dist, 'bench-origin.mjs'), []);
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: origin.port }, stallSeconds: 2 });
  const { proxy } = await engine.start();
  const port = Number(new URL(proxy).port);
  try {
    const inspectTimes: number[] = [];
    const openTimes: number[] = [];
    let worst = 0;
    let slowest = 0;
    let answered = 0;
    let quiet = { worst: 0, slowest: 0 };
    for (let round = 0; round < 3; round++) {
      let start = process.hrtime.bigint();
      inspectCapture(filePieces(path));
      inspectTimes.push(seconds(start));

      // The same relaying for as long, opening nothing: what this machine allows anyway.
      const alone = relayWhile(port);
      const floor = monitorEventLoopDelay({ resolution: 5 });
      floor.enable();
      await new Promise((resolve) => setTimeout(resolve, Math.max(200, (openTimes.at(-1) ?? 0.5) * 1000)));
      floor.disable();
      const relayedAlone = await alone.stop();
      quiet = { worst: Math.max(quiet.worst, floor.max / 1e6), slowest: Math.max(quiet.slowest, relayedAlone.slowest) };

      const relay = relayWhile(port);
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      start = process.hrtime.bigint();
      await engine.openCapture({ path });
      openTimes.push(seconds(start));
      lag.disable();
      const relayed = await relay.stop();
      worst = Math.max(worst, lag.max / 1e6);
      slowest = Math.max(slowest, relayed.slowest);
      answered += relayed.answered;
      engine.setCapturing({ on: true }); // back to live traffic, as the user would
    }
    const open = median(openTimes);
    const inspect = median(inspectTimes);
    line('open vs inspect, same file', [`open ${fmt(open, 2)} s`, `inspect's analysis ${fmt(inspect, 2)} s`, `${fmt(open / inspect, 2)}x (${open / inspect <= 1.5 ? 'meets' : 'MISSES'} target ≤ 1.5x)`]);
    line('event loop, worst delay while opening', [`${fmt(worst, 1)} ms`, `${worst < 50 ? 'meets' : 'MISSES'} target < 50 ms`, `relaying alone: ${fmt(quiet.worst, 1)} ms`]);
    line('GETs relayed while opening', [`${fmt(answered)}, the slowest ${fmt(slowest, 1)} ms`, `relaying alone: the slowest ${fmt(quiet.slowest, 1)} ms`]);
  } finally {
    await engine.close();
    await origin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
