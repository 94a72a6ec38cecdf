// `chunkscope serve` as a user runs it: the built CLI, its two lines, Ctrl-C to stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Served {
  ui: string;
  proxy: string;
  proxyPort: number;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/chunkscope.mjs', import.meta.url));

export function startServe(args: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--proxy-port', '0', '--stall-after', '0.5', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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
