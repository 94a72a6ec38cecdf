import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyDecoder, parseContentEncoding } from './decode';
import { piecesAt, utf8 } from './test-support/run';

const TEXT = utf8(Array.from({ length: 400 }, (_, i) => `<item><title>Item ${i} — ünïcödé</title></item>\n`).join(''));

/** Cut into pieces of the given sizes, round and round. */
function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const cuts: number[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    at += sizes[k % sizes.length]!;
    if (at < bytes.length) cuts.push(at);
  }
  return piecesAt(bytes, cuts);
}

async function decodeAll(codings: Parameters<typeof parseContentEncoding>[0], pieces: Uint8Array[], complete = true) {
  const decoder = new BodyDecoder(parseContentEncoding(codings).codings);
  const outputs: Uint8Array[] = [];
  for (const piece of pieces) outputs.push(await decoder.feed(piece));
  outputs.push(await decoder.end(complete));
  return { decoder, outputs, text: Buffer.concat(outputs) };
}

describe('parseContentEncoding', () => {
  it('reads the codings in header order, drops identity, names x-gzip gzip, and reports what it cannot remove', () => {
    expect(parseContentEncoding('gzip, br')).toEqual({ codings: ['gzip', 'br'], unsupported: null });
    expect(parseContentEncoding(' X-GZIP ,identity')).toEqual({ codings: ['gzip'], unsupported: null });
    expect(parseContentEncoding('identity')).toEqual({ codings: [], unsupported: null });
    expect(parseContentEncoding(null)).toEqual({ codings: [], unsupported: null });
    expect(parseContentEncoding('zstd')).toEqual({ codings: [], unsupported: 'zstd' });
  });
});

describe('BodyDecoder', () => {
  it('removes gzip piece by piece, making available after each piece what that prefix decodes to', async () => {
    const gz = zlib.gzipSync(TEXT);
    const pieces = cut(gz, [7, 1, 300, 64]);
    const { decoder, outputs, text } = await decodeAll('gzip', pieces);
    expect(text).toEqual(Buffer.from(TEXT));
    expect(decoder.failure).toBeNull();
    let encoded = 0;
    let decoded = 0;
    for (let i = 0; i < pieces.length; i++) {
      encoded += pieces[i]!.length;
      decoded += outputs[i]!.length;
      const reference = zlib.gunzipSync(gz.subarray(0, encoded), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
      expect(decoded, `after piece ${i}`).toBe(reference);
    }
    expect(decoder).toMatchObject({ encodedBytes: gz.length, decodedBytes: TEXT.length, codings: ['gzip'] });
  });

  it('removes deflate, zlib-wrapped (RFC 1950) or raw (RFC 1951) as browsers accept', async () => {
    const wrapped = await decodeAll('deflate', cut(zlib.deflateSync(TEXT), [1, 1, 50]));
    expect(wrapped.text).toEqual(Buffer.from(TEXT));
    expect(wrapped.decoder.rawDeflate).toBe(false);
    const raw = await decodeAll('deflate', cut(zlib.deflateRawSync(TEXT), [1, 1, 50]));
    expect(raw.text).toEqual(Buffer.from(TEXT));
    expect(raw.decoder.rawDeflate).toBe(true);
  });

  it('removes br, and stacked codings in reverse order', async () => {
    expect((await decodeAll('br', cut(zlib.brotliCompressSync(TEXT), [13]))).text).toEqual(Buffer.from(TEXT));
    // "gzip, br": gzip applied first, then br; removed br first.
    const stacked = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
    const { decoder, text } = await decodeAll('gzip, br', cut(stacked, [5, 200]));
    expect(text).toEqual(Buffer.from(TEXT));
    expect(decoder.codings).toEqual(['br', 'gzip']);
  });

  it('reports corrupt gzip with the encoded offset of the piece it was found in, keeping what decoded before', async () => {
    // A whole member, then a second member whose header names an unknown method.
    const gz = zlib.gzipSync(TEXT);
    const body = Buffer.concat([gz, Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5])]);
    const pieces = cut(body, [100]);
    const { decoder, outputs, text } = await decodeAll('gzip', pieces);
    const failedIn = Math.floor((gz.length + 2) / 100);
    expect(decoder.failure).toEqual({ coding: 'gzip', message: 'unknown compression method', offset: failedIn * 100 });
    // What the earlier pieces decoded stays; zlib drops the output of the piece that failed.
    expect(text.length).toBe(outputs.slice(0, failedIn).reduce((n, o) => n + o.length, 0));
    expect(text).toEqual(Buffer.from(TEXT.subarray(0, text.length)));
    expect(outputs.slice(failedIn + 1).every((o) => o.length === 0)).toBe(true);
    // Not gzip at all: fails on the first piece.
    const notGzip = await decodeAll('gzip', [utf8('hello, world')]);
    expect(notGzip.decoder.failure).toMatchObject({ offset: 0, message: 'incorrect header check' });
    // A bad block type in the third piece.
    const badBlock = Buffer.from(zlib.gzipSync(TEXT));
    badBlock[10] = 0x07;
    const third = await decodeAll('gzip', [badBlock.subarray(0, 5), badBlock.subarray(5, 10), badBlock.subarray(10)]);
    expect(third.decoder.failure).toMatchObject({ offset: 10, message: 'invalid block type' });
  });

  it('finds a gzip stream cut short only when the body claims to be complete', async () => {
    const gz = zlib.gzipSync(TEXT);
    const half = gz.subarray(0, gz.length >> 1);
    const cutShort = await decodeAll('gzip', [half], false);
    expect(cutShort.decoder.failure).toBeNull();
    expect(cutShort.text.length).toBeGreaterThan(0);
    const complete = await decodeAll('gzip', [half], true);
    expect(complete.decoder.failure).toMatchObject({ message: 'unexpected end of file', offset: half.length });
    // An empty body with a Content-Encoding is no error.
    expect((await decodeAll('gzip', [], true)).decoder.failure).toBeNull();
  });

  it('decodes a body of 5,000 chunks quickly: no re-decoding from the start', async () => {
    const big = utf8(Array.from({ length: 5000 }, (_, i) => `{"n":${i},"text":"line ${i} ünïcödé"}\n`).join(''));
    for (const [name, encode] of [
      ['gzip', zlib.gzipSync],
      ['br', zlib.brotliCompressSync],
    ] as const) {
      const encoded = encode(big);
      const pieces = piecesAt(encoded, Array.from({ length: 4999 }, (_, i) => Math.round(((i + 1) * encoded.length) / 5000)));
      expect(pieces).toHaveLength(5000);
      const started = performance.now();
      const { text } = await decodeAll(name, pieces);
      const took = performance.now() - started;
      expect(text).toEqual(Buffer.from(big));
      // About 0.2 s each in Node alone; generous for a shared CI machine.
      expect(took, `${name}: ${Math.round(took)} ms`).toBeLessThan(15_000);
    }
  });
});
