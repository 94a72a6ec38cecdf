// Every command that writes a file: an existing file is never silently written over
// (re-running `proxy --capture F` after a kill -9 must not destroy F), and what holds
// traffic is readable by the user alone (0600) whatever mode an old file had.

import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange } from '../proxy/test-support/clients';
import { startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { runCli, startCli } from './test-support/run-cli';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A file left by an earlier run, readable by everyone (0666). */
function existing(name: string, content = 'an earlier capture\n'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-out-')), name);
  writeFileSync(path, content);
  chmodSync(path, 0o666);
  return path;
}

const mode = (path: string) => statSync(path).mode & 0o777;

async function aCapture(): Promise<string> {
  const o = await origin([request(), write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), fin()]);
  cleanups.push(() => o.close());
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: o.port } });
  cleanups.push(() => proxy.finish());
  await rawExchange(proxy.port, 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 300\r\n\r\n' + '\x00'.repeat(300), { timeoutMs: 5000 });
  await proxy.finish();
  return proxy.capturePath;
}

describe('files the commands write', () => {
  it('proxy --capture refuses an existing capture, names --force, and leaves it as it was', async () => {
    const path = existing('session.cscap');
    const result = await runCli(['proxy', '--port', '0', '--capture', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `chunkscope proxy: ${path} already exists (19 bytes): not writing over it (it may hold a capture you still need). Choose another file, or add --force to replace it.\n`,
    );
    expect(readFileSync(path, 'utf8')).toBe('an earlier capture\n');
    expect(mode(path)).toBe(0o666);
  });

  it('proxy --capture --force replaces it, readable by the user alone (0600)', async () => {
    const path = existing('session.cscap');
    const cli = await startCli(['proxy', '--port', '0', '--capture', path, '--force']);
    cleanups.push(() => cli.kill('SIGKILL'));
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path).subarray(0, 6).toString('latin1')).toBe('\x89CSCAP');
  });

  it('proxy --capture takes a new or empty file, and makes it 0600', async () => {
    for (const path of [join(mkdtempSync(join(tmpdir(), 'chunkscope-out-')), 'new.cscap'), existing('empty.cscap', '')]) {
      const cli = await startCli(['proxy', '--port', '0', '--capture', path]);
      cleanups.push(() => cli.kill('SIGKILL'));
      cli.kill('SIGINT');
      expect(await cli.exited).toBe(0);
      expect(mode(path)).toBe(0o600);
    }
  });

  it('export --har refuses an existing file unless --force, and writes 0600', async () => {
    const capture = await aCapture();
    const har = existing('out.har', '{"log":{}}');
    const refused = await runCli(['export', capture, '--har', har]);
    expect([refused.status, refused.stderr]).toEqual([2, `chunkscope export: ${har} already exists (10 bytes): not writing over it (it may hold a capture you still need). Choose another file, or add --force to replace it.\n`]);
    expect(readFileSync(har, 'utf8')).toBe('{"log":{}}');
    const forced = await runCli(['export', capture, '--har', har, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(har, 'utf8')).log.entries).toHaveLength(1);
    expect(mode(har)).toBe(0o600);
  });

  it('export --curl refuses an existing --body-file unless --force, and writes 0600', async () => {
    const capture = await aCapture();
    const body = existing('body.bin', 'keep me');
    const refused = await runCli(['export', capture, '--curl', 'c1#1', '--body-file', body]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^chunkscope export: .*body\.bin already exists \(7 bytes\): .*add --force to replace it\.\n$/);
    expect(readFileSync(body, 'utf8')).toBe('keep me');
    const forced = await runCli(['export', capture, '--curl', 'c1#1', '--body-file', body, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(body)).toEqual(Buffer.alloc(300));
    expect(mode(body)).toBe(0o600);
  });

  it('ca --export refuses an existing file unless --force; the certificate is public (0644)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chunkscope-data-'));
    const pem = existing('ca.pem', 'another certificate\n');
    const refused = await runCli(['ca', '--export', pem], { dataDir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^chunkscope ca: .*ca\.pem already exists \(20 bytes\): .*add --force to replace it\.\n$/);
    expect(readFileSync(pem, 'utf8')).toBe('another certificate\n');
    const forced = await runCli(['ca', '--export', pem, '--force'], { dataDir });
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(pem, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(mode(pem)).toBe(0o644);
  });
});
