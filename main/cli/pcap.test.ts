// A packet capture recorded with tcpdump during the test, through the real CLI
// (inspect, export) and the engine (Open): the same diagnosis as a live capture.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { curl } from '../proxy/test-support/clients';
import { eventually } from '../proxy/test-support/harness';
import { fin, origin, request, wait, write } from '../proxy/test-support/origin';
import { captureProblem, startCapture } from '../import/pcap/test-support/capturer';
import type { ExchangeRow } from '../../shared/api';
import { runCli } from './test-support/run-cli';

const problem = captureProblem('tcpdump');
const directory = mkdtempSync(join(tmpdir(), 'chunkscope-cli-pcap-'));
const pcap = join(directory, 'prod.pcap');

beforeAll(async () => {
  if (problem) return;
  const o = await origin([request(), write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5DC\r\n' + 'x'.repeat(1500) + '\r\n'), wait(50), fin()]);
  const capture = await startCapture('tcpdump', pcap, o.port);
  try {
    expect((await curl([`${o.url}/prod-feed`])).status).toBe(18);
  } finally {
    await capture.stop();
    await o.close();
  }
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(problem !== null)(`a tcpdump capture${problem ? ` (skipped: ${problem})` : ''}`, () => {
  it('inspect FILE.pcap: the ledger as sent, no last chunk, the server FIN; exit 3', async () => {
    const result = await runCli(['inspect', pcap, '--json']);
    expect(result.status, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.source).toBe('pcap');
    const connection = report.connections[0];
    expect(connection.exchanges[0].request.startLine).toBe('GET /prod-feed HTTP/1.1');
    expect(connection.exchanges[0].response.chunks.map((c: { sizeToken: string }) => c.sizeToken)).toEqual(['5DC']);
    expect(connection.exchanges[0].response.terminator).toBe(false);
    expect(connection.closes).toContainEqual(expect.objectContaining({ side: 'upstream', kind: 'fin' }));
    const human = await runCli(['inspect', pcap]);
    expect(human.stdout).toMatch(/^packet capture: /);
  });

  it('export FILE.pcap --har: the pcap as HAR with its chunks', async () => {
    const result = await runCli(['export', pcap, '--har', '-']);
    expect(result.status, result.stderr).toBe(0);
    const entry = JSON.parse(result.stdout).log.entries[0];
    expect(entry.response._chunks.map((c: { sizeToken: string }) => c.sizeToken)).toEqual(['5DC']);
    expect(entry.response._terminator).toBe(false);
  });

  it('the app opens it like a capture', async () => {
    const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
    await engine.start();
    try {
      const rows = new Map<string, ExchangeRow>();
      engine.onUpdate((batch) => {
        if (batch.reset) rows.clear();
        for (const row of batch.rows ?? []) rows.set(row.id, row);
      });
      const info = await engine.openCapture({ path: pcap });
      expect(info.imported?.kind).toBe('pcap');
      await eventually(() => rows.get('1:0')?.terminator === 'missing', 5000, 'the pcap row');
      expect(rows.get('1:0')).toMatchObject({ path: '/prod-feed', chunks: 1, ended: { how: 'fin', who: 'server' } });
      expect(rows.get('1:0')!.headline).toMatch(/^no last chunk: the server closed the connection \(FIN\) \d+ ms after chunk #1, at byte 1,554$/);
    } finally {
      await engine.close();
    }
  });
});
