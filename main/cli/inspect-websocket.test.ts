// `chunkscope inspect CAPTURE` on a connection that became a WebSocket: its messages in the
// human output and in --json (`webSocket` on the exchange), its findings and its close
// handshake in the account.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../capture/format';
import { writeCaptureFile } from '../capture/write-file';
import { concat, frame } from '../websocket/test-support/frames';
import { runCli } from './test-support/run-cli';

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: chat.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n';
const mask = [9, 8, 7, 6];
const code = (n: number, reason: string) => concat([Uint8Array.from([n >> 8, n & 0xff]), Uint8Array.from(Buffer.from(reason))]);

function websocketCapture(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-ws-')), 'socket.cscap');
  const data = (stream: 0 | 1, time: number, bytes: Uint8Array | string): CaptureRecord => ({ type: 'data', connection: 1, stream, generated: false, time, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes });
  const close = (time: number, side: 'client' | 'upstream', by: 'peer' | 'proxy'): CaptureRecord => ({ type: 'close', connection: 1, time, side, kind: 'fin', by, detail: null });
  writeCaptureFile(path, [
    { type: 'session', version: 1, startedAt: '2025-01-01T00:00:00.000Z', tool: 'chunkscope test', mode: 'reverse', listen: '127.0.0.1:0', reverse: null },
    { type: 'open', connection: 1, time: 0, client: '127.0.0.1:50000', mode: 'reverse' },
    { type: 'upstream', connection: 1, time: 0, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' },
    data(0, 0.001, UPGRADE),
    data(1, 0.002, SWITCHING),
    data(0, 0.1, frame({ opcode: 'text', mask, payload: Buffer.from('hello, café') })),
    data(1, 0.15, frame({ opcode: 'text', payload: 'welcome' })),
    data(1, 0.2, frame({ opcode: 'ping', payload: 'p'.repeat(126) })),
    data(0, 0.3, frame({ opcode: 'binary', mask, payload: Uint8Array.from([1, 2, 3]) })),
    data(1, 0.4, frame({ opcode: 'close', payload: code(1001, 'restarting') })),
    data(0, 0.41, frame({ opcode: 'close', mask, payload: code(1001, '') })),
    close(0.42, 'upstream', 'peer'),
    close(0.42, 'client', 'proxy'),
    close(0.43, 'client', 'peer'),
    close(0.43, 'upstream', 'proxy'),
    { type: 'end', time: 1 },
  ]);
  return path;
}

describe('chunkscope inspect CAPTURE with a WebSocket', () => {
  it('lists its messages under the exchange, with the handshake and the findings', async () => {
    const { status, stdout } = await runCli(['inspect', websocketCapture()]);
    expect(status).toBe(3); // the ping of 126 bytes
    expect(stdout).toContain('   WebSocket   subprotocol chat · 6 messages (3 from the client, 3 from the server)');
    const lines = stdout.split('\n').map((l) => l.replace(/ +/g, ' ').trim());
    expect(lines).toContain('1 100 ms client text 1 12 B "hello, café"');
    expect(lines).toContain('2 150 ms server text 1 7 B "welcome"');
    expect(lines).toContain('3 200 ms server ping 1 126 B 70 70 70 70 70 70 70 70 70 70 70 70 70 70 70 70 … ✗ ws-control-too-long');
    expect(lines).toContain('4 300 ms client binary 1 3 B 01 02 03');
    expect(lines).toContain('5 400 ms server close 1 12 B 1001 going away "restarting"');
    expect(lines).toContain("✗ ws-control-too-long at byte 169: the server's frame #2, a ping frame, carries 126 bytes of payload: control frames carry at most 125 (RFC 6455 §5.5)");
    expect(lines).toContain(
      '→ #1 WebSocket closed cleanly: 6 messages (3 from the client, 3 from the server); the server sent Close (1001, going away: "restarting"), the client answered with Close (1001, going away); then the server closed the connection (FIN)',
    );
  });

  it('adds `webSocket` to the exchange in --json, and leaves the rest of the shape as it was', async () => {
    const { stdout } = await runCli(['inspect', websocketCapture(), '--json']);
    const report = JSON.parse(stdout);
    const [exchange] = report.connections[0].exchanges;
    expect(Object.keys(exchange)).toEqual(['index', 'request', 'response', 'informational', 'account', 'webSocket']);
    expect(exchange.response.startLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(exchange.webSocket).toMatchObject({ protocol: 'chat', extensions: null, deflate: null, omitted: 0, account: { messages: { client: 3, server: 3 }, closedBy: 'server', answered: true } });
    expect(exchange.webSocket.messages[0]).toEqual({
      seq: 0, from: 'client', index: 0, kind: 'text', opcode: 1, first: 0.1, last: 0.1, stream: 0, offset: UPGRADE.length, end: UPGRADE.length + 6 + 12,
      frames: 1, wireLength: 12, size: 12, compressed: false, decompressed: false, note: null, text: 'hello, café', data: null, cut: false, close: null, complete: true, problems: [],
    });
    expect(exchange.webSocket.messages[4]).toMatchObject({ kind: 'close', close: { code: 1001, reason: 'restarting', meaning: 'going away' }, data: Buffer.from(code(1001, 'restarting')).toString('base64') });
    expect(exchange.response.anomalies).toEqual([expect.objectContaining({ code: 'ws-control-too-long', offset: SWITCHING.length + 9 + 1 })]);
    expect(report.summary.findings).toEqual([expect.objectContaining({ code: 'ws-control-too-long', count: 1, error: true })]);
  });
});
