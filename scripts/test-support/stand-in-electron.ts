// What the package test needs in place of Electron, which cannot be installed here: a stand-in
// distribution for electron-builder to wrap, the `electron` module for the packaged entry to
// start against, and a trap that records any download electron-builder attempts.

import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const ELECTRON_PACKAGE = join(ROOT, 'node_modules', 'electron');

/**
 * An unpacked Electron distribution as electron-builder's `electronDist` takes it: the
 * executable (here a script that only says what it is), Electron's LICENSE and its `version`.
 */
export function standInElectronDistribution(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const executable = join(dir, 'electron');
  writeFileSync(executable, '#!/bin/sh\necho "stand-in Electron: the real binary is not installed on this machine" >&2\nexit 1\n');
  chmodSync(executable, 0o755);
  copyFileSync(join(ELECTRON_PACKAGE, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'version'), electronVersion());
  return dir;
}

/** The Electron version the project installs, which electron-builder packages for. */
export function electronVersion(): string {
  return (JSON.parse(readFileSync(join(ELECTRON_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Makes `import … from 'electron'` in an extracted package resolve to the stand-in module. */
export function placeStandInElectronModule(appDir: string): void {
  const dir = join(appDir, 'node_modules', 'electron');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  copyFileSync(join(import.meta.dirname, 'electron-module-stand-in.cjs'), join(dir, 'index.js'));
}

export interface DownloadTrap {
  /** Variables that send electron-builder's downloads (Electron, its tool binaries, anything through a proxy) here. */
  env: NodeJS.ProcessEnv;
  /** Each request that arrived: `GET url` or `CONNECT host:port`. */
  attempts: string[];
  close(): Promise<void>;
}

/**
 * A loopback server standing where electron-builder downloads from. It answers 404, so an
 * attempt fails at once instead of reaching (or waiting for) the network, and says what it was.
 */
export async function downloadTrap(): Promise<DownloadTrap> {
  const attempts: string[] = [];
  const server = createServer((request, response) => {
    attempts.push(`${request.method} ${request.url}`);
    response.writeHead(404).end();
  });
  server.on('connect', (request, socket) => {
    attempts.push(`CONNECT ${request.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const trap = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      ELECTRON_MIRROR: `${trap}/electron/`,
      ELECTRON_BUILDER_BINARIES_MIRROR: `${trap}/electron-builder-binaries/`,
      ELECTRON_BUILDER_BINARIES_ALLOW_HTTP: 'true',
      HTTPS_PROXY: trap,
      https_proxy: trap,
      HTTP_PROXY: trap,
      http_proxy: trap,
    },
    attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The environment without anything that could send a download elsewhere than the trap: mirror
 * and proxy settings, and npm's own copies of them (`npm test` passes its config on as variables).
 */
export function withoutDownloadSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/(mirror|proxy)$|^npm_(package_)?config_electron/i.test(name)));
}

export interface Finished {
  status: number | null;
  output: string;
}

/** Runs a command to its end (killed after `limitMs`, so a hang fails instead of blocking), with stdout and stderr together. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; limitMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
