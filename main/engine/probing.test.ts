// "Probe a client" in the engine: curl run against the lab's scenarios through a proxy
// port of its own, each step in the update stream, the verdicts as the CLI gives them,
// each result with the exchanges it made (in the live session, tagged with the command);
// a cancel that kills the command and its lab, leaving nothing running; and the bridge,
// which refuses to run a program for a page unless serve was told it may.

import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { API, type ExchangeRow } from '../../shared/api';
import type { ProbeUpdate } from '../../shared/probe';
import { createDispatch } from '../api/dispatch';
import { HAS_PROC, readStat } from '../probe/process-tree';
import { Engine } from './engine';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function engine() {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-probing-'));
  const started = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2, https: { noIntercept: [], insecureUpstream: false, dir }, clients: { dataDir: dir, advertise: false, systemEnv: {} } });
  await started.start();
  cleanups.push(() => started.close());
  const rows = new Map<string, ExchangeRow>();
  const probes: ProbeUpdate[] = [];
  started.onUpdate((batch) => {
    for (const row of batch.rows ?? []) rows.set(row.id, row);
    if (batch.probe) probes.push(batch.probe);
  });
  const last = () => probes.at(-1);
  return { engine: started, rows, probes, last, dir };
}

const CURL = 'curl -sS -o /dev/null {url}';

