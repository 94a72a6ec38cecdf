// `chunkscope proxy` intercepting HTTPS, as a user runs it: the CA from the data
// directory, the lines it prints, and --insecure-upstream said out loud while it is on.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import { runCli, startCli, type RunningCli } from '../cli/test-support/run-cli';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, request, wait, write } from '../proxy/test-support/origin';
import { tlsOrigin, tlsWorld } from './test-support/tls-world';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function running(args: string[], dataDir: string): Promise<RunningCli> {
  const cli = await startCli(args, 15_000, dataDir);
  cleanups.push(() => cli.kill('SIGKILL'));
  return cli;
}

describe('chunkscope proxy with HTTPS', () => {
  it('says it intercepts with which CA, prints the decrypted exchange and how the TLS session ended', async () => {
    const world = await tlsWorld();
    // A self-signed test origin: the proxy does not trust its authority, so --insecure-upstream.
    const server = await tlsOrigin(world, [request(), write(response({ chunks: [1500, 1405], terminator: false })), wait(20), fin()]);
    cleanups.push(() => server.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
    const caFile = join(dataDir, '..', `ca-${process.pid}-${Date.now()}.pem`);
    expect((await runCli(['ca', '--export', caFile], { dataDir })).status).toBe(0);

    const cli = await running(['proxy', '--port', '0', '--insecure-upstream', '--no-intercept', '*.internal.example'], dataDir);
    expect(await cli.waitForLine(/^intercepting HTTPS/)).toBe(`intercepting HTTPS (CONNECT) with the Chunkscope CA: ${join(dataDir, 'ca-cert.pem')}; not for *.internal.example`);
    await eventually(() => cli.stderr().includes('chunkscope proxy: warning: --insecure-upstream: origin certificates are NOT verified'), 5000, 'the warning');

    const result = await curl(['--cacert', caFile, '-x', cli.url, `${server.httpsUrl}/feed`]);
    expect(result.status).toBe(18);
    const line = await cli.waitForLine(/ GET https:/);
    expect(line).toMatch(
      new RegExp(`^c\\d+ #1 GET https://127\\.0\\.0\\.1:${server.port}/feed → 200 OK · chunked · no last chunk: the server closed the TLS session \\(close_notify\\) \\d+ ms after chunk #2, at byte 2,966$`),
    );
    expect(await cli.waitForLine(/missing-terminator/)).toContain('the server closed the TLS session (close_notify) after chunk #2');
  });

  it('prints a client that refused the certificate, with how to trust the CA', async () => {
    const world = await tlsWorld();
    const server = await tlsOrigin(world, [request(), write(response()), fin()]);
    cleanups.push(() => server.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
    const cli = await running(['proxy', '--port', '0'], dataDir);
    expect(cli.stderr()).not.toContain('insecure');
    const refused = await curl(['-x', cli.url, `${server.httpsUrl}/feed`]);
    expect(refused.status).toBe(60);
    const line = await cli.waitForLine(/TLS \(client\)/);
    expect(line).toMatch(/^ {2}✗ c\d+ TLS \(client\): the client refused Chunkscope's certificate for 127\.0\.0\.1 \(TLS alert: unknown ca\)/);
    expect(line).toContain('chunkscope ca --export');
  });
});
