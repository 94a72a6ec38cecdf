// Memory under the loads that once grew the proxy without bound (issue 14, item 5): each
// load runs against a fresh `chunkscope proxy` (capture on, as `serve` always captures),
// and the proxy's resident memory is read from /proc after it, and at its peak. The
// target is the README's: under 300 MB after each. Sizes are chosen so that each load
// runs in seconds, not minutes, while still being far past every per-connection limit.
// CHUNKSCOPE_BENCH_LOADS=c,e runs only the loads named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../main/tls/ca';
import { downloads, interim, pipelined, sniNames, uploads } from './memory-loads';
import { memoryOf, startListening, type Started } from './processes';
import { fmt, line, seconds } from './report';

const dist = fileURLToPath(new URL('.', import.meta.url));
const TARGET_MB = 300;

const PIPELINED = 1_000_000;
const INTERIM = 1_000_000;
const SNI_NAMES = 4000;
const UPLOADS = { count: 20, mib: 60 };
const DOWNLOADS = { count: 200, mib: 8 };

interface Load {
  label: string;
  /** Extra arguments of the proxy; `reverse: false` runs it in forward mode. */
  args: string[];
  reverse: boolean;
  run(proxyPort: number): Promise<void>;
}

export async function benchMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-bench-memory-'));
  process.stdout.write(`\nMemory: the proxy's resident memory (RSS) after each load, and its peak; a fresh proxy with --capture for each (target < ${TARGET_MB} MB)\n`);
  // The TLS origin's certificate; the proxy is told to accept it (--insecure-upstream).
  const originCa = await CertificateAuthority.load(join(dir, 'origin-ca'));
  const leaf = await originCa.leaf('127.0.0.1');
  writeFileSync(join(dir, 'origin-cert.pem'), leaf.cert);
  writeFileSync(join(dir, 'origin-key.pem'), leaf.key, { mode: 0o600 });
  const origin = await startListening(join(dist, 'bench-origin.mjs'), []);
  const tlsOrigin = await startListening(join(dist, 'bench-origin.mjs'), ['--tls', join(dir, 'origin-cert.pem'), join(dir, 'origin-key.pem')]);
  const loads: Load[] = [
    { label: `(a) ${fmt(PIPELINED)} pipelined GETs, 1 connection`, args: [], reverse: true, run: (port) => pipelined(port, PIPELINED) },
    { label: `(b) ${fmt(INTERIM)} × 100 Continue, 1 response`, args: [], reverse: true, run: (port) => interim(port, INTERIM) },
    { label: `(c) ${fmt(SNI_NAMES)} SNI names (TLS, 16 at once)`, args: ['--insecure-upstream'], reverse: false, run: (port) => sniNames(port, tlsOrigin.port, SNI_NAMES, 16) },
    { label: `(d) ${UPLOADS.count} uploads of ${UPLOADS.mib} MiB, dechunk-requests`, args: ['--rule', 'dechunk-requests'], reverse: true, run: (port) => uploads(port, UPLOADS.count, UPLOADS.mib) },
    { label: `(e) ${DOWNLOADS.count} downloads of ${DOWNLOADS.mib} MiB at once`, args: [], reverse: true, run: (port) => downloads(port, DOWNLOADS.count, DOWNLOADS.mib) },
  ];
  const wanted = process.env.CHUNKSCOPE_BENCH_LOADS?.split(',');
  try {
    for (const [i, load] of loads.entries()) {
      if (wanted && !wanted.includes(load.label.slice(1, 2))) continue;
      const capture = join(dir, `load-${i}.cscap`);
      const reverse = load.reverse ? ['--reverse', `http://127.0.0.1:${origin.port}`] : [];
      let proxy: Started | null = null;
      try {
        proxy = await startListening(join(dist, 'cli.mjs'), ['proxy', '--port', '0', '--quiet', '--capture', capture, ...reverse, ...load.args], [], { CHUNKSCOPE_DATA_DIR: join(dir, 'data') });
        const idle = memoryOf(proxy.child.pid!);
        const start = process.hrtime.bigint();
        await load.run(proxy.port);
        const took = seconds(start);
        const after = memoryOf(proxy.child.pid!);
        line(load.label, [
          `rss ${fmt(after.rss)} MB after (${fmt(idle.rss)} MB idle), ${fmt(after.peak)} MB peak`,
          `${after.rss < TARGET_MB && after.peak < TARGET_MB ? 'meets' : 'MISSES'} target < ${TARGET_MB} MB`,
          `${took.toFixed(1)} s`,
        ]);
      } catch (error) {
        line(load.label, [`could not run: ${error instanceof Error ? error.message : String(error)}`]);
      } finally {
        await proxy?.stop();
        rmSync(capture, { force: true });
      }
    }
  } finally {
    await origin.stop();
    await tlsOrigin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
