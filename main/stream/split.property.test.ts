// Random bodies, random splits: every parser gives the same items and errors
// however its input is cut, and the items lie in order inside the body.

import zlibSync from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BodyEnd } from '../../shared/stream';
import { EventStreamParser } from './event-stream';
import { FeedParser } from './feed';
import type { ItemParser } from './item-parser';
import { JsonLinesParser } from './json-lines';
import { TextLinesParser } from './text-lines';
import { streamItems } from './view';
import { COMPLETE, outcome, piecesAt, RST, runPieces, utf8 } from './test-support/run';

const RUNS = 1000;

const ending = fc.constantFrom('\n', '\r\n', '\r');
const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', ':', 'é', '日', '😀', '{', '"', '\u0000'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
const end = fc.constantFrom<BodyEnd>(COMPLETE, RST);

const sseBody = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.constant(''),
          text.map((t) => `data: ${t}`),
          text.map((t) => `: ${t}`),
          text.map((t) => `id: ${t}`),
          fc.constantFrom('event: tick', 'retry: 1500', 'retry: x', 'data', 'unknown: field'),
        ),
        ending,
      ),
      { maxLength: 14 },
    ),
    fc.boolean(),
  )
  .map(([bom, lines, cutLast]) => {
    const body = (bom ? '\ufeff' : '') + lines.map(([line, eol]) => line + eol).join('');
    return utf8(cutLast ? body.slice(0, -1) : body);
  });

const jsonBody = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.constantFrom('', '  ', '{"broken":', '[1,,2]', 'tru', '\u001e{"seq":1}'),
        text,
      ),
      fc.constantFrom('\n', '\r\n'),
    ),
    { maxLength: 10 },
  )
  .chain((lines) => fc.boolean().map((cut) => ({ lines, cut })))
  .map(({ lines, cut }) => {
    const body = lines.map(([line, eol]) => line + eol).join('');
    return utf8(cut ? body.slice(0, Math.max(0, body.length - 3)) : body);
  });

const textBody = fc.array(fc.tuple(text, fc.constantFrom('\n', '\r\n', '')), { maxLength: 10 }).map((lines) => utf8(lines.map(([t, e]) => t + e).join('')));

// Characters XML allows (no C0 controls but tab, CR, LF; no U+FFFE, U+FFFF, lone surrogates), escaped.
const isXmlChar = (c: string): boolean => {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) && code !== 0xfffe && code !== 0xffff && (code < 0xd800 || code > 0xdfff);
};
const xmlText = text.map((t) => [...t].filter(isXmlChar).join('').replace(/&/g, '&amp;').replace(/</g, '&lt;'));
const feedItem = fc.oneof(
  fc.tuple(xmlText, xmlText).map(([title, link]) => `<item><title>${title}</title><link>${link}</link><pubDate>Mon</pubDate></item>\n`),
  xmlText.map((title) => `<entry><title type="text">${title}</title><link rel="alternate" href="http://x/"/></entry>`),
  xmlText.map((title) => `<item><title><![CDATA[${title}]]></title></item>`),
  // Broken ones.
  fc.constantFrom('<item><title>a < b</title></item>', '<item id=1><title>x</title></item>', '<item><title>x</titel></item>', '<item>&bogus;</item>', '<item><title>unclosed'),
);
const feedBody = fc
  .tuple(fc.constantFrom('', '\ufeff', '<?xml version="1.0" encoding="utf-8"?>\n', 'junk '), fc.array(feedItem, { maxLength: 6 }), fc.constantFrom('</channel></rss>\n', '', '</channel></rss>\ntrailing junk'))
  .map(([head, items, tail]) => utf8(`${head}<rss version="2.0"><channel><title>T</title>\n${items.join('')}${tail}`));

const cases: [string, () => ItemParser, fc.Arbitrary<Uint8Array>][] = [
  ['event stream', () => new EventStreamParser(), sseBody],
  ['JSON lines', () => new JsonLinesParser(), jsonBody],
  ['text lines', () => new TextLinesParser(), textBody],
  ['feed', () => new FeedParser('rss'), feedBody],
];

describe.each(cases)('%s', (_name, make, bodies) => {
  it('gives the same items and errors for random splits, and items lie in order inside the body', () => {
    fc.assert(
      fc.property(bodies, fc.array(fc.nat(), { maxLength: 8 }), end, (body, cuts, how) => {
        const whole = runPieces(make, [body], how);
        const split = runPieces(make, piecesAt(body, cuts.map((c) => c % (body.length + 1))), how);
        expect(outcome(split)).toEqual(outcome(whole));
        let previous = 0;
        whole.items.forEach((item, i) => {
          expect(item.index).toBe(i);
          expect(item.start).toBeGreaterThanOrEqual(previous);
          expect(item.end).toBeGreaterThan(item.start);
          expect(item.end).toBeLessThanOrEqual(body.length);
          previous = item.end;
          if (item.error) expect(item.error.offset).toBeLessThanOrEqual(body.length);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('any bytes at all', () => {
  it.each(cases)('%s: never throws, and every item lies inside the body', (_name, make) => {
    const junk = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.array(fc.constantFrom('<', '>', '</', '/>', '<item>', '</item>', '<rss>', '<entry/>', '<![CDATA[', ']]>', '<!--', '-->', '<?', '?>', '&', ';', '"', '\ufeff', 'é', '\r', '\n', ':', 'data', ' ', 'x'), { maxLength: 30 }).map((parts) => utf8(parts.join(''))),
    );
    fc.assert(
      fc.property(junk, fc.array(fc.nat(), { maxLength: 6 }), end, (body, cuts, how) => {
        const whole = runPieces(make, [body], how);
        expect(outcome(runPieces(make, piecesAt(body, cuts.map((c) => c % (body.length + 1))), how))).toEqual(outcome(whole));
        for (const item of whole.items) expect(item.end).toBeLessThanOrEqual(body.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the Stream view through gzip', () => {
  it('gives the same items however the compressed body is cut into chunks, each tied to the chunk holding its last byte', async () => {
    await fc.assert(
      fc.asyncProperty(feedBody, fc.array(fc.nat(), { maxLength: 10 }), async (body, cuts) => {
        const compressed = zlibSync.gzipSync(body);
        const pieces = piecesAt(compressed, cuts.map((c) => c % (compressed.length + 1))).map((bytes, i) => ({ bytes, chunk: i, time: i }));
        const report = await streamItems({ contentType: 'application/rss+xml', contentEncoding: 'gzip', pieces, end: COMPLETE });
        const plain = runPieces(() => new FeedParser('rss'), [body], COMPLETE);
        expect(report.items.map(({ size: _s, firstChunk: _f, lastChunk: _l, chunks: _c, arrived: _a, gap: _g, ...item }) => item)).toEqual(plain.items);
        // The chunk tied to an item is the first after which its last byte was decoded.
        for (const item of report.items) {
          const decodedAfter = (n: number) => gzipPrefixLength(compressed, pieces.slice(0, n + 1).reduce((sum, p) => sum + p.bytes.length, 0));
          expect(decodedAfter(item.lastChunk!)).toBeGreaterThanOrEqual(item.end);
          if (item.lastChunk! > 0) expect(decodedAfter(item.lastChunk! - 1)).toBeLessThan(item.end);
        }
      }),
      { numRuns: 60 },
    );
  });
});

function gzipPrefixLength(compressed: Uint8Array, length: number): number {
  return zlibSync.gunzipSync(compressed.subarray(0, length), { finishFlush: zlibSync.constants.Z_SYNC_FLUSH }).length;
}
