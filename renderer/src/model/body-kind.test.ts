import { describe, expect, it } from 'vitest';
import { bodyKind, formWords, lineOfByte, textCharset, viewersFor } from './body-kind';
import { syntaxLines } from './syntax';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('what a body is', () => {
  it('by its Content-Type, an image by its first bytes whatever it says, else by a look at it', () => {
    expect(bodyKind('application/problem+json; charset=utf-8', bytes('{}'))).toBe('json');
    expect(bodyKind('application/rss+xml', bytes('<rss/>'))).toBe('xml');
    expect(bodyKind('text/html', bytes('<p>'))).toBe('html');
    expect(bodyKind('application/octet-stream', PNG)).toBe('image');
    expect(bodyKind('image/png', bytes('not a png'))).toBe('binary');
    expect(bodyKind('application/octet-stream', bytes('plain letters'))).toBe('binary');
    expect(bodyKind('image/svg+xml', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('xml');
    expect(bodyKind(null, bytes('  [1,2]'))).toBe('json');
    expect(bodyKind(null, bytes('<!DOCTYPE html><html>'))).toBe('html');
    expect(bodyKind(null, bytes('hello\nworld'))).toBe('text');
    expect(bodyKind(null, Uint8Array.from([1, 2, 0, 3]))).toBe('binary');
    expect(viewersFor('json')).toEqual(['tree', 'pretty', 'text', 'hex']);
    expect(viewersFor('binary')[0]).toBe('hex');
  });

  it('the charset the text is read with, and where it came from', () => {
    expect(textCharset({ name: 'iso-8859-1', from: 'header', bomLength: 0 }, bytes('caf\xe9'), true)).toEqual({ name: 'iso-8859-1', said: 'from the Content-Type', bomLength: 0 });
    expect(textCharset(null, bytes('caf\xc3\xa9'), true)).toMatchObject({ name: 'utf-8', said: expect.stringContaining('valid UTF-8') });
    // A character cut at the end of the first bytes read is not a reason to doubt UTF-8.
    expect(textCharset(null, bytes('caf\xc3'), false).name).toBe('utf-8');
    expect(textCharset(null, bytes('caf\xe9 ok'), true)).toMatchObject({ name: 'windows-1252', said: expect.stringContaining('not UTF-8') });
    expect(textCharset({ name: 'x-klingon', from: 'declaration', bomLength: 0 }, bytes('abc'), true).said).toMatch(/^x-klingon .* is not a charset this window can decode; assumed/);
  });

  it('says what the viewer shows: as sent or decoded, and what was removed', () => {
    expect(formWords({ form: 'decoded', removed: ['chunk framing', 'gzip'], stillEncoded: null })).toBe('decoded: chunk framing and gzip removed');
    expect(formWords({ form: 'sent', removed: ['chunk framing'], stillEncoded: 'gzip' })).toBe('as sent: chunk framing removed, still gzip');
    expect(formWords({ form: 'decoded', removed: [], stillEncoded: null })).toBe('as sent: nothing removed');
    expect(formWords({ form: 'decoded', removed: ['chunk framing', 'br', 'gzip'], stillEncoded: null })).toBe('decoded: chunk framing, br and gzip removed');
  });

  it('the line a byte is on', () => {
    expect(lineOfByte(bytes('a\nb\nneedle'), 4)).toBe(2);
  });
});

describe('syntax colour', () => {
  it('cuts Prism’s tokens into lines, a comment over two lines coloured on both', () => {
    const lines = syntaxLines('<a href="x">\n<!-- one\ntwo -->\n</a>', 'markup');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.map((p) => [p.type, p.text])).toEqual([
      ['punctuation', '<'],
      ['tag', 'a'],
      ['tag', ' '],
      ['attr-name', 'href'],
      ['punctuation', '='],
      ['punctuation', '"'],
      ['attr-value', 'x'],
      ['punctuation', '"'],
      ['punctuation', '>'],
    ]);
    expect(lines[1]).toEqual([{ text: '<!-- one', type: 'comment' }]);
    expect(lines[2]).toEqual([{ text: 'two -->', type: 'comment' }]);
    expect(syntaxLines('{"a": 1.0}', 'json')[0]!.map((p) => p.type)).toEqual(['punctuation', 'property', 'operator', '', 'number', 'punctuation']);
  });
});
