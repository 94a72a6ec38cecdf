// `npm run dist`, checked where Electron's binary is not: electron-builder packages the app with
// the project's own electron-builder.yml, for Linux as a plain folder (`--linux dir`, no
// installer), around a stand-in Electron distribution and with no network. app.asar must hold
// what the desktop app runs and nothing else, and its entry must start from it. The installers
// themselves (AppImage, deb, nsis, dmg) wrap this same app.asar; they need the real binary.

import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, IPC_PREFIX } from '../shared/api';
import { downloadTrap, placeStandInElectronModule, run, standInElectronDistribution, withoutDownloadSettings, type Finished } from './test-support/stand-in-electron';

const ROOT = join(import.meta.dirname, '..');
const ELECTRON_BUILDER = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');

/**
 * app.asar measured 2,285,859 bytes (2.2 MiB: the main bundle 1.9 MiB, the renderer 0.3 MiB), then
 * 3,351,834 bytes (3.2 MiB) once the engine's worker bundle shipped beside it.
 * Then 4,232,919 bytes (4.0 MiB) with the Node preload of `chunkscope run` (undici, 0.5 MiB),
 * the WebSocket parser and the instrument UI. The bound leaves about a third for growth; with
 * node_modules it was 22 MB.
 */
const ASAR_BOUND_BYTES = 6 * 1024 * 1024;

let work: string;
let packaging: Finished;
let downloadAttempts: string[];
let unpacked: string;
let asar: string;
/** The files in app.asar, as relative paths (`dist/preload.cjs`). */
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'chunkscope-package-'));
  const trap = await downloadTrap();
  try {
    packaging = await run(
      process.execPath,
      [ELECTRON_BUILDER, '--config', 'electron-builder.yml', '--linux', 'dir', '--publish', 'never', `-c.electronDist=${standInElectronDistribution(join(work, 'electron'))}`, `-c.directories.output=${join(work, 'release')}`],
      // An empty cache of its own, so nothing downloaded earlier can hide an attempt to download.
      { cwd: ROOT, env: { ...withoutDownloadSettings(process.env), ...trap.env, ELECTRON_BUILDER_CACHE: join(work, 'cache') }, limitMs: 120_000 },
    );
  } finally {
    await trap.close();
  }
  downloadAttempts = trap.attempts;
  unpacked = join(work, 'release', 'linux-unpacked');
  asar = join(unpacked, 'resources', 'app.asar');
  if (packaging.status === 0) files = listPackage(asar, { isPack: false }).map((path) => path.replace(/^[/\\]/, '').replaceAll('\\', '/')).filter(isFileInAsar);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Each check needs the package: each says why there is none. */
function expectPackaged(): void {
  const tried = downloadAttempts.length > 0 ? `it tried to download ${downloadAttempts.join(', ')}; ` : '';
  expect(packaging.status, `electron-builder could not package the app: ${tried}its output:\n${packaging.output}`).toBe(0);
}

/** Whether a path in app.asar is a file: the listing names directories too. */
function isFileInAsar(path: string): boolean {
  return !('files' in statFile(asar, path));
}

function packagedJson(path: string): Record<string, unknown> {
  return JSON.parse(extractFile(asar, path).toString('utf8')) as Record<string, unknown>;
}

describe('the package electron-builder makes (npm run dist)', () => {
  it('is made offline: electron-builder downloads nothing (no Electron, no tool binaries)', () => {
    expect(downloadAttempts, `electron-builder tried to download:\n${packaging.output}`).toEqual([]);
    expectPackaged();
  });

  it('is the stand-in Electron renamed to the app, with app.asar and nothing unpacked beside it', () => {
    expectPackaged();
    accessSync(join(unpacked, 'chunkscope'), constants.X_OK);
    expect(readdirSync(join(unpacked, 'resources'))).toEqual(['app.asar']);
  });

  it('holds the entry point app/package.json names, the preload, and the renderer with every asset its page loads', () => {
    expectPackaged();
    const main = (JSON.parse(readFileSync(join(ROOT, 'app', 'package.json'), 'utf8')) as { main: string }).main;
    expect(packagedJson('package.json').main).toBe(main);
    expect(files).toContain(main);
    expect(files).toContain('dist/preload.cjs');
    expect(files, 'the engine starts its worker thread from beside the entry point').toContain('dist/engine-worker.cjs');
    const page = extractFile(asar, 'dist/renderer/index.html').toString('utf8');
    const assets = [...page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => `dist/renderer/${match[1]}`);
    expect(assets.length, 'index.html loads no script or stylesheet of its own').toBeGreaterThan(0);
    for (const asset of assets) expect(files, `index.html loads ${asset}`).toContain(asset);
  });

  it('ships only what runs: no node_modules, no source maps, no CLI or benchmark bundles', () => {
    expectPackaged();
    const packages = files.map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1]).filter((name) => name !== undefined);
    expect(new Set(packages), `${packages.length} files of node_modules in app.asar`).toEqual(new Set());
    expect(files.filter((path) => path.endsWith('.map'))).toEqual([]);
    const shipped = new Set(files.map((path) => path.split('/').slice(0, 2).join('/')));
    expect([...shipped].sort()).toEqual(['dist/electron-main.mjs', 'dist/engine-worker.cjs', 'dist/node-preload-fetch.cjs', 'dist/node-preload.cjs', 'dist/preload.cjs', 'dist/renderer', 'package.json']);
    expect(statSync(asar).size).toBeLessThan(ASAR_BOUND_BYTES);
  });

  it('starts from app.asar with nothing but Electron and Node: the proxy listens, the window loads the page and preload that shipped', async () => {
    expectPackaged();
    const app = join(work, 'app');
    extractAll(asar, app);
    placeStandInElectronModule(app);
    const started = await run(process.execPath, [join(app, packagedJson('package.json').main as string)], {
      cwd: work,
      env: { ...process.env, NODE_PATH: '', CHUNKSCOPE_PROXY_PORT: '0', CHUNKSCOPE_DATA_DIR: join(work, 'data'), TMPDIR: work },
      limitMs: 60_000,
    });
    const line = started.output.split('\n').find((text) => text.startsWith('stand-in electron: '));
    expect(line, `the packaged entry did not get as far as its window:\n${started.output}`).toBeDefined();
    const report = JSON.parse(line!.slice('stand-in electron: '.length)) as { error: string | null; preload: string; renderer: string; exposed: { name: string; members: string[] } | null; channels: string[] };
    expect(report.error).toBeNull();
    expect(started.status).toBe(0);
    expect(started.output).toMatch(/^proxy listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(report.renderer).toBe(join(app, 'dist', 'renderer', 'index.html'));
    expect(report.preload).toBe(join(app, 'dist', 'preload.cjs'));
    expect(report.exposed?.name).toBe('chunkscope');
    expect(report.exposed?.members).toEqual(expect.arrayContaining([...API_METHODS, 'onUpdate', 'desktop']));
    expect(report.channels).toEqual(expect.arrayContaining(API_METHODS.map((method) => `${IPC_PREFIX}${method}`)));
  });
});
