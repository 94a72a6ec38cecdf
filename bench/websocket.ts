// WebSocket frame parser benchmark: the same frames to our parser (as a detail reads them:
// previews kept) and to the `ws` package's own Receiver (what a Node WebSocket server
// parses with: unmasking, UTF-8 checks, messages joined), in the pieces a socket delivers.
// Compressed messages are measured against zlib's inflate of the same payloads alone.

import zlib from 'node:zlib';
import * as wsPackage from 'ws';
import { WebSocketParser } from '../main/websocket';
import { frame } from '../main/websocket/test-support/frames';
import { fmt, interleave, line, seconds, verdict } from './report';

const PIECE = 65536;

interface Workload {
  label: string;
  /** The frames the client sends (masked) or the server sends. */
  sender: 'client' | 'server';
  block: Buffer;
  messages: number;
  repeat: number;
  target: number;
  /** Read as the live analysis reads a socket past its kept messages: counted, no previews, no events. */
  counting?: boolean;
}

function ours(w: Workload): number {
  const parser = w.counting ? new WebSocketParser(w.sender, { frameEvents: false, limits: { previewBytes: 0 } }) : new WebSocketParser(w.sender);
  parser.counting = w.counting === true;
  let messages = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < w.repeat; r++) {
    for (let at = 0; at < w.block.length; at += PIECE) for (const e of parser.feed(w.block.subarray(at, at + PIECE))) if (e.type === 'message') messages++;
  }
  const rate = (w.block.length * w.repeat) / 1e6 / seconds(start);
  messages += parser.counted;
  if (messages !== w.messages * w.repeat) throw new Error(`${w.label}: ${messages} messages, expected ${w.messages * w.repeat}`);
  return rate;
}

/** The ws package's frame reader (ws/lib/receiver.js), which its types do not export. */
type ReceiverClass = new (options: { isServer: boolean; allowSynchronousEvents: boolean }) => {
  on(event: 'message', listener: () => void): void;
  _write(chunk: Buffer, encoding: string, callback: (error?: Error | null) => void): void;
};

function wsReceiver(w: Workload): number {
  // A server's receiver reads masked (client) frames, a client's unmasked ones.
  const receiver = new (wsPackage as unknown as { Receiver: ReceiverClass }).Receiver({ isServer: w.sender === 'client', allowSynchronousEvents: true });
  let messages = 0;
  receiver.on('message', () => messages++);
  const done = (error?: Error | null) => {
    if (error) throw error;
  };
  // It unmasks in place: each round gets bytes of its own, copied before the clock starts.
  const copies = Array.from({ length: w.repeat }, () => Buffer.from(w.block));
  const start = process.hrtime.bigint();
  // Its stream's own entry point, called as a socket's reads would call it (Writable's queue left out).
  for (const block of copies) for (let at = 0; at < block.length; at += PIECE) receiver._write(block.subarray(at, at + PIECE), 'buffer', done);
  const rate = (w.block.length * w.repeat) / 1e6 / seconds(start);
  if (messages !== w.messages * w.repeat) throw new Error(`${w.label}: ws read ${messages} messages, expected ${w.messages * w.repeat}`);
  return rate;
}

function repeated(count: number, make: (i: number) => Uint8Array): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => make(i)));
}

const text1k = 'The quick brown fox jumps over the lazy dog. Ünïcödé € '.repeat(19).slice(0, 1000);

/** Compressed messages: ours (inflate, UTF-8 check, preview) against zlib's raw inflate of the same payloads alone. */
function compressed(): void {
  const json = (i: number) => JSON.stringify({ event: 'tick', seq: i, symbol: 'ACME', price: 100 + (i % 50) / 4, book: Array.from({ length: 20 }, (_, k) => [k, k * 2]) });
  const payloads = Array.from({ length: 2000 }, (_, i) => {
    const out = zlib.deflateRawSync(json(i), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return out.subarray(0, out.length - 4);
  });
  const block = repeated(payloads.length, (i) => frame({ opcode: 'text', rsv: 4, payload: payloads[i]! }));
  const tail = Buffer.from([0, 0, 0xff, 0xff]);
  const r = interleave(
    5,
    () => {
      const parser = new WebSocketParser('server', { deflate: { contextTakeover: false, maxWindowBits: 15 } });
      const start = process.hrtime.bigint();
      for (let at = 0; at < block.length; at += PIECE) parser.feed(block.subarray(at, at + PIECE));
      return block.length / 1e6 / seconds(start);
    },
    () => {
      const start = process.hrtime.bigint();
      for (const p of payloads) zlib.inflateRawSync(Buffer.concat([p, tail]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return block.length / 1e6 / seconds(start);
    },
  );
  line('2,000 compressed JSON messages', [`chunkscope ${fmt(r.ours, 1)}`, `zlib alone ${fmt(r.baseline, 1)}`, `ratio ${r.ratio.toFixed(2)}x (${verdict(r.ratio, 0.5)})`]);
}

export function benchWebSocket(): void {
  const mask = [0x37, 0xfa, 0x21, 0x3d];
  const workloads: Workload[] = [
    { label: '1 KiB masked client texts', sender: 'client', block: repeated(8192, () => frame({ opcode: 'text', mask, payload: Buffer.from(text1k) })), messages: 8192, repeat: 8, target: 0.5 },
    { label: '64 KiB server binary messages', sender: 'server', block: repeated(256, () => frame({ opcode: 'binary', payload: Buffer.alloc(65536, 7) })), messages: 256, repeat: 32, target: 1.0 },
    { label: '16-byte server texts', sender: 'server', block: repeated(100_000, (i) => frame({ opcode: 'text', payload: `tick ${String(i).padStart(10, '0')}` })), messages: 100_000, repeat: 4, target: 0.3 },
    // A flood of the smallest frames, read as the relay's live analysis reads them (a hostile peer's shape).
    { label: '2-byte frames, counted (live)', sender: 'server', block: repeated(524_288, () => frame({ opcode: 'binary', payload: Buffer.alloc(0) })), messages: 524_288, repeat: 4, target: 1.0, counting: true },
  ];
  process.stdout.write('\nWebSocket frames: MB/s of wire bytes (median of interleaved runs), fed in 64 KiB pieces\n');
  process.stdout.write("  baseline: the ws package's Receiver (unmasking in JavaScript, UTF-8 checked, messages joined)\n");
  for (const w of workloads) {
    const r = interleave(5, () => ours(w), () => wsReceiver(w));
    line(w.label, [`chunkscope ${fmt(r.ours, 1)}`, `ws ${fmt(r.baseline, 1)}`, `ratio ${r.ratio.toFixed(2)}x (${verdict(r.ratio, w.target)})`]);
  }
  compressed();
}
