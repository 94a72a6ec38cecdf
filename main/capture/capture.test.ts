import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHeader, isCapture, type CaptureRecord } from './format';
import { CaptureFormatError, readRecords } from './reader';
import { CaptureWriter } from './writer';

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'chunkscope-capture-')), 'test.cscap');
}

function readAll(bytes: Uint8Array, pieceSize = bytes.length || 1): { records: CaptureRecord[]; truncatedBytes: number } {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += pieceSize) pieces.push(bytes.subarray(at, at + pieceSize));
  const records: CaptureRecord[] = [];
  const reader = readRecords(pieces);
  let step = reader.next();
  while (!step.done) {
    records.push(step.value);
    step = reader.next();
  }
  return { records, truncatedBytes: step.value.truncatedBytes };
}

async function sampleCapture(): Promise<Buffer> {
  const path = tempPath();
  const writer = new CaptureWriter(path);
  writer.event({ type: 'session', version: 1, startedAt: '2026-11-23T00:00:00.000Z', tool: 'test', mode: 'reverse', listen: '127.0.0.1:1', reverse: '127.0.0.1:2' });
  writer.event({ type: 'open', connection: 1, time: 0.5, client: '127.0.0.1:50000', mode: 'reverse' });
  writer.data(1, 0, false, 0.51, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  writer.data(1, 1, true, 0.52, Buffer.from('HTTP/1.1 502 Bad Gateway\r\n'));
  writer.event({ type: 'close', connection: 1, time: 0.6, side: 'upstream', kind: 'rst', by: 'peer', detail: null });
  writer.event({ type: 'end', time: 1 });
  await writer.close();
  return readFileSync(path);
}

describe('the capture format', () => {
  it('reads back what was written, in order, whatever the read size', async () => {
    const bytes = await sampleCapture();
    expect(isCapture(bytes)).toBe(true);
    for (const size of [bytes.length, 7, 1]) {
      const { records, truncatedBytes } = readAll(bytes, size);
      expect(truncatedBytes).toBe(0);
      expect(records.map((r) => r.type)).toEqual(['session', 'open', 'data', 'data', 'close', 'end']);
      const [, , sent, received] = records as Extract<CaptureRecord, { type: 'data' }>[];
      expect(sent).toMatchObject({ connection: 1, stream: 0, generated: false, time: 0.51 });
      expect(Buffer.from(sent!.bytes).toString()).toBe('GET / HTTP/1.1\r\n\r\n');
      expect(received).toMatchObject({ stream: 1, generated: true, time: 0.52 });
    }
  });

  it('a file cut anywhere in its last record still opens, without that record', async () => {
    const bytes = await sampleCapture();
    const whole = readAll(bytes).records.length;
    const endRecord = 5 + Buffer.byteLength(JSON.stringify({ type: 'end', time: 1 }));
    for (let cut = bytes.length - endRecord; cut < bytes.length; cut++) {
      const { records, truncatedBytes } = readAll(bytes.subarray(0, cut));
      expect(records).toHaveLength(whole - 1);
      expect(truncatedBytes).toBe(cut - (bytes.length - endRecord));
    }
  });

  it('is recognised by its content, not its name', () => {
    expect(isCapture(fileHeader())).toBe(true);
    expect(isCapture(Buffer.from('HTTP/1.1 200 OK\r\n'))).toBe(false);
    expect(() => readAll(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toThrow(CaptureFormatError);
  });

  it('refuses a newer format version with a clear reason', () => {
    const header = fileHeader();
    header.writeUInt16LE(9, 8);
    expect(() => readAll(header)).toThrow('capture format version 9 is newer than this Chunkscope reads (1) (at byte 8)');
  });

  it('is private to the user (mode 0600)', async () => {
    const path = tempPath();
    const writer = new CaptureWriter(path);
    await writer.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps large bodies out of memory: data is queued by reference and written in large appends', async () => {
    const path = tempPath();
    const writer = new CaptureWriter(path);
    const block = Buffer.alloc(256 * 1024, 0x61);
    for (let i = 0; i < 400; i++) writer.data(1, 1, false, i, block); // 100 MiB
    expect(writer.busy).toBe(true); // the relay pauses reading until it drains
    await new Promise<void>((resolve) => writer.onDrain(resolve));
    expect(writer.busy).toBe(false);
    await writer.close();
    expect(statSync(path).size).toBe(10 + 400 * (19 + block.length));
  });
});
