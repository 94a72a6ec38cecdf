// The lab's framing variants: valid ones a careful client accepts (extensions, hex sizes
// in either case or zero-padded, one huge chunk, a million tiny ones, gzip inside chunked,
// a close-delimited body) and faults it reports (a Content-Length longer than the body),
// or survives (a keep-alive connection reset after N requests). `chunkscope probe` runs
// a client against each, by the same names.

import { gzipSync } from 'node:zlib';
import { queryNumber, TEXT, type LabRequest, type Out, type Scenario } from './scenario';
import { bytes, chunk, CHUNKED, head, LAST_CHUNK, withLength } from './wire';

const MIB = 1024 * 1024;

/** The kind asked for in a family's path (/sizes/lower), or null after answering 404. */
async function kindOf(req: LabRequest, out: Out, family: string, kinds: Record<string, string>): Promise<string | null> {
  const kind = req.path.slice(family.length);
  if (Object.hasOwn(kinds, kind)) return kind;
  await out.write(withLength('404 Not Found', `no ${family}<kind> "${kind}"; kinds: ${Object.keys(kinds).join(', ')}\n`));
  return null;
}

/** Chunk data of the sizes that show a hex letter's case: 1,500 (5DC), 171 (AB), 255 (FF), 26 (1A). */
const SIZED = [1500, 171, 255, 26].map((size, i) => Buffer.alloc(size, 0x61 + i));

const SIZE_KINDS: Record<string, string> = {
  upper: 'chunk sizes in upper-case hex (5DC, AB, FF, 1A)',
  lower: 'chunk sizes in lower-case hex (5dc, ab, ff, 1a)',
  'zero-padded': 'chunk sizes zero-padded to 8 digits (000005DC), the last chunk 0000',
};

function sizeToken(kind: string, size: number): string {
  const hex = size.toString(16);
  return kind === 'lower' ? hex : kind === 'upper' ? hex.toUpperCase() : hex.toUpperCase().padStart(8, '0');
}

/** Gzip in chunked: a feed compressed once, sent in 64-byte chunks that cut the gzip stream anywhere. */
const GZIPPED = gzipSync(
  Buffer.from(
    Array.from({ length: 50 }, (_, i) => `<item><title>Item ${i + 1}</title><description>compressed, then chunked</description></item>\n`).join(''),
  ),
);

/** Ten thousand one-byte chunks, written at once: a million of them are a hundred writes. */
const TINY_BLOCK = 10_000;
let tinyBlock: Buffer | null = null;
let mebibyte: Buffer | null = null;

const LENGTH_KINDS: Record<string, string> = {
  shorter: 'Content-Length: 10, then 20 bytes; the connection left open',
  longer: 'Content-Length: 100, then 50 bytes, then FIN',
};

