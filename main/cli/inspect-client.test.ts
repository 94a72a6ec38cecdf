// `chunkscope inspect CAPTURE` on the connection of a client Chunkscope launched (the
// capture's `client` event): which client, said under the connection, and `clientTag` in
// --json; a connection of a client set up by hand has neither.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../capture/format';
import { writeCaptureFile } from '../capture/write-file';
import { runCli } from './test-support/run-cli';

function launchedCapture(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-client-')), 'launched.cscap');
  const exchange = (connection: number, time: number): CaptureRecord[] => [
    { type: 'open', connection, time, client: `127.0.0.1:${50000 + connection}`, mode: 'forward' },
    { type: 'upstream', connection, time, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' },
    { type: 'data', connection, stream: 0, generated: false, time, bytes: Buffer.from('GET /feed HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n') },
    { type: 'data', connection, stream: 1, generated: false, time: time + 0.01, bytes: Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok') },
    { type: 'close', connection, time: time + 0.02, side: 'client', kind: 'fin', by: 'peer', detail: null },
    { type: 'close', connection, time: time + 0.02, side: 'upstream', kind: 'fin', by: 'proxy', detail: null },
  ];
  const [open, ...rest] = exchange(1, 0);
  writeCaptureFile(path, [
    { type: 'session', version: 1, startedAt: '2025-01-01T00:00:00.000Z', tool: 'chunkscope test', mode: 'forward', listen: '127.0.0.1:0', reverse: null },
    open!,
    { type: 'client', connection: 1, time: 0, launched: 'probe', tag: 'curl -sS -o /dev/null {url}' },
    ...rest,
    ...exchange(2, 1),
    { type: 'end', time: 2 },
  ]);
  return path;
}

describe('chunkscope inspect CAPTURE with a launched client', () => {
  it('says which client opened the connection, in words and in --json', async () => {
    const path = launchedCapture();
    const human = await runCli(['inspect', path]);
    expect(human.status).toBe(0);
    const lines = human.stdout.split('\n').map((l) => l.trim());
    expect(lines.filter((l) => l.startsWith('launched by'))).toEqual(['launched by chunkscope probe: curl -sS -o /dev/null {url}']);
    // Under its own connection.
    expect(lines[lines.indexOf('launched by chunkscope probe: curl -sS -o /dev/null {url}') - 1]).toMatch(/^c1 /);

    const json = JSON.parse((await runCli(['inspect', path, '--json'])).stdout);
    expect(json.connections[0].clientTag).toEqual({ launched: 'probe', tag: 'curl -sS -o /dev/null {url}' });
    expect('clientTag' in json.connections[1]).toBe(false);
  });
});
