import { describe, expect, it } from 'vitest';
import { jsonRows, jsonTree, MAX_JSON_VIEW, prettyJson } from './json-view';
import { MAX_MARKUP_VIEW, prettyHtml, prettyXml, xmlProblem } from './markup-view';

describe('the JSON viewer model', () => {
  const body = '{"b":1,"2":[true,null,{"deep":"x"}],"b":12345678901234567890,"price":1.0,"name with space":"caf\\u00e9"}';

  it('a tree in the order written, keys repeated and numbers as written', () => {
    const reading = jsonTree(body);
    expect(reading.problems).toEqual([]);
    const root = reading.root!;
    expect(root).toMatchObject({ kind: 'object', text: '{5}', path: '$' });
    expect(root.children.map((c) => [c.key, c.kind, c.text, c.path])).toEqual([
      ['b', 'number', '1', '$.b'],
      ['2', 'array', '[3]', '$["2"]'],
      ['b', 'number', '12345678901234567890', '$.b'],
      ['price', 'number', '1.0', '$.price'],
      ['name with space', 'string', '"caf\\u00e9"', '$["name with space"]'],
    ]);
    expect(root.children[1]!.children[2]!.children[0]).toMatchObject({ key: 'deep', path: '$["2"][2].deep', text: '"x"', offset: body.indexOf('"x"') });
  });

  it('the rows of a collapsible tree: only the open nodes show their children', () => {
    const root = jsonTree(body).root!;
    expect(jsonRows(root, new Set()).map((r) => r.node.path)).toEqual(['$']);
    const open = jsonRows(root, new Set(['$', '$["2"]']));
    expect(open.map((r) => [r.node.path, r.depth, r.open])).toEqual([
      ['$', 0, true],
      ['$.b', 1, false],
      ['$["2"]', 1, true],
      ['$["2"][0]', 2, false],
      ['$["2"][1]', 2, false],
      ['$["2"][2]', 2, false],
      ['$.b', 1, false],
      ['$.price', 1, false],
      ['$["name with space"]', 1, false],
    ]);
  });

  it('pretty text with every token as written', () => {
    expect(prettyJson('{"a":[1.0,2e3],"b":{}}')).toEqual({ text: '{\n  "a": [\n    1.0,\n    2e3\n  ],\n  "b": {}\n}', problems: [] });
  });

  it('says what is wrong and where; a body too large for a tree says so', () => {
    const bad = '{\n  "a": 1,\n  "b": [1, 2,]\n}';
    const pretty = prettyJson(bad);
    expect(pretty.text).toBe(null);
    expect(pretty.problems[0]).toEqual({ message: 'a value was expected at line 3, column 14', offset: bad.indexOf(']'), line: 3, column: 14 });
    expect(jsonTree('{"a":1} // note').problems[0]!.message).toBe('a comment, which JSON does not allow at line 1, column 9');
    expect(jsonTree('{"a": "cut').problems.map((p) => p.message)).toContain('a string that never ends at line 1, column 7');
    const huge = `[${'1,'.repeat(MAX_JSON_VIEW / 2)}1]`;
    expect(jsonTree(huge)).toMatchObject({ root: null, tooLarge: expect.stringMatching(/^the body is [\d,]+ characters long; the tree and pretty text are made up to 4,194,304$/) });
  });
});

describe('the XML and HTML viewer models', () => {
  it('indents a feed, each tag, entity and CDATA section as written', () => {
    const rss = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version='2.0'><channel><title>Tom &amp; Jerry</title><item><description><![CDATA[<b>bold</b>]]></description><guid isPermaLink="false"/></item><!-- end --></channel></rss>`;
    expect(prettyXml(rss)).toEqual({
      text: [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<rss version='2.0'>",
        '  <channel>',
        '    <title>Tom &amp; Jerry</title>',
        '    <item>',
        '      <description><![CDATA[<b>bold</b>]]></description>',
        '      <guid isPermaLink="false"/>',
        '    </item>',
        '    <!-- end -->',
        '  </channel>',
        '</rss>',
      ].join('\n'),
    });
  });

  it('does not repair XML that is not well-formed: it says where it stops', () => {
    const bad = '<feed>\n  <entry><title>x</entry>\n</feed>';
    expect(prettyXml(bad)).toEqual({ text: null, problem: expect.objectContaining({ line: 2, message: expect.stringMatching(/unexpected close tag/i) }) });
    expect(xmlProblem('<a x=1></a>')).toMatchObject({ line: 1 });
    expect(xmlProblem('<a><b/></a>')).toBe(null);
    expect(prettyXml(`<a>${'x'.repeat(MAX_MARKUP_VIEW)}</a>`)).toMatchObject({ text: null, tooLarge: expect.stringContaining('pretty text is made up to 2,097,152') });
  });

  it('indents HTML, changing only whitespace', () => {
    const html = '<!doctype html><html><head><title>x</title></head><body><ul><li>one<li>two</ul><p class=a>Hello <b>you</b></p></body></html>';
    const pretty = prettyHtml(html).text!;
    expect(pretty.split('\n')).toContain('    <ul>');
    expect(pretty.replace(/\s+/g, '')).toBe(html.replace(/\s+/g, ''));
  });
});

describe('bodies made to break the viewers', () => {
  it('JSON nested 200,000 deep is refused with a sentence, not a stack overflow', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(jsonTree(deep)).toMatchObject({ root: null, tooLarge: 'the body nests arrays and objects 200,000 deep (the 513th opens at character 513); the tree and pretty text are made up to 512 levels' });
    expect(prettyJson(deep)).toMatchObject({ text: null, tooLarge: expect.stringContaining('200,000 deep') });
    // Brackets inside strings are text, not nesting.
    expect(jsonTree(`["${'['.repeat(2000)}"]`).root).toMatchObject({ kind: 'array', text: '[1]' });
  });

  it('XML and HTML nested 100,000 deep are indented up to a depth, so the text stays the size of the body', () => {
    const xml = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const pretty = prettyXml(xml).text!;
    expect(pretty.split('\n')).toHaveLength(199_999); // the innermost <a></a> on one line
    expect(pretty.length).toBeLessThan(xml.length + 200_000 * 130);
    const html = prettyHtml(`<div>${'<span>'.repeat(20_000)}x${'</span>'.repeat(20_000)}</div>`);
    expect(html.text!.replace(/\s+/g, '')).toBe(`<div>${'<span>'.repeat(20_000)}x${'</span>'.repeat(20_000)}</div>`);
  });
});
