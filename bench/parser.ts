// Parser benchmark: the same bytes to our parser and to Node's own llhttp (through
// HTTPParser, with a body callback, as node:http uses it), in the pieces a socket
// delivers (64 KiB).

import { createRequire } from 'node:module';
import { Http1Parser } from '../main/http1';
import { LedgerBuilder } from '../main/http1/ledger';
import { fmt, interleave, line, rssMb, seconds, verdict } from './report';

interface NodeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  [key: number]: unknown;
}
interface NodeHttpParserClass {
  new (): NodeHttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: NodeHttpParserClass };
const PIECE = 65536;

interface Workload {
  label: string;
  direction: 'request' | 'response';
  head: Buffer;
  block: Buffer;
  repeat: number;
  rounds: number;
  target: number;
}

function llhttp(w: Workload, withBody: boolean): number {
  const parser = new HTTPParser();
  parser.initialize(w.direction === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone);
  let body = 0;
  parser[HTTPParser.kOnHeadersComplete] = () => 0;
  if (withBody) parser[HTTPParser.kOnBody] = (b: Buffer) => (body += b.length);
  parser[HTTPParser.kOnMessageComplete] = () => undefined;
  if (w.head.length) parser.execute(w.head);
  const start = process.hrtime.bigint();
  for (let r = 0; r < w.repeat; r++) {
    for (let at = 0; at < w.block.length; at += PIECE) {
      const result = parser.execute(w.block.subarray(at, at + PIECE));
      if (result instanceof Error) throw result;
    }
  }
  return (w.block.length * w.repeat) / 1e6 / seconds(start);
}

function ours(w: Workload, withLedger: boolean): number {
  const parser = new Http1Parser(w.direction);
  const ledger = withLedger ? new LedgerBuilder(w.direction) : null;
  let events = 0;
  if (w.head.length) {
    const head = parser.feed(w.head);
    if (ledger) ledger.push(head);
  }
  const start = process.hrtime.bigint();
  for (let r = 0; r < w.repeat; r++) {
    for (let at = 0; at < w.block.length; at += PIECE) {
      const out = parser.feed(w.block.subarray(at, at + PIECE));
      events += out.length;
      if (ledger) ledger.push(out);
    }
  }
  // A parser that lost the framing would only emit raw spans, and look fast.
  if (events === 0 || parser.waiting().what === 'nothing') throw new Error(`${w.label}: the parser lost the framing`);
  return (w.block.length * w.repeat) / 1e6 / seconds(start);
}

function chunkedResponseBlock(chunkSize: number, chunks: number): Buffer {
  const line = Buffer.from(`${chunkSize.toString(16).toUpperCase()}\r\n`);
  const one = Buffer.concat([line, Buffer.alloc(chunkSize, 0x61), Buffer.from('\r\n')]);
  return Buffer.concat(Array.from({ length: chunks }, () => one));
}

function pipelinedPosts(count: number): Buffer {
  const post = Buffer.from(
    'POST /api/items HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: chunkscope-bench\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n7\r\na=1&b=2\r\n3\r\nc=3\r\n0\r\n\r\n',
  );
  return Buffer.concat(Array.from({ length: count }, () => post));
}

export function benchParser(): void {
  const workloads: Workload[] = [
    // 64 chunks of 16 KiB per block, 1,024 blocks: 1 GiB of data.
    { label: '16 KiB chunks, 1 GiB', direction: 'response', head: Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), block: chunkedResponseBlock(16384, 64), repeat: 1024, rounds: 5, target: 1.0 },
    // 1,000,000 one-byte chunks per block, 10 blocks: 10 MB of body.
    { label: '1-byte chunks, 10 MB of body', direction: 'response', head: Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), block: chunkedResponseBlock(1, 1_000_000), repeat: 10, rounds: 3, target: 0.3 },
    // 4,000 pipelined chunked POSTs, parsed 25 times over.
    { label: '4,000 pipelined chunked POSTs', direction: 'request', head: Buffer.alloc(0), block: pipelinedPosts(4000), repeat: 25, rounds: 5, target: 0 },
  ];
  process.stdout.write('\nParser: MB/s of wire bytes (median of interleaved runs), fed in 64 KiB pieces\n');
  process.stdout.write("  baseline: Node's llhttp through HTTPParser with a body callback, as node:http uses it\n");
  for (const w of workloads) {
    globalThis.gc?.();
    const before = rssMb();
    let peak = before;
    const sample = <T>(f: () => T): T => {
      const result = f();
      peak = Math.max(peak, rssMb());
      return result;
    };
    const r = interleave(w.rounds, () => sample(() => ours(w, false)), () => sample(() => llhttp(w, true)));
    const parserPeak = peak;
    const bare = llhttp(w, false);
    const withLedger = ours(w, true);
    const target = w.target > 0 ? verdict(r.ratio, w.target) : 'no target set';
    line(w.label, [`chunkscope ${fmt(r.ours, 1)}`, `llhttp ${fmt(r.baseline, 1)}`, `ratio ${r.ratio.toFixed(2)}x (${target})`]);
    line('', [`rss while parsing: ${fmt(before)} MB before, ${fmt(parserPeak)} MB peak (parser state is bounded)`]);
    line('', [`for reference: chunkscope plus its ledger of every chunk ${fmt(withLedger, 1)}; llhttp without a body callback ${fmt(bare, 1)}`]);
    globalThis.gc?.();
  }
}
