// serve's ports: a default port that is taken (8888 is Fiddler's and Charles's default
// too) falls back to a free one and says so in one line; a port asked for exactly fails
// in one line.

import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './serve';
import { runCli, startCli } from './test-support/run-cli';
import { eventually } from '../proxy/test-support/harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let rendererDir: string;
beforeAll(() => {
  process.env.CHUNKSCOPE_DATA_DIR = mkdtempSync(join(tmpdir(), 'chunkscope-data-')); // the CA: never the user's
  rendererDir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
});

/** A port held by another program for the length of the test. */
async function taken(): Promise<number> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
  return (blocker.address() as net.AddressInfo).port;
}

/** A port nothing listens on now (the system's pick, let go at once). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('serve when its ports are taken', () => {
  it('falls back to free ports for the defaults, and says so in one line each', async () => {
    const [proxyPort, uiPort] = [await taken(), await taken()];
    const out: string[] = [];
    const notices: string[] = [];
    const running = await serve({ port: uiPort, proxyPort, stallAfter: 2 }, (line) => out.push(line), { rendererDir, notice: (line) => notices.push(line) });
    cleanups.push(() => running.stop());
    const proxy = Number(new URL(running.proxy).port);
    const ui = Number(new URL(running.ui).port);
    expect([proxy, ui]).not.toContain(proxyPort);
    expect(ui).not.toBe(uiPort);
    expect(notices.filter((n) => n.startsWith('port '))).toEqual([
      `port ${proxyPort} is taken, so the proxy listens on port ${proxy} instead (--proxy-port N chooses one)`,
      `port ${uiPort} is taken, so the UI listens on port ${ui} instead (--port N chooses one)`,
    ]);
    expect(out).toEqual([`proxy listening on http://127.0.0.1:${proxy}`, `UI listening on ${running.ui}`]);
    expect(await status(running.ui)).toBe(200);
  });

  it('fails in one line when a port asked for exactly is taken, and leaves nothing listening', async () => {
    const [proxyPort, uiPort] = [await taken(), await taken()];
    await expect(serve({ port: 0, proxyPort, stallAfter: 2, exactPorts: { ui: false, proxy: true } }, () => undefined, { rendererDir })).rejects.toThrow(
      `chunkscope serve: cannot start the proxy on 127.0.0.1:${proxyPort}: the port is already in use`,
    );
    const free = await freePort();
    await expect(serve({ port: uiPort, proxyPort: free, stallAfter: 2, exactPorts: { ui: true, proxy: false } }, () => undefined, { rendererDir })).rejects.toThrow(
      `chunkscope serve: cannot listen on 127.0.0.1:${uiPort}: the port is already in use`,
    );
    // The proxy started for it was closed again.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(free, '127.0.0.1', resolve));
    await new Promise((resolve) => again.close(resolve));
  });

  it('from the command line: --proxy-port N and --port N given and taken fail with exit 2 and one line', async () => {
    const port = await taken();
    const proxyBusy = await runCli(['serve', '--port', '0', '--proxy-port', String(port)]);
    expect(proxyBusy.status).toBe(2);
    expect(proxyBusy.stderr).toBe(`chunkscope serve: cannot start the proxy on 127.0.0.1:${port}: the port is already in use\n`);
    const uiBusy = await runCli(['serve', '--port', String(port), '--proxy-port', '0']);
    expect(uiBusy.status).toBe(2);
    expect(uiBusy.stderr).toBe(`chunkscope serve: cannot listen on 127.0.0.1:${port}: the port is already in use\n`);
  });
});

describe('a serve that was killed', () => {
  it('leaves its unsaved session for the next serve, which keeps it and says where', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'serve-tmp-'));
    const data = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
    const env = { TMPDIR: temporary };
    const origin = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => origin.close(resolve)));
    const first = await startCli(['serve', '--port', '0', '--proxy-port', '0'], 15_000, data, env);
    await eventually(() => /capturing to .*session-1\.cscap until you save the session/.test(first.stderr()), 5000, 'where the session is captured to');
    const target = `http://127.0.0.1:${(origin.address() as net.AddressInfo).port}/lost`;
    await new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port: first.port, path: target }, (res) => res.resume().on('end', resolve)).on('error', reject));
    await new Promise((resolve) => setTimeout(resolve, 1200)); // the capture is flushed at least once a second
    first.kill('SIGKILL');
    await first.exited;

    const second = await startCli(['serve', '--port', '0', '--proxy-port', '0'], 15_000, data, env);
    cleanups.push(async () => second.kill('SIGINT'));
    await eventually(() => second.stderr().includes('kept a session'), 5000, 'the kept session');
    const kept = /kept a session that was not saved when Chunkscope last stopped abruptly: (\S+) /.exec(second.stderr())?.[1];
    expect(kept, second.stderr()).toMatch(new RegExp(`^${data}/recovered/.*session-1\\.cscap$`));
    const inspected = await runCli(['inspect', kept!, '--json']);
    expect(JSON.parse(inspected.stdout).connections[0].exchanges[0].request.startLine).toBe(`GET ${target} HTTP/1.1`);
  });
});
