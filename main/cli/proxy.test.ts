import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { curl } from '../proxy/test-support/clients';
import { fin, origin, request, wait, write } from '../proxy/test-support/origin';
import { runCli, startCli, tempFile, type RunningCli } from './test-support/run-cli';
import { startLab } from '../lab/lab';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function running(args: string[]): Promise<RunningCli> {
  const cli = await startCli(args);
  cleanups.push(() => cli.kill('SIGKILL'));
  return cli;
}

describe('chunkscope proxy', () => {
  it('prints "listening on" first, a line per exchange and each anomaly, and exits cleanly on SIGINT', async () => {
    const server = await origin([request(), write(response({ chunks: [1500, 1405], terminator: false })), wait(20), fin()]);
    cleanups.push(() => server.close());
    const capture = tempFile('session.cscap', new Uint8Array());
    const cli = await running(['proxy', '--port', '0', '--capture', capture]);
    expect(cli.lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const result = await curl(['-x', cli.url, `${server.url}/feed`]);
    expect(result.status).toBe(18);
    const exchange = await cli.waitForLine(/^c1 #1 /);
    expect(exchange).toMatch(new RegExp(`^c1 #1 GET ${server.url}/feed → 200 OK · chunked · no last chunk: the server closed the connection \\(FIN\\) \\d+ ms after chunk #2, at byte 2,966$`));
    const anomaly = await cli.waitForLine(/missing-terminator/);
    expect(anomaly).toBe(
      '  ✗ c1 response #1: missing-terminator at byte 2,966: the server closed the connection (FIN) after chunk #2, at byte 2,966; the zero-length last chunk never arrived',
    );
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.at(-1)).toBe(`capture written to ${capture}`);
    const inspected = await runCli(['inspect', capture, '--json']);
    expect(inspected.status).toBe(3);
    const report = JSON.parse(inspected.stdout);
    expect(report.closedCleanly).toBe(true);
    expect(report.connections[0].exchanges[0].response.anomalies[0].code).toBe('missing-terminator');
  });

  it('reports a stall live, with what it waits for', async () => {
    const whole = response({ chunks: [{ data: 'first ' }, { data: 'second' }] });
    const server = await origin([request(), write(whole.subarray(0, 58)), wait(1200), write(whole.subarray(58)), fin()]);
    cleanups.push(() => server.close());
    const cli = await running(['proxy', '--port', '0', '--reverse', server.url, '--stall-after', '0.3']);
    const done = curl([`${cli.url}/slow`]);
    const stalled = await cli.waitForLine(/stalled/);
    expect(stalled).toMatch(/^ {2}… c1 #1 response: stalled, no byte for \d+ ms while waiting for the next chunk-size line \(chunk #2\)$/);
    expect((await done).status).toBe(0);
    expect(await cli.waitForLine(/bytes again after/)).toMatch(/bytes again after 1\.\d s$/);
  });

  it('escapes an origin\'s control bytes as inspect does: a reason phrase with 0x9B never reaches the terminal raw', async () => {
    const server = await origin([request(), write(Buffer.from('HTTP/1.1 200 O\x9b[2JK\r\nContent-Length: 2\r\n\r\nok', 'latin1')), fin()]);
    cleanups.push(() => server.close());
    const cli = await running(['proxy', '--port', '0', '--reverse', server.url]);
    await curl([`${cli.url}/csi`]);
    const line = await cli.waitForLine(/^c1 #1 /);
    expect(line).toContain('→ 200 O\\x9b[2JK · content-length · complete');
    expect([...line].filter((c) => c.charCodeAt(0) === 0x1b || (c.charCodeAt(0) >= 0x80 && c.charCodeAt(0) <= 0x9f))).toEqual([]);
  });

  it('a Ctrl-C the moment "listening on" shows still closes cleanly, with the capture whole', async () => {
    const capture = tempFile('early.cscap', new Uint8Array());
    const cli = await running(['proxy', '--port', '0', '--capture', capture]);
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const inspected = await runCli(['inspect', capture, '--json']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ closedCleanly: true, truncatedBytes: 0 });
  });

  it('warns that a non-loopback address makes an open proxy', async () => {
    const cli = await running(['proxy', '--port', '0', '--host', '0.0.0.0']);
    expect(cli.stderr()).toContain('warning: listening on 0.0.0.0, not loopback');
    expect(cli.stderr()).toContain('open proxy');
  });

  it('a capture survives kill -9: at most the last second is lost and the file still opens', async () => {
    const server = await origin([request(), write(response({ chunks: [1500, 1405], terminator: false })), wait(20), fin()]);
    cleanups.push(() => server.close());
    const capture = tempFile('killed.cscap', new Uint8Array());
    const cli = await running(['proxy', '--port', '0', '--reverse', server.url, '--capture', capture]);
    for (let i = 0; i < 3; i++) expect((await curl([`${cli.url}/r${i}`])).status).toBe(18);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // more than a second: all of it flushed
    cli.kill('SIGKILL');
    await cli.exited;
    expect(readFileSync(capture).length).toBeGreaterThan(3 * 2966);
    const inspected = await runCli(['inspect', capture, '--json']);
    expect(inspected.status).toBe(3);
    const report = JSON.parse(inspected.stdout);
    expect(report.closedCleanly).toBe(false);
    expect(report.connections).toHaveLength(3);
    for (const c of report.connections) expect(c.exchanges[0].response.anomalies[0].code).toBe('missing-terminator');
  });

  it('says in one line when it cannot listen or is asked wrongly, and exits 2', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as net.AddressInfo).port;
    const busy = await runCli(['proxy', '--port', String(port)]);
    expect(busy.status).toBe(2);
    expect(busy.stderr).toBe(`chunkscope proxy: cannot listen on 127.0.0.1:${port}: the port is already in use\n`);
    const badReverse = await runCli(['proxy', '--port', '0', '--reverse', 'ftp://x']);
    expect(badReverse.status).toBe(2);
    expect(badReverse.stderr).toContain('--reverse takes an origin like http://127.0.0.1:9001');
    const badPort = await runCli(['proxy', '--port', 'eighty']);
    expect(badPort.status).toBe(2);
  });

  it('refuses --reverse pointing at its own address in one line (a loop), and exits 2', async () => {
    const free = net.createServer();
    const port = await new Promise<number>((resolve) => free.listen(0, '127.0.0.1', () => resolve((free.address() as net.AddressInfo).port)));
    await new Promise((resolve) => free.close(resolve));
    const loop = await runCli(['proxy', '--port', String(port), '--reverse', `http://localhost:${port}`]);
    expect(loop.status).toBe(2);
    expect(loop.stderr).toBe(`chunkscope proxy: --reverse http://localhost:${port} is this proxy itself (listening on 127.0.0.1:${port}): every connection would come back to it, in a loop. Give the origin's own address.\n`);
  });

  it('--rule: printed at start, a live line when it applies, and a bad rule is refused with exit 2', async () => {
    const lab = await startLab();
    cleanups.push(() => lab.close());
    const cli = await running(['proxy', '--port', '0', '--reverse', lab.url, '--rule', 'drop-last-chunk path:/ok', '--rule', 'delay-chunks:10']);
    expect(await cli.waitForLine(/^rule: drop/)).toBe('rule: drop-last-chunk path:/ok (drop the last chunk, then FIN (path /ok))');
    expect((await curl([`${cli.url}/ok`])).status).toBe(18);
    expect(await cli.waitForLine(/⚙/)).toBe('  ⚙ c1 #1 delay-chunks:10: waited 10 ms before each chunk after the first');
    expect(await cli.waitForLine(/⚙ c1 #1 drop/)).toBe('  ⚙ c1 #1 drop-last-chunk path:/ok: withheld the last chunk after 3 chunks and closed the connection (FIN)');
    const bad = await runCli(['proxy', '--port', '0', '--rule', 'stall-after-chunks:two']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('stall-after-chunks:two: expected a number');
  });
});
