import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../shared/stream';
import { FeedParser } from './feed';
import { COMPLETE, expectSplitInvariant, RST, runPieces, slice, utf8 } from './test-support/run';

const rss = () => new FeedParser('rss');
const atom = () => new FeedParser('atom');
const feedItems = (items: unknown[]) => items as FeedItem[];

function rssItem(i: number, title = `Item ${i}`): string {
  return `<item><title>${title}</title><link>http://lab.chunkscope.test/items/${i}</link><pubDate>Mon, 0${i} Nov 2026 09:00:00 GMT</pubDate><description>Item ${i}.</description></item>\n`;
}

const RSS_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Lab</title><link>http://lab.chunkscope.test/</link>\n';
const RSS_TAIL = '</channel></rss>\n';

describe('RSS 2.0', () => {
  it('gives each <item> with title, link and date, from the < of its start tag to the > of its end tag', () => {
    const body = utf8(RSS_HEAD + rssItem(1) + rssItem(2) + RSS_TAIL);
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(errors).toEqual([]);
    expect(feedItems(items).map(({ kind, title, link, date }) => ({ kind, title, link, date }))).toEqual([
      { kind: 'rss', title: 'Item 1', link: 'http://lab.chunkscope.test/items/1', date: 'Mon, 01 Nov 2026 09:00:00 GMT' },
      { kind: 'rss', title: 'Item 2', link: 'http://lab.chunkscope.test/items/2', date: 'Mon, 02 Nov 2026 09:00:00 GMT' },
    ]);
    expect(items.map((item) => slice(body, item))).toEqual([rssItem(1).trimEnd(), rssItem(2).trimEnd()]);
    expect(items.every((item) => item.error === null && item.partial === null && item.raw === null)).toBe(true);
  });

  it('counts bytes, not characters, with non-ASCII titles (2-, 3- and 4-byte UTF-8)', () => {
    const titles = ['Café crème', '日本語のタイトル', 'Emoji 😀 and 𝄞', 'Ünïcödé'];
    const body = utf8(RSS_HEAD + titles.map((t, i) => rssItem(i, t)).join('') + RSS_TAIL);
    const { items } = expectSplitInvariant(rss, body);
    expect(feedItems(items).map((item) => item.title)).toEqual(titles);
    expect(items.map((item) => slice(body, item))).toEqual(titles.map((t, i) => rssItem(i, t).trimEnd()));
  });

  it('takes the guid as the link when there is no <link> and the guid is a permalink', () => {
    const body = utf8('<rss><channel><item><guid>http://x/a</guid></item><item><guid isPermaLink="false">tag:1</guid></item></channel></rss>');
    expect(feedItems(expectSplitInvariant(rss, body).items).map((item) => item.link)).toEqual(['http://x/a', null]);
  });

  it('reads CDATA, entities and a UTF-8 BOM', () => {
    const body = utf8('\ufeff<rss><channel><item><title><![CDATA[A <b>bold</b> title]]></title><link>http://x/?a=1&amp;b=2</link></item></channel></rss>');
    const [item] = feedItems(expectSplitInvariant(rss, body).items);
    expect(item).toMatchObject({ title: 'A <b>bold</b> title', link: 'http://x/?a=1&b=2', start: 3 + '<rss><channel>'.length });
  });

  it('decodes the encoding the XML declaration names (ISO-8859-1), unless the Content-Type charset says otherwise', () => {
    const text = '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>Caf\xe9</title></item></channel></rss>';
    const body = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const [item] = feedItems(expectSplitInvariant(rss, body).items);
    expect(item!.title).toBe('Café');
    expect(slice(body, item!)).toMatch(/^<item>.*<\/item>$/);
    // Content-Type charset=utf-8 wins: 0xe9 alone is invalid UTF-8, one U+FFFD, still one byte.
    const forced = runPieces(() => new FeedParser('rss', 'utf-8'), [body]).items[0] as FeedItem;
    expect(forced.title).toBe('Caf\ufffd');
    expect(forced.end).toBe(item!.end);
  });
});