describe('probing a client from the app', () => {
  it('curl over three scenarios: each step told, the verdicts, and each result opens the exchange it made, tagged', async () => {
    const { engine: e, rows, probes, last } = await engine();
    const started = await e.probing.start({ command: `  ${CURL} `, only: ['ok', 'no-terminator', 'reset-mid-chunk'], timeoutSeconds: 5 });
    expect(started).toEqual({ id: 'p1', scenarios: ['ok', 'no-terminator', 'reset-mid-chunk'] });
    await expect.poll(() => last()?.state, { timeout: 30_000 }).toBe('done');
    // Told as it went: the lab, then each scenario as its command started, then each result.
    expect(probes[0]).toMatchObject({ state: 'running', command: CURL, lab: null, results: [] });
    expect(probes.map((p) => p.current).filter((c, i, all) => c && c !== all[i - 1])).toEqual(['ok', 'no-terminator', 'reset-mid-chunk']);
    expect(probes.map((p) => p.results.length)).toEqual([...probes.map((p) => p.results.length)].sort((a, b) => a - b));

    const results = last()!.results;
    expect(results.map((r) => [r.scenario, r.outcome, r.exitStatus, r.asExpected, r.hung])).toEqual([
      ['ok', 'accepted', 0, true, false],
      ['no-terminator', 'reported-error', 18, true, false],
      ['reset-mid-chunk', 'reported-error', 56, true, false],
    ]);
    expect(last()!.lab).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const labHost = new URL(last()!.lab!).host;
    for (const result of results) {
      expect(result.exchanges, result.scenario).toHaveLength(1);
      const row = rows.get(result.exchanges[0]!) ?? (await e.exchangeDetail({ id: result.exchanges[0]! })).row;
      expect(row, result.scenario).toMatchObject({ host: labHost, path: `/${result.scenario}`, clientTag: { launched: 'probe', tag: CURL } });
    }
    // What the proxy relayed is what the lab sent: the no-terminator response came in two chunks and no last chunk.
    expect((await e.exchangeDetail({ id: results[1]!.exchanges[0]! })).row).toMatchObject({ chunks: 2, terminator: 'missing' });
    expect(results[1]!.bytesSent).toBeGreaterThan(0);
    // The run's port is closed once it ends: the proxy keeps no listener for it.
    expect(e.probing.cancel({ id: 'p1' })).toEqual({ cancelled: false });
  });

  it.skipIf(!HAS_PROC)('cancel kills the command and everything it started, closes the lab, and says so', async () => {
    const { engine: e, last, dir } = await engine();
    const pids = join(dir, 'pids');
    const waiter = fileURLToPath(new URL('../probe/test-support/waits-for-last-chunk.mjs', import.meta.url));
    // A shell that starts a client waiting for ever for the last chunk, and writes both pids.
    const command = `sh -c 'echo $$ >> ${pids}; ${process.execPath} ${waiter} "$0" & echo $! >> ${pids}; wait' {url}`;
    const { id } = await e.probing.start({ command, only: ['no-terminator'], timeoutSeconds: 120 });
    await expect.poll(() => (readFileSyncOrEmpty(pids).trim().split('\n').filter(Boolean).length), { timeout: 10_000 }).toBe(2);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    const lab = new URL(last()!.lab!);
    expect(started.filter(running)).toHaveLength(2);

    expect(e.probing.cancel({ id })).toEqual({ cancelled: true });
    await expect.poll(() => last()?.state, { timeout: 15_000 }).toBe('cancelled');
    expect(last()!.error).toBe("interrupted after 0 scenarios; the command's processes were killed");
    expect(started.filter(running)).toEqual([]);
    expect(await refused(Number(lab.port))).toBe(true);
    // Another probe may start now.
    await expect(e.probing.start({ command: CURL, only: ['ok'], timeoutSeconds: 5 })).resolves.toMatchObject({ id: 'p2' });
  });

  it.skipIf(!HAS_PROC)('two probes asked for at once: the second is refused, so closing the engine leaves no command of either running', async () => {
    const { engine: e, dir } = await engine();
    const pids = join(dir, 'pids');
    const command = `sh -c 'echo $$ >> ${pids}; exec sleep 1000' {url}`;
    const asked = await Promise.allSettled([0, 1].map(() => e.probing.start({ command, only: ['ok'], timeoutSeconds: 600 })));
    expect(asked.map((a) => a.status)).toEqual(['fulfilled', 'rejected']);
    expect(String((asked[1] as PromiseRejectedResult).reason)).toContain('another probe is starting: cancel it first');
    await expect.poll(() => readFileSyncOrEmpty(pids).trim().split('\n').filter(Boolean).length, { timeout: 10_000 }).toBe(1);
    await e.close();
    expect(readFileSync(pids, 'utf8').trim().split('\n').map(Number).filter(running)).toEqual([]);
  });

  it('a probe asked for as soon as the last one says it was cancelled starts once that one has let go of its port', async () => {
    const { engine: e, probes } = await engine();
    const { id } = await e.probing.start({ command: `sh -c 'exec sleep 1000' {url}`, only: ['ok'], timeoutSeconds: 600 });
    await expect.poll(() => probes.at(-1)?.current, { timeout: 10_000 }).toBe('ok');
    let next: Promise<unknown> | null = null;
    // As a UI would: the update that says "cancelled" enables the button, and the user presses it.
    e.onUpdate((batch) => {
      if (batch.probe?.id === id && batch.probe.state === 'cancelled') next ??= e.probing.start({ command: CURL, only: ['ok'], timeoutSeconds: 5 }).catch((error: Error) => error.message);
    });
    expect(e.probing.cancel({ id })).toEqual({ cancelled: true });
    await expect.poll(() => next !== null, { timeout: 15_000 }).toBe(true);
    expect(await next).toMatchObject({ id: 'p2' });
    await expect.poll(() => probes.at(-1), { timeout: 30_000 }).toMatchObject({ id: 'p2', state: 'done' });
  });

  it('refuses what cannot run as written, with a sentence', async () => {
    const { engine: e } = await engine();
    await expect(e.probing.start({ command: 'curl -sS https://example.test' })).rejects.toThrow('the command has no {url}: put {url} where the URL goes');
    await expect(e.probing.start({ command: 'curl -sS {url} | head' })).rejects.toThrow(`"|" needs a shell, and the command is run without one: wrap it in sh -c '…'`);
    await expect(e.probing.start({ command: CURL, only: ['no-such'] })).rejects.toThrow('no scenario is named "no-such"');
    await expect(e.probing.start({ command: 'no-such-program-here {url}', only: ['ok'] })).resolves.toMatchObject({ id: 'p1' });
    await expect.poll(() => e.probing.cancel({ id: 'p1' }).cancelled, { timeout: 10_000 }).toBe(false);
  });

  it('over the bridge: refused to a page unless serve was given --allow-commands; the desktop may', async () => {
    const { engine: e } = await engine();
    const page = createDispatch(e, (method) => API[method].where !== 'desktop');
    await expect(page('probe', { command: CURL })).rejects.toThrow('"probe" runs a program on this machine, which a page in a browser may not ask for: use the desktop app, or start chunkscope serve with --allow-commands');
    await expect(page('cancelProbe', { id: 'p1' })).rejects.toThrow(/runs a program/);
    expect(await page('probeScenarios', undefined)).toContainEqual(expect.objectContaining({ name: 'no-terminator', expected: 'error' }));
    expect(API.probe).toMatchObject({ where: 'desktop', runs: true });
    const desktop = createDispatch(e);
    await expect(desktop('probe', { command: CURL, timeoutSeconds: 0 })).rejects.toThrow(/bad arguments for probe: timeoutSeconds/);
  });
});

function readFileSyncOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function running(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}
