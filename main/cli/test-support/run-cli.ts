// Runs the `chunkscope` command as a user would, from the checkout.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'chunkscope.mjs');

/** The data directory (the CA) tests use unless they say otherwise: never the user's own. */
const TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));

function environment(dataDir = TEST_DATA_DIR, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CHUNKSCOPE_DATA_DIR: dataDir, ...extra };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number; dataDir?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: environment(options.dataDir) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export function tempFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export interface RunningCli {
  /** The URL from "listening on URL" (for serve: the proxy's). */
  url: string;
  port: number;
  lines: string[];
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Start a listening command and wait for its "listening on" line. */
export function startCli(args: string[], timeoutMs = 15_000, dataDir?: string, env: NodeJS.ProcessEnv = {}): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: environment(dataDir, env) });
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    const watchers: (() => void)[] = [];
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code, signal) => done(code ?? (signal ? -1 : null))));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
      for (const w of watchers.splice(0)) w();
      const listening = lines.find((l) => /listening on http:\/\//.test(l));
      if (listening && timer) {
        clearTimeout(timer);
        const url = /http:\/\/[^\s]+/.exec(listening)![0];
        resolve({
          url,
          port: Number(new URL(url).port),
          lines,
          stderr: () => stderr,
          kill: (signal) => child.kill(signal),
          exited,
          waitForLine(pattern, ms = 10_000) {
            return new Promise((found, fail) => {
              const deadline = setTimeout(() => fail(new Error(`no line matching ${pattern} in ${ms} ms; got:\n${lines.join('\n')}`)), ms);
              const check = () => {
                const line = lines.find((l) => pattern.test(l));
                if (line) {
                  clearTimeout(deadline);
                  found(line);
                } else watchers.push(check);
              };
              check();
            });
          },
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!lines.some((l) => /listening on/.test(l))) reject(new Error(`exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}
