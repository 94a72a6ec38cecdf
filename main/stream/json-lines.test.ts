import { describe, expect, it } from 'vitest';
import type { JsonItem } from '../../shared/stream';
import { jsonErrorAt } from './json-error';
import { JsonLinesParser } from './json-lines';
import { COMPLETE, expectSplitInvariant, RST, runPieces, slice, utf8 } from './test-support/run';

const make = () => new JsonLinesParser();
const values = (items: unknown[]) => (items as JsonItem[]).map((item) => item.value);

describe('NDJSON / JSON Lines', () => {
  it('gives one item per line, LF or CRLF, skipping blank lines', () => {
    const body = utf8('{"a":1}\n\n[1,2]\r\n  \n"s"\n42\nnull\n');
    const { items } = expectSplitInvariant(make, body);
    expect(values(items)).toEqual([{ a: 1 }, [1, 2], 's', 42, null]);
    expect(items.map((item) => slice(body, item))).toEqual(['{"a":1}\n', '[1,2]\r\n', '"s"\n', '42\n', 'null\n']);
    expect(items.map((item) => item.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('parses a value split in the middle of a string, and in the middle of a multi-byte character', () => {
    const body = utf8('{"msg":"héllo wörld 😀 日本"}\n{"n":2}\n');
    const whole = expectSplitInvariant(make, body);
    expect(values(whole.items)).toEqual([{ msg: 'héllo wörld 😀 日本' }, { n: 2 }]);
    // Explicitly: cut inside the string, then inside the 4-byte emoji.
    const emoji = body.indexOf(0xf0);
    const run = runPieces(make, [body.subarray(0, 10), body.subarray(10, emoji + 2), body.subarray(emoji + 2)]);
    expect(run.items).toEqual(whole.items);
  });

  it('shows a line that is not JSON raw, with the error and its byte offset, and carries on', () => {
    const body = utf8('{"ok":true}\n{"é": tru}\n{"a":1,}\n["x"]\n');
    const { items } = expectSplitInvariant(make, body);
    expect(items).toHaveLength(4);
    const [, bad, trailing, after] = items as JsonItem[];
    expect(bad!.value).toBeUndefined();
    expect(bad!.raw).toBe('{"é": tru}');
    // The error is at the "}" after "tru": byte 12 + 10 ("é" is two bytes).
    expect(bad!.error).toMatchObject({ offset: 12 + 10 });
    expect(bad!.error!.message).toMatch(/JSON/);
    expect(body[bad!.error!.offset]).toBe('}'.charCodeAt(0));
    expect(body[trailing!.error!.offset]).toBe('}'.charCodeAt(0));
    expect(after).toMatchObject({ value: ['x'], error: null });
  });

  it('takes a last line without LF when it parses; otherwise partial when cut, an error when complete', () => {
    const ok = runPieces(make, [utf8('1\n{"a":2}')], COMPLETE);
    expect(values(ok.items)).toEqual([1, { a: 2 }]);
    expect(ok.items[1]).toMatchObject({ partial: null, end: 9 });
    const cut = runPieces(make, [utf8('1\n{"a":2')], RST);
    expect(cut.items[1]).toMatchObject({ partial: RST.reason, error: null, raw: '{"a":2', start: 2, end: 8 });
    const broken = runPieces(make, [utf8('1\n{"a":2')], COMPLETE);
    expect(broken.items[1]).toMatchObject({ partial: null, error: { offset: 8 } });
  });

  it('ignores a UTF-8 BOM at the start', () => {
    expect(expectSplitInvariant(make, utf8('\ufeff{"a":1}\n')).items).toMatchObject([{ value: { a: 1 }, start: 3 }]);
  });

  it('reads JSON text sequences: a leading RS is dropped', () => {
    const body = utf8('\u001e{"a":1}\n\u001e[2]\n');
    expect(values(expectSplitInvariant(make, body).items)).toEqual([{ a: 1 }, [2]]);
  });

  it('maps an error past invalid UTF-8 to the right byte', () => {
    // 0xff is one byte and one U+FFFD; 0xe6 0x97 (a cut 3-byte sequence) is two bytes and one U+FFFD.
    const body = Uint8Array.from([...utf8('["'), 0xff, 0xe6, 0x97, ...utf8('" x]\n')]);
    const [item] = expectSplitInvariant(make, body).items;
    expect(item!.error!.offset).toBe(body.indexOf('x'.charCodeAt(0)));
  });
});

describe('jsonErrorAt', () => {
  it.each([
    ['{"a":}', 5],
    ['{"a":1', 6],
    ['[1,2]x', 5],
    ['"abc', 4],
    ['{a:1}', 1],
    ['', 0],
    ['1 2', 2],
    ['[1,]', 3],
    ['{"a":"x\ny"}', 7],
    ['tru', 3],
    ['nul!', 3],
    ['01', 1],
    ['-', 1],
    ['1.', 2],
    ['1e+', 3],
    ['"\\q"', 2],
    ['"\\u12G4"', 5],
    ['{"a" 1}', 5],
    ['[[[[]]]', 7],
  ])('%j fails at %i', (text, at) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorAt(text)).toBe(at);
  });

  it.each(['{}', '[]', ' {"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]} ', '"x"', '0'])('%j is valid', (text) => {
    expect(jsonErrorAt(text)).toBe(-1);
  });
});
