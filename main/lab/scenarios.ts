// The lab's scenarios: each path misbehaves (or behaves) in one documented way. The
// table is the documentation too: `chunkscope lab --help` and GET / list it.

import { queryNumber as number, TEXT, type Scenario } from './scenario';
import { VARIANTS } from './variants';
import { bytes, chunk, CHUNKED, head, LAST_CHUNK, withLength } from './wire';

export type { LabConnection, LabRequest, Out, Scenario } from './scenario';

/** The two-chunk body of the classic case: 1,500 and 1,405 bytes. */
const FIRST = chunk(Buffer.alloc(1500, 0x61));
const SECOND = chunk(Buffer.alloc(1405, 0x62));

function rssItem(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return (
    `<item><title>Item ${i + 1}</title><link>http://lab.chunkscope.test/items/${i + 1}</link>` +
    `<pubDate>Mon, ${day} Nov 2026 09:00:00 GMT</pubDate><description>Item ${i + 1}, flushed on its own.</description></item>\n`
  );
}

/** Malformed bodies, each broken in one way (a 200 head, then the bad framing, then FIN). */
export const MALFORMED: Record<string, { summary: string; response: Buffer }> = {
  'bad-hex': {
    summary: 'a chunk size that is not hex (5G)',
    response: Buffer.concat([head('200 OK', [TEXT, CHUNKED]), bytes('5G\r\nhello\r\n0\r\n\r\n')]),
  },
  'bare-lf': {
    summary: 'size lines and CRLFs ending in a bare LF',
    response: Buffer.concat([head('200 OK', [TEXT, CHUNKED]), bytes('5\nhello\n6\n world\n0\n\n')]),
  },
  'missing-crlf': {
    summary: 'chunk data not followed by CRLF',
    response: Buffer.concat([head('200 OK', [TEXT, CHUNKED]), bytes('5\r\nhelloXY6\r\n world\r\n0\r\n\r\n')]),
  },
  overflow: {
    summary: 'a chunk size too large for any integer (FFFFFFFFFFFFFFFFFFFF)',
    response: Buffer.concat([head('200 OK', [TEXT, CHUNKED]), bytes('FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n')]),
  },
  'bad-extension': {
    summary: 'a chunk extension without a name (5;=x)',
    response: Buffer.concat([head('200 OK', [TEXT, CHUNKED]), bytes('5;=x\r\nhello\r\n0\r\n\r\n')]),
  },
  'cl-and-te': {
    summary: 'both Content-Length and Transfer-Encoding: chunked',
    response: Buffer.concat([head('200 OK', [TEXT, ['Content-Length', '5'], CHUNKED]), bytes('5\r\nhello\r\n0\r\n\r\n')]),
  },
};

