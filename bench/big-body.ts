// A big body opened once it is all there: a stream of a million server-sent events (one
// chunk each, 45 MB) relayed by the engine of `serve`, then its detail paged through as the
// renderer does, its Stream view caught up, and raw pages read across it. The event loop's
// worst delay while the detail opens (the relay's reads would wait that long) against the
// same while the stream was only relayed, in the same run, and an idle process's meanwhile.
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../main/engine/engine';
import { idleReference, startListening } from './processes';
import { fmt, line } from './report';

const dist = fileURLToPath(new URL('.', import.meta.url));
const EVENTS = 1_000_000;
const RATE = 250_000;

function receive(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(`GET /sse?events=${EVENTS}&rate=${RATE} HTTP/1.1\r\nHost: bench\r\n\r\n`));
    let tail = '';
    socket.on('data', (d: Buffer) => {
      tail = (tail + d.toString('latin1')).slice(-16);
      if (tail.endsWith('\r\n0\r\n\r\n')) {
        resolve();
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

/** The worst and 99th-percentile event-loop delay while `work` runs, ms, and an idle process's meanwhile. */
async function delays(work: () => Promise<void>): Promise<{ worst: number; p99: number; idle: number }> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const idle = idleReference();
  await work();
  lag.disable();
  return { worst: lag.max / 1e6, p99: lag.percentile(99) / 1e6, idle: (await idle.stop()).worst };
}

export async function benchBigBody(): Promise<void> {
  process.stdout.write(`\nA big body opened once it is all there: ${fmt(EVENTS)} server-sent events, a chunk each, through the engine of \`serve\`\n`);
  const origin = await startListening(join(dist, 'bench-origin.mjs'), []);
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: origin.port }, stallSeconds: 2 });
  const { proxy } = await engine.start();
  const port = Number(new URL(proxy).port);
  let id: string | null = null;
  const stop = engine.onUpdate((batch) => {
    JSON.stringify(batch); // as the bridge sends it
    for (const row of batch.rows ?? []) if (row.path?.startsWith('/sse')) id = row.id;
  });
  try {
    const relayed = await delays(() => receive(port));
    let chunks = 0;
    let items = 0;
    let rawBytes = 0;
    const opened = await delays(async () => {
      // The Chunks tab as the renderer pages it, then the Stream view and the Raw tab.
      for (let from = 0; ; ) {
        const detail = await engine.exchangeDetail({ id: id!, chunksFrom: { request: 0, response: from } });
        JSON.stringify(detail);
        chunks = detail.row.chunks;
        if (!detail.response?.chunksMore) break;
        from = detail.response.chunkColumnsFrom + detail.response.chunkColumns!.sizes.length;
      }
      for (let from = 0; ; ) {
        const view = await engine.streamView({ id: id!, from });
        JSON.stringify(view);
        from = items = view.from + view.items.length;
        if (from >= view.total) break;
      }
      const connection = Number(id!.split(':')[0]);
      for (let page = 0; page < 50; page++) {
        const raw = await engine.raw({ connection, stream: 1, offset: page * 900_000, length: 64 * 1024 });
        rawBytes += JSON.stringify(raw).length;
      }
    });
    line('event loop, worst delay', [`opening its detail ${fmt(opened.worst, 1)} ms`, `relaying it ${fmt(relayed.worst, 1)} ms`, `${opened.worst < 50 ? 'meets' : 'MISSES'} target < 50 ms`]);
    line('event loop, 99th percentile', [`opening ${fmt(opened.p99, 1)} ms`, `relaying ${fmt(relayed.p99, 1)} ms`]);
    line('an idle process meanwhile, worst', [`${fmt(opened.idle, 1)} ms (${fmt(relayed.idle, 1)} ms)`]);
    line('what was opened', [`${fmt(chunks)} chunks`, `${fmt(items)} stream items`, `50 raw pages (${fmt(rawBytes / 1e6, 1)} MB sent)`]);
  } finally {
    stop();
    await engine.close();
    await origin.stop();
  }
}
