// `chunkscope serve` as a user runs it: the built CLI, its two lines, Ctrl-C to stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Served {
  ui: string;
  proxy: string;
  proxyPort: number;
  /** The data directory it keeps its CA in: a temporary one, never the user's. */
  dataDir: string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/chunkscope.mjs', import.meta.url));

export function startServe(args: string[] = [], options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Served> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--proxy-port', '0', '--stall-after', '0.5', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env, CHUNKSCOPE_DATA_DIR: dataDir },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const proxy = /^proxy listening on (http:\/\/\S+)$/m.exec(out)?.[1];
      const ui = /^UI listening on (http:\/\/\S+)$/m.exec(out)?.[1];
      if (proxy && ui) {
        clearTimeout(timer);
        resolve({
          ui,
          proxy,
          proxyPort: Number(new URL(proxy).port),
          dataDir,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGINT');
            }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}