export const VARIANTS: Scenario[] = [
  {
    method: 'GET',
    path: '/extensions',
    usage: '/extensions',
    summary: 'valid chunk extensions a client must ignore: name=value, a quoted value, a bare name, one on the last chunk',
    async run(_req, out) {
      await out.write(
        Buffer.concat([head('200 OK', [TEXT, CHUNKED]), chunk('hello', ';name=value'), chunk(' world', ';quoted="a b;c"'), chunk('!\n', ';flag;n=1'), bytes('0;last=yes\r\n\r\n')]),
      );
    },
  },
  {
    method: 'GET',
    path: '/sizes/',
    usage: '/sizes/<upper|lower|zero-padded>',
    summary: 'four chunks (1,500, 171, 255 and 26 bytes) with their sizes written one way',
    kinds: SIZE_KINDS,
    async run(req, out) {
      const kind = await kindOf(req, out, '/sizes/', SIZE_KINDS);
      if (kind === null) return;
      const chunks = SIZED.map((data) => Buffer.concat([bytes(`${sizeToken(kind, data.length)}\r\n`), data, bytes('\r\n')]));
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'application/octet-stream'], CHUNKED]), ...chunks, bytes(kind === 'zero-padded' ? '0000\r\n\r\n' : '0\r\n\r\n')]));
    },
  },
  {
    method: 'GET',
    path: '/huge-chunk',
    usage: '/huge-chunk?mb=64',
    summary: 'one chunk of MB mebibytes (64: size line 4000000; up to 4,096, past 32 bits), then the last chunk',
    async run(req, out) {
      const mb = Math.max(1, Math.floor(queryNumber(req.query, 'mb', 64, 4096)));
      mebibyte ??= Buffer.alloc(MIB, 0x61);
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'application/octet-stream'], CHUNKED]), bytes(`${(mb * MIB).toString(16).toUpperCase()}\r\n`)]));
      for (let i = 0; i < mb; i++) await out.write(mebibyte);
      await out.write(Buffer.concat([bytes('\r\n'), LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/tiny-chunks',
    usage: '/tiny-chunks?count=1000000',
    summary: 'COUNT one-byte chunks (default a million, up to 10,000,000), then the last chunk',
    async run(req, out) {
      const count = Math.floor(queryNumber(req.query, 'count', 1_000_000, 10_000_000));
      tinyBlock ??= Buffer.concat(Array.from({ length: TINY_BLOCK }, () => bytes('1\r\nx\r\n')));
      await out.write(head('200 OK', [TEXT, CHUNKED]));
      for (let sent = 0; sent < count; sent += TINY_BLOCK) await out.write(tinyBlock.subarray(0, Math.min(TINY_BLOCK, count - sent) * 6));
      await out.write(LAST_CHUNK);
    },
  },
  {
    method: 'GET',
    path: '/keepalive-reset',
    usage: '/keepalive-reset?n=3',
    summary:
      'answers N requests on one keep-alive connection (a small chunked response each), then resets it (RST) when the next comes: a client that loops must open a new connection or report the reset',
    async run(req, out, connection) {
      const limit = queryNumber(req.query, 'n', 3, Number.MAX_SAFE_INTEGER);
      if (connection.keepaliveRequests >= limit) return out.rst();
      connection.keepaliveRequests++;
      await out.write(Buffer.concat([head('200 OK', [TEXT, CHUNKED]), chunk(`response #${connection.keepaliveRequests} on this connection\n`), LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/gzip',
    usage: '/gzip',
    summary: `Content-Encoding: gzip inside chunked: a feed compressed to ${GZIPPED.length.toLocaleString('en-US')} bytes, in 64-byte chunks`,
    async run(_req, out) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < GZIPPED.length; at += 64) chunks.push(chunk(GZIPPED.subarray(at, at + 64)));
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'application/rss+xml'], ['Content-Encoding', 'gzip'], CHUNKED]), ...chunks, LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/content-length/',
    usage: '/content-length/<shorter|longer>',
    summary: 'a Content-Length that does not match the body',
    kinds: LENGTH_KINDS,
    async run(req, out) {
      const kind = await kindOf(req, out, '/content-length/', LENGTH_KINDS);
      if (kind === 'shorter') await out.write(Buffer.concat([head('200 OK', [TEXT, ['Content-Length', '10']]), bytes('0123456789ABCDEFGHIJ')]));
      if (kind !== 'longer') return;
      await out.write(Buffer.concat([head('200 OK', [TEXT, ['Content-Length', '100']]), Buffer.alloc(50, 0x61)]));
      await out.wait(50);
      out.fin();
    },
  },
  {
    method: 'GET',
    path: '/close-delimited',
    usage: '/close-delimited',
    summary: 'no Content-Length, no Transfer-Encoding: the body ends when the server closes the connection (FIN), as HTTP/1.0 servers do',
    async run(_req, out) {
      await out.write(head('200 OK', [TEXT, ['Connection', 'close']]));
      for (const line of ['the body is\n', 'delimited by\n', 'the close\n']) {
        if (!(await out.wait(20))) return;
        await out.write(bytes(line));
      }
      out.fin();
    },
  },
];
