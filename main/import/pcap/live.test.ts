// Real captures, recorded during the test: a misbehaving origin on 127.0.0.1, curl as
// the client, tcpdump or tshark writing the packets; then the file is imported and
// analysed as `inspect` and the app do. Skipped (saying why) where capturing is not
// possible; where tcpdump and tshark are installed and we may capture, they must pass.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseCapture } from '../../analysis/capture-analysis';
import { curl, rawExchange } from '../../proxy/test-support/clients';
import { fin, origin, readUntilFin, request, rst, wait, write, type Origin } from '../../proxy/test-support/origin';
import { pcapToCapture } from './to-capture';
import { captureProblem, startCapture, type Tool } from './test-support/capturer';

const problems = { tcpdump: captureProblem('tcpdump'), tshark: captureProblem('tshark') };
const title = (tool: Tool, text: string) => (problems[tool] ? `${text} (skipped: ${problems[tool]})` : text);

const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

let server: Origin | null = null;
const directories: string[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** Capture while `traffic` runs against the origin (making `connections` connections), then import and analyse the file. */
async function captured(tool: Tool, traffic: (o: Origin) => Promise<void>, iface: 'lo' | 'any' = 'lo', connections = 1) {
  const o = server!;
  const directory = mkdtempSync(join(tmpdir(), 'chunkscope-live-pcap-'));
  directories.push(directory);
  const path = join(directory, tool === 'tcpdump' ? 'capture.pcap' : 'capture.pcapng');
  const capture = await startCapture(tool, path, o.port, iface);
  try {
    await traffic(o);
  } finally {
    await capture.stop(connections);
  }
  const file = readFileSync(path);
  const { records, notes } = pcapToCapture(file);
  return { file, records, notes, report: analyseCapture(records) };
}

describe('real captures, recorded now', () => {
  it.skipIf(problems.tcpdump !== null)(title('tcpdump', 'tcpdump on lo: a chunked response without its last chunk, then the server FIN'), async () => {
    server = await origin([request(), write(HEAD + '5\r\nhello\r\n'), wait(40), write('0a\r\n0123456789\r\n'), wait(40), fin()]);
    let exit: number | null = null;
    const { file, report, notes } = await captured('tcpdump', async (o) => {
      exit = (await curl([`${o.url}/no-terminator`])).status;
    });
    expect(exit).toBe(18); // curl: transfer closed with outstanding read data remaining
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4); // classic pcap
    expect(notes).toEqual([]);
    expect(report.connections).toHaveLength(1);
    const [c1] = report.connections;
    expect(c1!.upstream).toBe(`127.0.0.1:${server.port}`);
    const response = c1!.exchanges[0]!.response!;
    expect(response.chunks!.map((c) => [c.sizeToken, c.size, c.crlf])).toEqual([
      ['5', 5, true],
      ['0a', 10, true],
    ]);
    expect(response.terminator).toBe(false);
    expect(response.timing!.chunks[1]!.first - response.timing!.chunks[0]!.first).toBeGreaterThan(0.03);
    expect(c1!.received).toMatchObject({ eof: 'fin', endedBy: 'server' });
    expect(c1!.closes[0]).toMatchObject({ side: 'upstream', kind: 'fin', by: 'peer' });
    // The one-line answer, from packets alone:
    expect(response.anomalies.find((a) => a.code === 'missing-terminator')?.message).toBe(
      'the server closed the connection (FIN) after chunk #2, at byte 73; the zero-length last chunk never arrived',
    );
  });

  it.skipIf(problems.tcpdump !== null)(title('tcpdump', 'tcpdump -i any (Linux cooked v2): the server resets mid-chunk'), async () => {
    server = await origin([request(), write(HEAD + '5\r\nhel'), wait(40), rst()]);
    let exit: number | null = null;
    const { file, report } = await captured(
      'tcpdump',
      async (o) => {
        exit = (await curl([`${o.url}/reset`])).status;
      },
      'any',
    );
    expect(exit).toBe(56); // curl: failure receiving network data (the reset)
    expect(file.readUInt32LE(20)).toBe(276); // LINKTYPE_LINUX_SLL2
    const [c1] = report.connections;
    expect(c1!.exchanges[0]!.response!.chunks![0]).toMatchObject({ sizeToken: '5', dataLength: 3 });
    expect(c1!.received).toMatchObject({ eof: 'rst', endedBy: 'server' });
    expect(c1!.closes[0]).toMatchObject({ side: 'upstream', kind: 'rst', by: 'peer' });
  });

  it.skipIf(problems.tshark !== null)(title('tshark', 'tshark (pcapng): two requests on one keep-alive connection'), async () => {
    server = await origin([
      request(),
      write(HEAD + '3\r\none\r\n0\r\n\r\n'),
      request(),
      write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo'),
      readUntilFin(),
      fin(),
    ]);
    const { file, report, notes } = await captured('tshark', async (o) => {
      const result = await curl([`${o.url}/one`, `${o.url}/two`]);
      expect(result.status).toBe(0);
    });
    expect(file.readUInt32BE(0)).toBe(0x0a0d0d0a); // a pcapng section header
    expect(notes).toEqual([]);
    expect(report.connections).toHaveLength(1);
    const [c1] = report.connections;
    expect(c1!.exchanges.map((e) => [e.request!.request!.target, e.response!.framing, e.response!.complete])).toEqual([
      ['/one', 'chunked', true],
      ['/two', 'content-length', true],
    ]);
    expect(c1!.exchanges[0]!.response!.terminator).toBe(true);
    expect(c1!.closes.map((c) => [c.side, c.kind])).toEqual([
      ['client', 'fin'],
      ['upstream', 'fin'],
    ]);
  });

  it.skipIf(problems.tcpdump !== null)(title('tcpdump', 'HTTP found on a random port by its request line, beside a connection that is not HTTP'), async () => {
    server = await origin((index) => (index === 0 ? [readUntilFin(), fin()] : [request(), write('HTTP/1.1 204 No Content\r\n\r\n'), fin()]));
    expect(server.port).not.toBe(80);
    const { report, notes } = await captured('tcpdump', async (o) => {
      expect((await rawExchange(o.port, 'HELLO chunkscope\r\n', { halfClose: true })).end).toBe('fin');
      expect((await curl([`${o.url}/any-port`])).status).toBe(0);
    }, 'lo', 2);
    expect(report.connections.map((c) => [c.upstream, c.exchanges[0]!.response!.response!.status])).toEqual([[`127.0.0.1:${server.port}`, 204]]);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^TCP connection 127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${server.port} not shown: not HTTP/1\\.x, the client's first bytes are "HELLO chunkscope"$`))]);
  });
});
