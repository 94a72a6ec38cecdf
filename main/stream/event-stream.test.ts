import { describe, expect, it } from 'vitest';
import type { EventItem } from '../../shared/stream';
import { EventStreamParser } from './event-stream';
import { COMPLETE, expectSplitInvariant, RST, runPieces, slice, utf8 } from './test-support/run';

const make = () => new EventStreamParser();
const events = (items: unknown[]) => items as EventItem[];

describe('text/event-stream', () => {
  it('joins multi-line data with LF, keeps comments, and gives each block its byte range', () => {
    const body = utf8(
      ': connected\n\n' +
        'id: 1\nevent: tick\ndata: first line\ndata: second line\n\n' +
        ': keep-alive\ndata:{"n":2}\nretry: 3000\n\n' +
        'data\n\n',
    );
    const { items } = expectSplitInvariant(make, body);
    const [hello, tick, two, empty] = events(items);
    expect(items).toHaveLength(4);
    expect(hello).toMatchObject({ index: 0, comments: [' connected'], dispatched: false, data: '', event: 'message', start: 0, end: 13 });
    expect(tick).toMatchObject({ id: '1', lastEventId: '1', event: 'tick', data: 'first line\nsecond line', dispatched: true, comments: [] });
    expect(slice(body, tick!)).toBe('id: 1\nevent: tick\ndata: first line\ndata: second line\n\n');
    expect(two).toMatchObject({ id: null, lastEventId: '1', event: 'message', data: '{"n":2}', retry: 3000, comments: [' keep-alive'] });
    // "data" with no colon is a data field with an empty value: dispatched, data ''.
    expect(empty).toMatchObject({ data: '', dispatched: true });
    expect(items.every((item) => item.partial === null && item.error === null)).toBe(true);
  });

  it('accepts CRLF, LF and bare CR line endings, also mixed', () => {
    const body = utf8('data: a\r\n\r\ndata: b\r\rdata: c\n\rdata: d\r\n\n');
    const { items } = expectSplitInvariant(make, body);
    expect(events(items).map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
    expect(items.map((e) => slice(body, e))).toEqual(['data: a\r\n\r\n', 'data: b\r\r', 'data: c\n\r', 'data: d\r\n\n']);
  });

  it('waits for the byte after a CR before ending an event: a CRLF split across pieces is one line ending', () => {
    const body = utf8('data: x\r\n\r\n');
    const pieces = [body.subarray(0, 10), body.subarray(10)]; // ...\r | \n
    const parser = make();
    expect(parser.feed(pieces[0]!).items).toHaveLength(0);
    const items = parser.feed(pieces[1]!).items;
    expect(items).toMatchObject([{ start: 0, end: 11, data: 'x' }]);
    // A CR as the very last byte ends the event at end().
    const cr = make();
    expect(cr.feed(utf8('data: y\r\r')).items).toHaveLength(0);
    expect(cr.end(COMPLETE).items).toMatchObject([{ data: 'y', end: 9, partial: null }]);
  });

  it('skips a UTF-8 BOM at the start, and only there', () => {
    const body = utf8('\ufeffdata: é\n\ndata: \ufeffz\n\n');
    const { items } = expectSplitInvariant(make, body);
    expect(items).toMatchObject([{ start: 3, data: 'é' }, { data: '\ufeffz' }]);
  });

  it('follows the spec on fields: one leading space stripped, retry digits only, id with NUL ignored, unknown fields ignored', () => {
    const body = utf8('data:  two spaces\nretry: 10x\nid: a\u0000b\nfoo: bar\nevent:\n\n');
    const [e] = events(expectSplitInvariant(make, body).items);
    expect(e).toMatchObject({ data: ' two spaces', retry: null, id: null, lastEventId: '', event: 'message' });
    expect(e!.ignored).toEqual(['retry: 10x', 'id: a\u0000b', 'foo: bar']);
  });

  it('keeps the last event ID across events, and an empty id resets it', () => {
    const body = utf8('id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n');
    expect(events(expectSplitInvariant(make, body).items).map((e) => [e.id, e.lastEventId])).toEqual([
      ['7', '7'],
      [null, '7'],
      ['', ''],
    ]);
  });

  it('decodes UTF-8 split across pieces', () => {
    const body = utf8('data: 日本語 😀\n\n');
    const { items } = expectSplitInvariant(make, body);
    expect(events(items)[0]!.data).toBe('日本語 😀');
  });

  it('shows an event without its blank line at the end as partial, with the reason', () => {
    const body = utf8('data: whole\n\ndata: cut\nda');
    const cut = runPieces(make, [body], RST);
    expect(cut.items).toHaveLength(2);
    expect(cut.beforeEnd).toBe(1);
    expect(cut.items[1]).toMatchObject({ partial: RST.reason, dispatched: false, data: 'cut', start: 13, end: body.length, raw: 'data: cut\nda' });
    const complete = expectSplitInvariant(make, body);
    expect(complete.items[1]!.partial).toBe('the stream ended without the blank line that dispatches the event');
    // Blank lines and nothing else: no items.
    expect(runPieces(make, [utf8('\n\n\r\n')]).items).toEqual([]);
  });
});