describe('Atom and RSS 1.0', () => {
  it('gives each Atom <entry>: link rel="alternate" (or no rel) preferred, updated as the date', () => {
    const body = utf8(
      '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>' +
        '<entry><title type="html">First &amp; best</title><link rel="self" href="http://x/self/1"/><link rel="alternate" href="http://x/1"/><updated>2026-11-02T09:00:00Z</updated><published>2026-11-01T09:00:00Z</published></entry>' +
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Second <b>one</b></div></title><link rel="enclosure" href="http://x/2.mp3"/><link href="http://x/2"/><published>2026-11-03T09:00:00Z</published></entry>' +
        '<entry><title>Third</title><link rel="edit" href="http://x/edit/3"/></entry>' +
        '</feed>',
    );
    const { items, errors } = expectSplitInvariant(atom, body);
    expect(errors).toEqual([]);
    expect(feedItems(items).map(({ kind, title, link, date }) => ({ kind, title, link, date }))).toEqual([
      { kind: 'atom', title: 'First & best', link: 'http://x/1', date: '2026-11-02T09:00:00Z' },
      { kind: 'atom', title: 'Second one', link: 'http://x/2', date: '2026-11-03T09:00:00Z' },
      { kind: 'atom', title: 'Third', link: 'http://x/edit/3', date: null },
    ]);
    expect(items.map((item) => slice(body, item).slice(0, 7))).toEqual(['<entry>', '<entry>', '<entry>']);
    expect(items.every((item) => slice(body, item).endsWith('</entry>'))).toBe(true);
  });

  it('gives each RSS 1.0 (RDF) <item>, dated by dc:date', () => {
    const body = utf8(
      '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
        '<channel rdf:about="http://x/"><title>C</title><items><rdf:Seq><rdf:li resource="http://x/1"/></rdf:Seq></items></channel>' +
        '<item rdf:about="http://x/1"><title>Één</title><link>http://x/1</link><dc:date>2026-11-01</dc:date></item>' +
        '</rdf:RDF>',
    );
    const { items } = expectSplitInvariant(rss, body);
    expect(feedItems(items)).toMatchObject([{ kind: 'rss', title: 'Één', link: 'http://x/1', date: '2026-11-01' }]);
    expect(slice(body, items[0]!)).toMatch(/^<item rdf:about="http:\/\/x\/1">.*<\/item>$/);
  });
});

describe('malformed feeds', () => {
  it('shows an item with an XML error raw, with the error and its byte offset, and carries on', () => {
    const bad = '<item><title>a < b</title></item>';
    const body = utf8(RSS_HEAD + rssItem(1) + bad + rssItem(3) + RSS_TAIL);
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(errors).toEqual([]);
    expect(items).toHaveLength(3);
    const broken = items[1] as FeedItem;
    expect(broken.error!.message).toBe('disallowed character in tag name');
    // The byte after the stray "<".
    expect(broken.error!.offset).toBe(broken.start + bad.indexOf('< b') + 1);
    expect(broken.raw).toBe(bad);
    expect(slice(body, broken)).toBe(bad);
    expect(items[2]).toMatchObject({ title: 'Item 3', error: null });
  });

  it('marks an item whose own start tag is broken, and an item never closed', () => {
    const body = utf8('<rss><channel><item id=1><title>x</title></item><item><title>y</title></channel></rss>');
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(items[0]!.error).toMatchObject({ message: 'unquoted attribute value.', offset: '<rss><channel><item id=1'.length - 1 });
    // saxes closes the second item at </channel>: the item is shown raw, the error at "</channel>".
    expect(items[1]!.error).toMatchObject({ message: 'unclosed tag: item (closed by </channel>)', offset: body.indexOf('<'.charCodeAt(0), body.length - 17) });
    expect(slice(body, items[1]!)).toBe('<item><title>y</title></channel>');
    expect(errors.map((e) => e.fatal)).toEqual([false]);
  });

  it('lists an error outside any item and carries on', () => {
    const body = utf8('<rss><channel><title>A &bogus; B</title>' + rssItem(1) + '</channel></rss>');
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(errors).toEqual([{ message: 'undefined entity.', offset: body.indexOf(';'.charCodeAt(0)), fatal: false }]);
    expect(items).toMatchObject([{ title: 'Item 1', error: null }]);
  });

  it('after a fatal error (junk after the root element) makes the rest one raw item', () => {
    const body = utf8(RSS_HEAD + rssItem(1) + RSS_TAIL + 'Internal Server Error\n' + rssItem(2));
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(items).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ fatal: true, message: 'text data outside of root node.', offset: (RSS_HEAD + rssItem(1) + RSS_TAIL).length });
    const rest = items[1]!;
    expect(rest).toMatchObject({ start: items[0]!.end, end: body.length, error: errors[0] });
    expect(rest.raw).toBe(slice(body, rest));
  });

  it('makes a body that is not XML at all one raw item', () => {
    const body = utf8('  Service Unavailable <html>');
    const { items, errors } = expectSplitInvariant(rss, body);
    expect(errors).toMatchObject([{ fatal: true, offset: 2 }]);
    expect(items).toMatchObject([{ start: 0, end: body.length, raw: '  Service Unavailable <html>', title: null }]);
  });
});

describe('a feed cut short', () => {
  const body = utf8(RSS_HEAD + rssItem(1) + rssItem(2).slice(0, 40));

  it('shows the item open when the connection was reset as partial, with the reason', () => {
    const run = runPieces(rss, [body], RST);
    expect(run.beforeEnd).toBe(1);
    expect(run.items[1]).toMatchObject({ partial: RST.reason, error: null, end: body.length, raw: rssItem(2).slice(0, 40), title: 'Item 2' });
    expect(run.errors).toEqual([]);
  });

  it('when the body was complete, says the end tag never came and gives the XML error', () => {
    const { items } = expectSplitInvariant(rss, body, COMPLETE);
    expect(items[1]).toMatchObject({ partial: 'the body ended before the end tag of this <item>' });
    expect(items[1]!.error!.message).toMatch(/unclosed tag/);
  });

  it('gives the same items whatever the split, cut or not', () => {
    expectSplitInvariant(rss, body, RST);
  });
});