const BASICS: Scenario[] = [
  {
    method: 'GET',
    path: '/ok',
    usage: '/ok',
    summary: 'a well-formed chunked response: three chunks, the last chunk, keep-alive',
    async run(_req, out) {
      await out.write(Buffer.concat([head('200 OK', [TEXT, CHUNKED]), chunk('first chunk\n'), chunk('second chunk\n'), chunk('third chunk\n'), LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/feed',
    usage: '/feed?items=5&delay=200',
    summary: 'an RSS feed streamed one item per chunk, DELAY ms apart (items up to 1,000)',
    async run(req, out) {
      const items = number(req.query, 'items', 5, 1000);
      const delay = number(req.query, 'delay', 200, 60_000);
      await out.write(
        Buffer.concat([
          head('200 OK', [['Content-Type', 'application/rss+xml; charset=utf-8'], CHUNKED]),
          chunk('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Chunkscope lab feed</title><link>http://lab.chunkscope.test/</link>\n'),
        ]),
      );
      for (let i = 0; i < items; i++) {
        if (!(await out.wait(delay))) return;
        await out.write(chunk(rssItem(i)));
      }
      await out.write(Buffer.concat([chunk('</channel></rss>\n'), LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/no-terminator',
    usage: '/no-terminator',
    summary: 'two chunks (1,500 and 1,405 bytes), then FIN without the zero-length last chunk',
    async run(_req, out) {
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'application/octet-stream'], CHUNKED]), FIRST, SECOND]));
      await out.wait(200);
      out.fin();
    },
  },
  {
    method: 'GET',
    path: '/reset-mid-chunk',
    usage: '/reset-mid-chunk',
    summary: 'one chunk, then 700 of the 1,405 bytes of the second, then RST',
    async run(_req, out) {
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'application/octet-stream'], CHUNKED]), FIRST, SECOND.subarray(0, 5 + 700)]));
      await out.wait(50);
      out.rst();
    },
  },
  {
    method: 'GET',
    path: '/stall',
    usage: '/stall?ms=10000',
    summary: 'one chunk, then nothing for MS milliseconds (default 10 s), then the rest',
    async run(req, out) {
      const ms = number(req.query, 'ms', 10_000, 3_600_000);
      await out.write(Buffer.concat([head('200 OK', [TEXT, CHUNKED]), chunk('before the stall\n')]));
      if (!(await out.wait(ms))) return;
      await out.write(Buffer.concat([chunk('after the stall\n'), LAST_CHUNK]));
    },
  },
  {
    method: 'GET',
    path: '/trailers',
    usage: '/trailers',
    summary: 'a chunked body with trailer fields (X-Checksum, X-Items) announced in Trailer',
    async run(_req, out) {
      await out.write(
        Buffer.concat([
          head('200 OK', [TEXT, CHUNKED, ['Trailer', 'X-Checksum, X-Items']]),
          chunk('one\n'),
          chunk('two\n'),
          bytes('0\r\nX-Checksum: sha256=9b1f0c\r\nX-Items: 2\r\n\r\n'),
        ]),
      );
    },
  },
  {
    method: 'GET',
    path: '/malformed/',
    usage: `/malformed/<${Object.keys(MALFORMED).join('|')}>`,
    summary: 'a chunked body broken in one way, then FIN',
    kinds: Object.fromEntries(Object.entries(MALFORMED).map(([kind, m]) => [kind, m.summary])),
    async run(req, out) {
      const kind = req.path.slice('/malformed/'.length);
      const malformed = MALFORMED[kind];
      if (!malformed) {
        await out.write(withLength('404 Not Found', `no malformed kind "${kind}"; kinds: ${Object.keys(MALFORMED).join(', ')}\n`));
        return;
      }
      await out.write(malformed.response);
      await out.wait(50);
      out.fin();
    },
  },
  {
    method: 'GET',
    path: '/events',
    usage: '/events?count=5&delay=200&batch=1',
    summary: 'server-sent events: COUNT events (ids, multi-line data, a comment, a retry), DELAY ms apart, BATCH events per chunk',
    async run(req, out) {
      const count = number(req.query, 'count', 5, 10_000);
      const delay = number(req.query, 'delay', 200, 60_000);
      const batch = Math.max(1, number(req.query, 'batch', 1, 100));
      await out.write(Buffer.concat([head('200 OK', [['Content-Type', 'text/event-stream; charset=utf-8'], ['Cache-Control', 'no-cache'], CHUNKED]), chunk(': Chunkscope lab events\nretry: 3000\n\n')]));
      for (let i = 0; i < count; i += batch) {
        if (!(await out.wait(delay))) return;
        let events = '';
        for (let k = i; k < Math.min(count, i + batch); k++) events += `id: ${k + 1}\nevent: ${k % 3 === 2 ? 'update' : 'message'}\ndata: event ${k + 1}\ndata: {"n":${k + 1}}\n\n`;
        await out.write(chunk(events));
      }
      await out.write(LAST_CHUNK);
    },
  },
  {
    method: 'GET',
    path: '/drip',
    usage: '/drip?chunks=10&delay=100',
    summary: 'CHUNKS small chunks, DELAY ms apart (chunks up to 1,000,000)',
    async run(req, out) {
      const chunks = number(req.query, 'chunks', 10, 1_000_000);
      const delay = number(req.query, 'delay', 100, 60_000);
      await out.write(head('200 OK', [TEXT, CHUNKED]));
      for (let i = 0; i < chunks; i++) {
        if (i > 0 && delay > 0 && !(await out.wait(delay))) return;
        await out.write(chunk(`drip ${i + 1}\n`));
      }
      await out.write(LAST_CHUNK);
    },
  },
  {
    method: 'GET',
    path: '/big',
    usage: '/big?mb=100',
    summary: 'MB mebibytes in 16 KiB chunks (up to 100,000)',
    async run(req, out) {
      const mb = number(req.query, 'mb', 100, 100_000);
      await out.write(head('200 OK', [['Content-Type', 'application/octet-stream'], CHUNKED]));
      const block = Buffer.concat(Array.from({ length: 64 }, () => chunk(Buffer.alloc(16 * 1024, 0x61))));
      for (let i = 0; i < mb; i++) await out.write(block);
      await out.write(LAST_CHUNK);
    },
  },
  {
    method: 'POST',
    path: '/upload',
    usage: 'POST /upload',
    summary: 'reads the body (chunked or Content-Length) and answers 200 with what it received; keep-alive',
    async run(req, out) {
      await out.write(withLength('200 OK', `received ${req.bodyLength} bytes (${req.chunked ? 'chunked' : 'content-length'})\n`));
    },
  },
  {
    method: 'POST',
    path: '/reset-after',
    usage: 'POST /reset-after?n=4000',
    summary:
      'the IIS 6 behaviour: answers N chunked requests on one keep-alive connection (default --reset-after), then resets the connection on the next one; Content-Length requests are answered and not counted',
    async run(req, out, connection) {
      const limit = number(req.query, 'n', connection.resetAfter, Number.MAX_SAFE_INTEGER);
      if (req.chunked) {
        if (connection.chunkedRequests >= limit) return out.rst();
        connection.chunkedRequests++;
      }
      await out.write(withLength('200 OK', 'ok\n'));
    },
  },
];

export const SCENARIOS: Scenario[] = [...BASICS, ...VARIANTS];

export function findScenario(method: string, path: string): Scenario | null {
  return SCENARIOS.find((s) => (s.path.endsWith('/') ? path.startsWith(s.path) : path === s.path) && s.method === method) ?? null;
}

/** Words wrapped to `width` columns, each line indented. */
export function wrap(text: string, indent: string, width = 88): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** The list, as GET / and --help show it: each scenario, then what it does; a family, then its kinds. */
export function scenarioList(): string {
  return SCENARIOS.map((s) => {
    const usage = s.method === 'POST' ? s.usage : `GET ${s.usage}`;
    if (s.kinds) {
      const kinds = Object.entries(s.kinds).map(([kind, summary]) => `      ${kind.padEnd(15)}${summary}`);
      return [`  GET ${s.path}<kind>`, wrap(`${s.summary}; kinds:`, '      '), ...kinds].join('\n');
    }
    return `  ${usage}\n${wrap(s.summary, '      ')}`;
  }).join('\n');
}

/**
 * Every scenario by name: its path without the leading slash, a family's kinds each on
 * their own ("malformed/bare-lf"). `chunkscope probe` uses the same names.
 */
export function scenarioNames(): string[] {
  return SCENARIOS.flatMap((s) => (s.kinds ? Object.keys(s.kinds).map((kind) => `${s.path.slice(1)}${kind}`) : [s.path.slice(1)]));
}
