// Pretty text for the XML and HTML body viewers, pure. XML is checked by saxes (the
// strict parser the Stream view uses) first: text that is not well-formed is never
// "repaired" into something it is not; the viewer shows it as sent, with where saxes
// stopped. Well-formed XML is then indented one element per line, every tag, attribute,
// entity and CDATA section as written, whitespace between elements dropped. HTML, which is
// forgiving by design, is indented by js-beautify's HTML beautifier, which changes only
// whitespace.

import beautifyHtml from 'js-beautify/js/lib/beautify-html.js';
import { SaxesParser } from 'saxes';

import { MAX_MARKUP_VIEW } from './view-limits';

export { MAX_MARKUP_VIEW } from './view-limits';

export interface MarkupProblem {
  message: string;
  /** Offset in the text (UTF-16 units), 1-based line and column. */
  offset: number;
  line: number;
  column: number;
}

export type PrettyMarkup = { text: string } | { text: null; problem: MarkupProblem | null; tooLarge?: string };

const tooLarge = (text: string) => `the body is ${text.length.toLocaleString('en-US')} characters long; pretty text is made up to ${MAX_MARKUP_VIEW.toLocaleString('en-US')}`;

/** Where saxes finds the text not well-formed, or null. */
export function xmlProblem(text: string): MarkupProblem | null {
  const parser = new SaxesParser({ position: true });
  let found: MarkupProblem | null = null;
  parser.on('error', (error) => {
    // saxes's message starts with "line:column: ".
    found ??= { message: error.message.replace(/^\d+:\d+: /, ''), offset: parser.position, line: parser.line, column: parser.columnIndex + 1 };
  });
  parser.write(text).close();
  return found;
}

/** Tags, text, comments, CDATA, processing instructions and the doctype of well-formed XML, as written. */
function* xmlTokens(text: string): Generator<{ kind: 'open' | 'close' | 'empty' | 'text' | 'other'; raw: string }> {
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      const end = text.indexOf('<', i);
      const raw = text.slice(i, end < 0 ? text.length : end);
      i += raw.length;
      yield { kind: 'text', raw };
      continue;
    }
    const ends: [string, string][] = [['<!--', '-->'], ['<![CDATA[', ']]>'], ['<?', '?>']];
    const special = ends.find(([start]) => text.startsWith(start, i));
    if (special) {
      const end = text.indexOf(special[1], i + special[0].length) + special[1].length;
      yield { kind: special[0] === '<![CDATA[' ? 'text' : 'other', raw: text.slice(i, end) };
      i = end;
      continue;
    }
    // A tag or the doctype: up to the > outside quotes (and, in a doctype, outside [ ]).
    let j = i + 1;
    let quote: string | null = null;
    let bracket = 0;
    for (; j < text.length; j++) {
      const c = text[j]!;
      if (quote) quote = c === quote ? null : quote;
      else if (c === '"' || c === "'") quote = c;
      else if (c === '[') bracket++;
      else if (c === ']') bracket--;
      else if (c === '>' && bracket <= 0) break;
    }
    const raw = text.slice(i, j + 1);
    i = j + 1;
    yield { kind: raw.startsWith('</') ? 'close' : raw.startsWith('<!') ? 'other' : raw.endsWith('/>') ? 'empty' : 'open', raw };
  }
}

/** Indentation stops growing here: a body nested 100,000 deep would otherwise become gigabytes of spaces. */
export const MAX_INDENT_DEPTH = 64;

/** Well-formed XML, one element per line, indented (up to MAX_INDENT_DEPTH levels); an element holding text alone stays on one line. */
export function prettyXml(text: string, indent = '  '): PrettyMarkup {
  if (text.length > MAX_MARKUP_VIEW) return { text: null, problem: null, tooLarge: tooLarge(text) };
  const problem = xmlProblem(text);
  if (problem) return { text: null, problem };
  const lines: string[] = [];
  let depth = 0;
  const tokens = [...xmlTokens(text)].filter((t) => t.kind !== 'text' || t.raw.trim() !== '');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const pad = indent.repeat(Math.min(depth, MAX_INDENT_DEPTH));
    if (t.kind === 'open') {
      // <title>text</title> on one line: the text as written, whitespace and all.
      const next = tokens[i + 1];
      const after = tokens[i + 2];
      if (next?.kind === 'text' && after?.kind === 'close') {
        lines.push(`${pad}${t.raw}${next.raw}${after.raw}`);
        i += 2;
        continue;
      }
      if (next?.kind === 'close') {
        lines.push(`${pad}${t.raw}${next.raw}`);
        i += 1;
        continue;
      }
      lines.push(pad + t.raw);
      depth++;
    } else if (t.kind === 'close') {
      depth = Math.max(0, depth - 1);
      lines.push(indent.repeat(Math.min(depth, MAX_INDENT_DEPTH)) + t.raw);
    } else {
      lines.push(pad + (t.kind === 'text' && !t.raw.startsWith('<![CDATA[') ? t.raw.trim() : t.raw));
    }
  }
  return { text: lines.join('\n') };
}

/** HTML indented by js-beautify (whitespace only: tags, attributes and text as written). */
export function prettyHtml(text: string, indent = 2): PrettyMarkup {
  if (text.length > MAX_MARKUP_VIEW) return { text: null, problem: null, tooLarge: tooLarge(text) };
  return { text: beautifyHtml.html_beautify(text, { indent_size: indent, indent_inner_html: true, wrap_line_length: 0, preserve_newlines: false, end_with_newline: false }) };
}
