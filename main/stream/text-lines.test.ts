import { describe, expect, it } from 'vitest';
import type { LineItem } from '../../shared/stream';
import { RAW_LIMIT } from './item-parser';
import { TextLinesParser } from './text-lines';
import { COMPLETE, expectSplitInvariant, RST, runPieces, slice, utf8 } from './test-support/run';

const make = () => new TextLinesParser();
const texts = (items: unknown[]) => (items as LineItem[]).map((item) => item.text);

describe('text lines', () => {
  it('gives each LF or CRLF line, empty lines included; a bare CR stays in the line', () => {
    const body = utf8('first chunk\nsecond\r\n\nthird\rstill third\n');
    const { items } = expectSplitInvariant(make, body);
    expect(texts(items)).toEqual(['first chunk', 'second', '', 'third\rstill third']);
    expect(items.map((item) => slice(body, item))).toEqual(['first chunk\n', 'second\r\n', '\n', 'third\rstill third\n']);
  });

  it('takes a last line without LF as a line when the body is complete, as partial when it was cut', () => {
    const body = utf8('a\nb');
    expect(expectSplitInvariant(make, body, COMPLETE).items[1]).toMatchObject({ text: 'b', partial: null, raw: null });
    expect(runPieces(make, [body], RST).items[1]).toMatchObject({ text: 'b', partial: RST.reason, raw: 'b' });
  });

  it('decodes UTF-8 split across pieces, and the Content-Type charset', () => {
    expect(texts(expectSplitInvariant(make, utf8('naïve 日本 😀\n')).items)).toEqual(['naïve 日本 😀']);
    expect(texts(runPieces(() => new TextLinesParser('iso-8859-1'), [Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x0a])]).items)).toEqual(['Café']);
  });

  it('leaves a UTF-8 BOM at the start out of the first line', () => {
    const { items } = expectSplitInvariant(make, utf8('\ufeffone\ntwo'));
    expect(items).toMatchObject([{ text: 'one', start: 3 }, { text: 'two' }]);
    expect(runPieces(make, [utf8('\ufeff')]).items).toEqual([]);
  });

  it('shows the start of a very long line and says it is truncated', () => {
    const body = utf8(`${'x'.repeat(100_000)}\n`);
    const [item] = runPieces(make, [body.subarray(0, 50_000), body.subarray(50_000)]).items as LineItem[];
    expect(item).toMatchObject({ start: 0, end: 100_001, truncated: true });
    expect(item!.text).toHaveLength(RAW_LIMIT);
  });
});
