import { describe, expect, it } from 'vitest';
import { kindFromBytes, kindFromType, parseMediaType, streamKindFor } from './kind';
import { utf8 } from './test-support/run';
import { sniffXmlRoot, xmlDeclaredEncoding } from './xml-sniff';

describe('streamKindFor', () => {
  it.each([
    ['application/rss+xml; charset=utf-8', 'rss'],
    ['application/atom+xml', 'atom'],
    ['text/event-stream', 'sse'],
    ['TEXT/Event-Stream;charset=UTF-8', 'sse'],
    ['application/x-ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/x-jsonlines', 'ndjson'],
    ['application/json-seq', 'ndjson'],
    ['text/plain', 'text'],
    ['text/html; charset=utf-8', 'text'],
    ['application/json', 'text'],
    ['application/problem+json', 'text'],
    ['image/png', null],
    ['application/octet-stream', null],
    ['application/zip', null],
    ['video/mp4', null],
  ])('%s is %s', (type, kind) => {
    expect(streamKindFor(type)).toBe(kind);
  });

  it('looks at the root element of generic XML', () => {
    const rss = utf8('<?xml version="1.0"?>\n<!-- a feed -->\n<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss version="2.0"><channel>');
    expect(streamKindFor('application/xml', rss)).toBe('rss');
    expect(streamKindFor('text/xml', utf8('\ufeff<feed xmlns="http://www.w3.org/2005/Atom">'))).toBe('atom');
    expect(streamKindFor('application/rdf+xml', utf8('<rdf:RDF xmlns:rdf="...">'))).toBe('rss');
    expect(streamKindFor('application/xml', utf8('<sitemap><url/>'))).toBe('text');
    expect(streamKindFor('application/xml')).toBe('text');
  });

  it('without a Content-Type, looks at the bytes', () => {
    expect(streamKindFor(null, utf8('<rss><channel>'))).toBe('rss');
    expect(streamKindFor(null, utf8('hello\nworld\n'))).toBe('text');
    expect(streamKindFor(null, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]))).toBe(null);
    expect(streamKindFor(null)).toBe(null);
  });

  it('waits for enough bytes before deciding', () => {
    expect(kindFromType('application/xml')).toBe('xml');
    expect(kindFromBytes('xml', utf8('<?xml version="1.0"?><r'), false)).toBeUndefined();
    expect(kindFromBytes('xml', utf8('<?xml version="1.0"?><rss>'), false)).toBe('rss');
    expect(kindFromBytes('unknown', utf8('<rss>'), false)).toBeUndefined();
    expect(kindFromBytes('unknown', utf8('<rss>'), true)).toBe('rss');
  });
});

describe('sniffing XML', () => {
  it('finds the encoding of the declaration', () => {
    expect(xmlDeclaredEncoding(utf8("<?xml version='1.0' encoding='ISO-8859-1'?><rss/>"))).toBe('ISO-8859-1');
    expect(xmlDeclaredEncoding(utf8('<?xml version="1.0"?><rss/>'))).toBe(null);
    expect(xmlDeclaredEncoding(utf8('<rss/>'))).toBe(null);
    expect(xmlDeclaredEncoding(utf8('<?xml version="1.0" enc'))).toBeUndefined();
    expect(xmlDeclaredEncoding(utf8('<?x'))).toBeUndefined();
  });

  it('finds the root element past the prolog', () => {
    expect(sniffXmlRoot(utf8('<?xml version="1.0"?><!-- x --><rdf:RDF a="b">'), false)).toBe('rdf:RDF');
    expect(sniffXmlRoot(utf8('not xml'), false)).toBe(null);
    expect(sniffXmlRoot(utf8('<!-- unfinished'), false)).toBeUndefined();
    expect(sniffXmlRoot(utf8('<!-- unfinished'), true)).toBe(null);
  });

  it('parses the media type and charset', () => {
    expect(parseMediaType('Text/Plain; Charset="ISO-8859-1"; x=y')).toEqual({ type: 'text/plain', charset: 'ISO-8859-1' });
    expect(parseMediaType('nonsense')).toBe(null);
  });
});
