// From a packet capture to capture records, checked through the analysis the app and
// `inspect` run on them.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../capture/format';
import { readRecords } from '../../capture/reader';
import { analyseCapture } from '../../analysis/capture-analysis';
import { writeCaptureFile } from './capture-file';
import { pcapToCapture } from './to-capture';
import { flow, type Frame } from './test-support/build';
import { pcapFile, pcapngFile } from './test-support/files';

const GET = 'GET /feed HTTP/1.1\r\nHost: example\r\n\r\n';
const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** A client that asks, and a server whose answer the test writes. */
function exchange(response: (c: ReturnType<typeof flow>) => Frame[], options: Parameters<typeof flow>[0] = {}): Frame[] {
  const c = flow(options);
  return [...c.handshake(), c.segment({ from: 'client', payload: GET }), ...response(c)];
}

function importAndAnalyse(file: Uint8Array) {
  const { records, notes } = pcapToCapture(file);
  return { records, notes, report: analyseCapture(records) };
}

describe('pcap to capture', () => {
  it('shows a missing last chunk and the server FIN, with the size tokens as sent', () => {
    const frames = exchange((c) => [
      c.segment({ from: 'server', payload: HEAD + '5\r\nhello\r\n', at: 0.1 }),
      c.segment({ from: 'server', payload: '0A\r\n0123456789\r\n', at: 0.3 }),
      c.segment({ from: 'server', flags: 'FA', at: 0.5 }),
      c.segment({ from: 'client', flags: 'FA', at: 0.6 }),
    ]);
    const { records, notes, report } = importAndAnalyse(pcapFile(frames));
    expect(notes).toEqual([]);
    expect(records[0]).toEqual({ type: 'session', version: 1, startedAt: '2023-11-14T22:13:20.001Z', tool: 'pcap import', mode: 'reverse', listen: '10.0.0.2:8080', reverse: '10.0.0.2:8080' });
    expect(records.slice(1, 4)).toEqual([
      { type: 'open', connection: 1, time: 0, client: '10.0.0.1:50000', mode: 'reverse' },
      expect.objectContaining({ type: 'imported', connection: 1, source: 'pcap' }),
      { type: 'upstream', connection: 1, time: 0, upstream: '10.0.0.2:8080', target: '10.0.0.2:8080' },
    ]);
    expect(records.at(-1)).toEqual({ type: 'end', time: expect.closeTo(0.599, 6) });
    const [c1] = report.connections;
    expect(c1).toMatchObject({ id: 'c1', client: '10.0.0.1:50000', upstream: '10.0.0.2:8080' });
    const response = c1!.exchanges[0]!.response!;
    expect(response.chunks!.map((c) => c.sizeToken)).toEqual(['5', '0A']);
    expect(response.terminator).toBe(false);
    expect(c1!.received).toMatchObject({ eof: 'fin', endedBy: 'server' });
    expect(c1!.sent).toMatchObject({ bytes: GET.length, eof: 'fin', endedBy: 'client' });
    expect(c1!.closes.map((c) => [c.side, c.kind, c.by])).toEqual([
      ['upstream', 'fin', 'peer'],
      ['client', 'fin', 'peer'],
    ]);
    // Chunk times come from the packets: #2 arrived 0.2 s after #1.
    const timing = response.timing!.chunks;
    expect(timing[1]!.first - timing[0]!.first).toBeCloseTo(0.2, 6);
  });

  it('an RST from the server ends what the client received with rst', () => {
    const frames = exchange((c) => [c.segment({ from: 'server', payload: HEAD + '5\r\nhel' }), c.segment({ from: 'server', flags: 'RA' })]);
    const { report } = importAndAnalyse(pcapngFile(frames));
    const [c1] = report.connections;
    expect(c1!.received).toMatchObject({ eof: 'rst', endedBy: 'server' });
    expect(c1!.closes).toEqual([expect.objectContaining({ side: 'upstream', kind: 'rst', by: 'peer' })]);
    expect(c1!.exchanges[0]!.response!.chunks![0]).toMatchObject({ sizeToken: '5', dataLength: 3 });
  });

  it('an RST from the client is the client’s', () => {
    const frames = exchange((c) => [c.segment({ from: 'server', payload: HEAD + '5\r\nhello\r\n' }), c.segment({ from: 'client', flags: 'R' })]);
    const [c1] = importAndAnalyse(pcapFile(frames)).report.connections;
    expect(c1!.received).toMatchObject({ eof: 'rst', endedBy: 'client' });
    expect(c1!.closes.map((c) => [c.side, c.kind])).toEqual([['client', 'rst']]);
  });

  it('a connection still open when the capture ended is open on both sides', () => {
    const frames = exchange((c) => [c.segment({ from: 'server', payload: HEAD + '5\r\nhello\r\n' })]);
    const { records, report } = importAndAnalyse(pcapFile(frames));
    const [c1] = report.connections;
    expect(c1!.received.eof).toBe('open');
    expect(c1!.closes.map((c) => [c.side, c.kind])).toEqual([
      ['client', 'open'],
      ['upstream', 'open'],
    ]);
    expect(records.at(-2)).toMatchObject({ type: 'close', detail: 'still open when the packet capture ended' });
  });

  it('finds HTTP on any port, with the SYN sender as the client, and several connections in time order', () => {
    const a = flow({ client: '[2001:db8::7]:41000', server: '[2001:db8::80]:8443', start: 1_700_000_000 });
    const b = flow({ client: '192.0.2.1:42000', server: '192.0.2.2:5000', start: 1_700_000_000.0005 });
    const frames = [
      ...a.handshake(),
      ...b.handshake(),
      a.segment({ from: 'client', payload: 'POST /upload HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi', at: 0.01 }),
      b.segment({ from: 'client', payload: 'HEAD /x HTTP/1.0\r\n\r\n', at: 0.011 }),
      b.segment({ from: 'server', payload: 'HTTP/1.0 200 OK\r\nContent-Length: 99\r\n\r\n', at: 0.012 }),
      a.segment({ from: 'server', payload: 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', at: 0.013 }),
    ].sort((x, y) => x.time - y.time);
    const { report, notes } = importAndAnalyse(pcapFile(frames));
    expect(notes).toEqual([]);
    expect(report.session).toMatchObject({ listen: '[2001:db8::80]:8443, 192.0.2.2:5000', reverse: null });
    expect(report.connections.map((c) => [c.id, c.client, c.upstream, c.exchanges[0]!.request!.startLine, c.exchanges[0]!.response!.response!.status])).toEqual([
      ['c1', '[2001:db8::7]:41000', '[2001:db8::80]:8443', 'POST /upload HTTP/1.1', 201],
      ['c2', '192.0.2.1:42000', '192.0.2.2:5000', 'HEAD /x HTTP/1.0', 200],
    ]);
    expect(report.connections[1]!.exchanges[0]!.response!.complete).toBe(true); // HEAD: no body, whatever Content-Length says
  });

  it('finds the client by its request line when the capture began mid-connection', () => {
    const c = flow();
    const frames = [
      c.segment({ from: 'server', seq: 900, payload: 'tail of a body we never saw the start of' }),
      c.segment({ from: 'client', seq: 100, payload: GET }),
      c.segment({ from: 'server', seq: 940, payload: 'HTTP/1.1 204 No Content\r\n\r\n' }),
    ];
    const { report, notes } = importAndAnalyse(pcapFile(frames));
    expect(report.connections[0]).toMatchObject({ client: '10.0.0.1:50000', upstream: '10.0.0.2:8080' });
    expect(report.connections[0]!.exchanges[0]!.response!.response!.status).toBe(204);
    expect(notes).toEqual([
      'connection c1 was captured from mid-connection: 40 bytes the server sent before the first captured request are left out (they answer requests the capture did not see)',
    ]);
  });

  it('skips what is not HTTP/1.x, saying what it is', () => {
    const tls = flow({ server: '10.0.0.2:443' });
    const quiet = flow({ client: '10.0.0.1:50001' });
    const frames = [
      ...tls.handshake(),
      tls.segment({ from: 'client', payload: Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00]) }),
      ...quiet.handshake(),
      quiet.segment({ from: 'client', flags: 'FA' }),
    ];
    const { report, notes, records } = importAndAnalyse(pcapFile(frames));
    expect(report.connections).toEqual([]);
    expect(records.map((r) => r.type)).toEqual(['session', 'end']);
    expect(notes).toEqual([
      'TCP connection 10.0.0.1:50000 → 10.0.0.2:443 not shown: not HTTP/1.x, the client\'s first bytes are a TLS handshake (HTTPS: a packet capture holds it encrypted)',
      "no HTTP/1.x among the capture's 2 TCP connections",
      '1 TCP connection carried no data (handshakes or resets only): not shown',
    ]);
  });

  it('does not invent lost bytes: the connection is shown up to them, and a note says what was lost', () => {
    const frames = exchange((c) => [
      c.segment({ from: 'server', payload: HEAD + '5DC\r\n' + 'a'.repeat(52), at: 0.1 }),
      // 1,448 bytes lost by the capture
      c.segment({ from: 'server', seq: HEAD.length + 5 + 52 + 1448, payload: 'b'.repeat(1448), at: 0.2 }),
      c.segment({ from: 'client', seq: GET.length, flags: 'A', ack: HEAD.length + 5 + 52 + 2896, at: 0.3 }),
      c.segment({ from: 'server', seq: HEAD.length + 5 + 52 + 2896, flags: 'FA', at: 0.4 }),
    ]);
    const { report, notes, records } = importAndAnalyse(pcapFile(frames));
    expect(notes).toEqual([
      `connection c1: 1,448 bytes from the server never captured at stream offset ${HEAD.length + 5 + 52} (at 0.299 s)`,
      'connection c1 is shown up to the lost bytes; after them the capture holds 1,448 more bytes, then a server FIN at 0.399 s',
    ]);
    const [c1] = report.connections;
    expect(c1!.received).toMatchObject({ bytes: HEAD.length + 5 + 52, eof: 'open' });
    expect(c1!.exchanges[0]!.response!.chunks![0]).toMatchObject({ sizeToken: '5DC', dataLength: 52 });
    expect(records.filter((r) => r.type === 'close')).toEqual([expect.objectContaining({ side: 'upstream', kind: 'open', detail: expect.stringMatching(/lost 1,448 bytes from the server/) })]);
  });

  it('notes retransmissions and segments the snap length cut', () => {
    const frames = exchange((c) => [
      c.segment({ from: 'server', payload: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody' }),
      c.segment({ from: 'server', seq: 0, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody' }),
    ]);
    expect(importAndAnalyse(pcapFile(frames)).notes).toEqual(['connection c1: 1 retransmitted segment (42 bytes) dropped as duplicates']);
    const cut = importAndAnalyse(pcapFile(frames, { snapLength: 90 })).notes;
    expect(cut[0]).toMatch(/^3 TCP segments were cut short by the capture's snap length/);
  });

  it('keeps a keep-alive connection’s exchanges in order', () => {
    const c = flow();
    const frames = [
      ...c.handshake(),
      c.segment({ from: 'client', payload: GET }),
      c.segment({ from: 'server', payload: HEAD + '3\r\none\r\n0\r\n\r\n' }),
      c.segment({ from: 'client', payload: GET.replace('/feed', '/two') }),
      c.segment({ from: 'server', payload: HEAD + '3\r\ntwo\r\n0\r\n\r\n' }),
    ];
    const [c1] = importAndAnalyse(pcapFile(frames)).report.connections;
    expect(c1!.exchanges.map((e) => [e.request!.request!.target, e.response!.terminator, e.response!.chunks!.length])).toEqual([
      ['/feed', true, 1],
      ['/two', true, 1],
    ]);
  });
});

describe('writeCaptureFile', () => {
  it('writes records a capture reader reads back, private to the user', () => {
    const frames = exchange((c) => [c.segment({ from: 'server', payload: HEAD + '0\r\n\r\n' }), c.segment({ from: 'server', flags: 'FA' })]);
    const { records } = pcapToCapture(pcapFile(frames));
    const directory = mkdtempSync(join(tmpdir(), 'chunkscope-pcap-'));
    const path = join(directory, 'imported.cscap');
    writeCaptureFile(path, records);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back: CaptureRecord[] = [...readRecords([readFileSync(path)])].map((r) => (r.type === 'data' ? { ...r, bytes: Buffer.from(r.bytes), position: undefined } : r));
    rmSync(directory, { recursive: true, force: true });
    expect(back).toEqual(records.map((r) => (r.type === 'data' ? { ...r, bytes: Buffer.from(r.bytes), position: undefined } : r)));
  });
});
