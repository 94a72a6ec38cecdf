// Breakpoints through the API, as the UI uses them: set as rules, the held list in the
// update batches, each step through the dispatcher (its arguments checked), the data of
// the next chunk for an editor, the timeout as a setting, and the detail's two framings.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExchangeRow, UpdateBatch } from '../../shared/api';
import type { HeldMessage, HeldTimedOut } from '../../shared/breakpoints';
import { createDispatch } from '../api/dispatch';
import { startLab } from '../lab/lab';
import { curlStream, StepLog } from '../rules/test-support/held';
import { Engine } from './engine';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An engine in front of the lab, with what a UI holds of the held list, and waits on it. */
async function started(rules: string[], stallSeconds = 30) {
  const lab = await startLab({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => lab.close());
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: { host: '127.0.0.1', port: lab.port }, stallSeconds });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const api = createDispatch(engine);
  await api('setRules', { rules: rules.map((text) => ({ text, enabled: true })) });
  const ui = { held: [] as HeldMessage[], lists: 0, timedOut: [] as HeldTimedOut[], rows: new Map<string, ExchangeRow>() };
  const waiters = new Set<() => void>();
  /** Resolves at the first update after which `check` holds. */
  const updated = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      const look = () => {
        if (!check()) return;
        waiters.delete(look);
        resolve();
      };
      waiters.add(look);
      look();
    });
  engine.onUpdate((batch: UpdateBatch) => {
    for (const row of batch.rows ?? []) ui.rows.set(row.id, row);
    if (batch.rows) for (const wake of [...waiters]) wake();
    if (!batch.held) return;
    ui.held = batch.held;
    ui.timedOut.push(...(batch.heldTimedOut ?? []));
    ui.lists++;
    for (const wake of [...waiters]) wake();
  });
  /** The first held message the UI's list shows with `check`, as soon as an update says so. */
  const shown = (check: (h: HeldMessage) => boolean, what: string) =>
    new Promise<HeldMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the list never showed ${what}: ${JSON.stringify(ui.held)}`)), 10_000);
      const look = () => {
        const found = ui.held.find(check);
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(found);
      };
      waiters.add(look);
      look();
    });
  return { engine, proxy, api, ui, shown, updated };
}

describe('breakpoints through the API', () => {
  it('the list shows a held response at once, steps go through `step`, an edit uses `heldData`, and the detail shows both framings', async () => {
    const { proxy, api, ui, shown, engine } = await started(['break-response:0 path:/drip']);
    const log = new StepLog();
    const client = curlStream(`${proxy}/drip?chunks=3&delay=0`, log.read);
    const held = await shown((h) => h.next?.complete === true && h.queuedChunks === 2, 'the response held before chunk #1');
    expect(held).toEqual({
      id: '1:0',
      direction: 'response',
      rule: 'break-response:0 path:/drip',
      state: 'held',
      before: 'chunk',
      chunk: 0,
      where: 'before chunk #1 (0 chunks delivered)',
      head: null,
      next: { part: 'chunk', sizeLine: '7', sizeToken: '7', size: 7, queued: 7, complete: true },
      edited: null,
      queuedBytes: 3 * 12 + 5,
      queuedChunks: 2,
      senderEnded: null,
      receiverEnded: null,
      releaseAt: expect.any(Number),
      heldSince: expect.any(Number),
    });
    expect(held.releaseAt! - Date.now()).toBeGreaterThan(290_000); // the default timeout: 5 min

    const after = (await api('step', { id: '1:0', direction: 'response', action: 'next' })) as HeldMessage;
    expect(after).toMatchObject({ state: 'held', chunk: 1, where: 'before chunk #2 (1 chunk delivered)' });
    expect(after.heldSince).toBeGreaterThanOrEqual(held.heldSince!); // held since the step, not since the first hold
    await log.until('drip 1');
    expect(ui.held[0]).toMatchObject({ chunk: 1 }); // the list agrees with the answer, without waiting for the next update
    expect(await api('heldData', { id: '1:0', direction: 'response' })).toEqual({ part: 'chunk', sizeLine: '7', data: Buffer.from('drip 2\n').toString('base64'), queued: 7, complete: true });
    await api('step', { id: '1:0', direction: 'response', action: 'edit', data: Buffer.from('edited 2\n').toString('base64') });
    expect(await api('step', { id: '1:0', direction: 'response', action: 'rest' })).toBeNull();
    expect(ui.held).toEqual([]); // said with the step's answer
    expect((await client.done).output).toBe('drip 1\nedited 2\ndrip 3\n');

    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.rules.map((r) => r.effect)).toEqual([
      'held the response before chunk #1 (0 chunks delivered)',
      'released chunk #1 as the server sent it',
      'released the rest (before chunk #2 (1 chunk delivered)) as the server sends it',
      'sent chunk #2 edited: size line "9" (the server sent "7"), 9 bytes of data (the server\'s: 7 bytes)',
    ]);
    // As delivered, and as the origin sent it.
    expect(detail.response!.chunkColumns!.sizeTokens).toEqual(['7', '9', '7']);
    expect(detail.original!.response!.chunkColumns!.sizeTokens).toEqual(['7', '7', '7']);
    expect(detail.row.rules).toBe(4);
  });

  it('refuses, in words, a step the schema or the message cannot take', async () => {
    const { proxy, api, shown } = await started(['break-response:1 path:/drip']);
    await expect(api('step', { id: '1:0', direction: 'response', action: 'next' })).rejects.toThrow('the response of c1 · request #1 is not held (it went on, or its connection ended)');
    const client = curlStream(`${proxy}/drip?chunks=2&delay=0`, () => undefined);
    await shown((h) => h.chunk === 1, 'held after chunk #1');
    await expect(api('step', { id: '1:0', direction: 'response', action: 'edit', data: 'not base64!' })).rejects.toThrow(/bad arguments for step: data/);
    await expect(api('step', { id: '1:0', direction: 'response', action: 'end', how: 'later' })).rejects.toThrow(/bad arguments for step: how/);
    await expect(api('step', { id: '1:0', direction: 'response', action: 'next', extra: 1 })).rejects.toThrow(/bad arguments for step/);
    await expect(api('step', { id: '1:0', direction: 'response', action: 'edit', head: 'HTTP/1.1 200 OK' })).rejects.toThrow('the head went already: what goes next is chunk #2');
    await api('step', { id: '1:0', direction: 'response', action: 'rest' });
    expect((await client.done).status).toBe(0);
  });

  it('the timeout is a setting: changed, it applies to what is held now, and the release is said', async () => {
    const { proxy, api, shown, engine, ui, updated } = await started(['break-response:1 path:/drip']);
    const client = curlStream(`${proxy}/drip?chunks=2&delay=0`, () => undefined);
    await shown((h) => h.chunk === 1, 'held after chunk #1');
    const info = await api('setReleaseAfter', { seconds: 0.05 });
    expect(info).toMatchObject({ releaseAfter: 0.05 });
    expect((await client.done).output).toBe('drip 1\ndrip 2\n');
    const effect = 'released the rest (before chunk #2 (1 chunk delivered)) as the server sends it: nobody stepped it for 50 ms';
    // The update that takes it off the list says why, for a notice.
    await updated(() => ui.timedOut.length > 0);
    expect(ui.held).toEqual([]);
    expect(ui.timedOut).toEqual([{ id: '1:0', direction: 'response', rule: 'break-response:1 path:/drip', effect }]);
    const detail = await engine.exchangeDetail({ id: '1:0' });
    expect(detail.rules.at(-1)!.effect).toBe(effect);
  });

  it('clearing the session lets go of what it held; while capturing is off nothing is held', async () => {
    const { proxy, api, shown, ui } = await started(['break-response:1 path:/drip']);
    const first = curlStream(`${proxy}/drip?chunks=2&delay=0`, () => undefined);
    await shown((h) => h.chunk === 1, 'held after chunk #1');
    await api('clear', undefined);
    expect(ui.held).toEqual([]); // said with the session that replaced it
    expect((await first.done).output).toBe('drip 1\ndrip 2\n');
    await api('setCapturing', { on: false });
    const second = await curlStream(`${proxy}/drip?chunks=2&delay=0`, () => undefined).done;
    expect(second.output).toBe('drip 1\ndrip 2\n');
    expect(ui.held).toEqual([]);
  });

  it('a client that gives up on a held response: the finding says Chunkscope held it, not that the server sent nothing', async () => {
    const { proxy, shown, updated, ui, engine } = await started(['break-response:1 path:/drip'], 0.05);
    const client = net.connect({ host: '127.0.0.1', port: Number(new URL(proxy).port) });
    client.on('error', () => undefined);
    client.write('GET /drip?chunks=2&delay=0 HTTP/1.1\r\nHost: lab\r\n\r\n');
    await shown((h) => h.chunk === 1, 'held after chunk #1');
    await updated(() => ui.rows.get('1:0')?.stalled !== null && ui.rows.get('1:0')?.stalled !== undefined);
    client.resetAndDestroy(); // the client gives up
    await updated(() => ui.rows.get('1:0')?.ended !== null && ui.rows.get('1:0')?.ended !== undefined);
    const detail = await engine.exchangeDetail({ id: '1:0' });
    const gaveUp = detail.response!.anomalies.find((a) => a.code === 'client-gave-up');
    expect(gaveUp?.message).toMatch(/^after chunk #1 Chunkscope held the response \(break-response:1 path:\/drip\) for [\d.]+ m?s; the client gave up and reset the connection \(RST\)$/);
  });

  it('a listener that joins while a response is held gets it with the whole session; a file shown meanwhile does not let it go', async () => {
    const { proxy, api, shown, engine } = await started(['break-response:1 path:/drip']);
    const log = new StepLog();
    const client = curlStream(`${proxy}/drip?chunks=2&delay=0`, log.read);
    await shown((h) => h.chunk === 1, 'held after chunk #1');
    // A new listener's whole session (a reset); changes of the live session may come before it.
    const wholeSession = () => new Promise<UpdateBatch>((resolve) => {
      const stop = engine.onUpdate((batch) => {
        if (!batch.reset) return;
        stop();
        resolve(batch);
      });
    });
    const joined = await wholeSession();
    expect(joined.reset).toBe(true);
    expect(joined.held?.map((h) => [h.id, h.where])).toEqual([['1:0', 'before chunk #2 (1 chunk delivered)']]);

    // A file opened in a tab of its own: the live session holds on behind it, listed and steppable.
    const saved = join(mkdtempSync(join(tmpdir(), 'chunkscope-held-')), 'saved.cscap');
    cleanups.push(async () => rmSync(dirname(saved), { recursive: true, force: true }));
    await api('saveCapture', { path: saved });
    await api('openCapture', { path: saved });
    const shownFile = await wholeSession();
    expect(shownFile.session?.current).not.toBe('live');
    expect(shownFile.held?.map((h) => h.id)).toEqual(['1:0']);
    await log.until('drip 1');
    expect(log.entries).toEqual(['data drip 1']); // still held
    await api('step', { id: '1:0', direction: 'response', action: 'rest' });
    expect((await client.done).output).toBe('drip 1\ndrip 2\n');
  });
});

describe('many messages held at once', () => {
  it('the whole list goes out a bounded number of times, not once per message held, and the timeout releases every one, said once each', async () => {
    const { proxy, api, ui, updated } = await started(['break-response:1 path:/drip']);
    const COUNT = 60;
    const clients = Array.from({ length: COUNT }, () => {
      const client = net.connect({ host: '127.0.0.1', port: Number(new URL(proxy).port) });
      client.on('error', () => undefined);
      client.write('GET /drip?chunks=2&delay=0 HTTP/1.1\r\nHost: lab\r\n\r\n');
      return client;
    });
    cleanups.push(async () => clients.forEach((c) => c.destroy()));
    await updated(() => ui.held.length === COUNT);
    // Each list is every held message (with its head while held): one per message held made
    // hundreds of them quadratic (300 held with 60 KB heads: 2.7 GB of lists).
    expect(ui.lists).toBeLessThan(COUNT / 2);
    await api('setReleaseAfter', { seconds: 0.05 });
    await updated(() => ui.held.length === 0 && ui.timedOut.length === COUNT);
    expect(new Set(ui.timedOut.map((t) => t.id)).size).toBe(COUNT);
  });
});
