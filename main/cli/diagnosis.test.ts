// Our users' stories through the command line: `proxy`'s live line, `inspect` (text and
// --json) and `check` tell the same account, in the same words, as the app does.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { curl } from '../proxy/test-support/clients';
import { fin, origin, readUntilFin, request, write } from '../proxy/test-support/origin';
import { startLab } from '../lab/lab';
import { runCli, startCli, tempFile, type RunningCli } from './test-support/run-cli';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function capturing(args: string[]): Promise<{ cli: RunningCli; capture: string }> {
  const capture = join(mkdtempSync(join(tmpdir(), 'chunkscope-')), 'session.cscap');
  const cli = await startCli(['proxy', '--port', '0', '--capture', capture, ...args]);
  cleanups.push(() => cli.kill('SIGKILL'));
  return { cli, capture };
}

describe('the stories, told the same by every command', () => {
  it('a stall the client gave up on: the live line, inspect and inspect --json', async () => {
    const server = await origin([request(), write(response({ chunks: [1500, 1405], terminator: false })), readUntilFin(), fin()]);
    cleanups.push(() => server.close());
    const { cli, capture } = await capturing(['--stall-after', '0.3']);
    expect((await curl(['--max-time', '1.5', '-x', cli.url, `${server.url}/hung.xml`])).status).toBe(28);
    const live = await cli.waitForLine(/^c1 #1 /);
    const headline = /→ 200 OK · chunked · (.*)$/.exec(live)?.[1];
    expect(headline).toMatch(/^no last chunk: after chunk #2 the server sent nothing for 1\.\d s; the client gave up and closed the connection \(FIN\); the server closed after it$/);
    await cli.waitForLine(/client-gave-up/);
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);

    const json = await runCli(['inspect', capture, '--json']);
    expect(json.status).toBe(3);
    const report = JSON.parse(json.stdout);
    const exchange = report.connections[0].exchanges[0];
    expect(exchange.account.headline).toBe(headline);
    expect(exchange.account.stalls).toMatchObject([{ direction: 'response', waitingFor: 'the next chunk-size line (chunk #3)', endedBy: { who: 'client', how: 'fin' } }]);
    expect(exchange.response.anomalies.map((a: { code: string }) => a.code)).toEqual(['missing-terminator', 'client-gave-up']);
    expect(report.connections[0].account.headline).toBe('the client closed the connection (FIN) after 1 request, its response cut short; the server closed after it');
    expect(report.summary.findings.map((f: { code: string }) => f.code)).toEqual(['client-gave-up', 'missing-terminator']);

    const text = await runCli(['inspect', capture]);
    expect(text.stdout).toContain(`→ #1 ${headline}`);
    expect(text.stdout).toMatch(/^capture · 1 connection, 1 exchange \(0 answered\) · 1 stall/);
  });

  it('the IIS 6 reset: the app\'s finding is check\'s closed-early, word for word', async () => {
    const lab = await startLab({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => lab.close());
    const body = tempFile('body.txt', Buffer.from('hello'));
    const url = `${lab.url}/reset-after?n=3`;
    const { cli, capture } = await capturing([]);
    // Four chunked POSTs on one kept-alive connection: the lab answers three and resets on the fourth.
    // curl sends the lost one again on a new connection (c2), as it does when a reused connection dies unanswered.
    await curl(['-x', cli.url, '--data-binary', `@${body}`, '-H', 'Transfer-Encoding: chunked', url, url, url, url]);
    const live = await cli.waitForLine(/^c1 #4 /);
    expect(live).toBe(`c1 #4 POST ${url} → no response: the server reset the keep-alive connection (RST) after answering 3 requests on it; request #4 was sent (chunked, 5 bytes) and never answered`);
    expect(await cli.waitForLine(/↳/)).toContain('dechunk-requests');
    cli.kill('SIGINT');
    await cli.exited;

    const report = JSON.parse((await runCli(['inspect', capture, '--json'])).stdout);
    const exchange = report.connections[0].exchanges[3];
    const finding = exchange.request.anomalies.find((a: { code: string }) => a.code === 'closed-early');
    expect(exchange.account.headline).toBe(`no response: ${finding.message}`);
    expect(exchange.account.hint).toContain('dechunk-requests');

    const check = await runCli(['check', url, '--method', 'POST', '--body-file', body, '--chunked', '--keepalive', '4', '--json']);
    expect(check.status).toBe(1);
    const checked = JSON.parse(check.stdout);
    expect(checked.findings).toContainEqual(expect.objectContaining({ code: 'closed-early', severity: 'error', request: 4, message: finding.message }));
  });
});
