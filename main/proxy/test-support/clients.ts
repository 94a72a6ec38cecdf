// Real clients: curl (Debian's), and a raw socket that sees exactly what arrives.

import { spawn } from 'node:child_process';
import net from 'node:net';

export interface CurlResult {
  status: number | null;
  /** Everything curl wrote to stdout: with -i --raw, the response as received. */
  output: Buffer;
  stderr: string;
}

export function curl(args: string[], timeoutMs = 20_000): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-i', '--raw', '--max-time', '15', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: Buffer.concat(out), stderr });
    });
  });
}

export interface RawResult {
  received: Buffer;
  end: 'fin' | 'rst' | 'error' | 'timeout';
}

/** Send bytes on a plain socket and collect everything until the connection ends. */
export function rawExchange(port: number, bytes: Uint8Array | string, options: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (end: RawResult['end']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), end });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'error'));
  });
}
