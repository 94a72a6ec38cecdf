// The JSON body viewer's model, pure: pretty text and a collapsible tree from the body's
// text, read with jsonc-parser's scanner (strict JSON: no comments, no trailing commas),
// which keeps what JSON.parse throws away: the order and repeats of keys, and numbers as
// written (12345678901234567890 stays that, 1.0 stays 1.0). A body past the size guard is
// not parsed: the viewer says so and shows the text.

import { applyEdits, format, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

import { MAX_JSON_VIEW } from './view-limits';

export { MAX_JSON_VIEW } from './view-limits';

export interface JsonProblem {
  message: string;
  /** Offset in the text (in UTF-16 units, as the text viewer counts), 1-based line and column. */
  offset: number;
  line: number;
  column: number;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface JsonNode {
  /** Where it is: "$", "$.items[3].name". */
  path: string;
  /** Its key in its object (as written, unquoted), or its index in its array; null for the root. */
  key: string | number | null;
  kind: JsonKind;
  /** Scalars: as written (a string with its quotes); objects and arrays: "{3}", "[12]". */
  text: string;
  offset: number;
  length: number;
  children: JsonNode[];
}

export type JsonReading = { root: JsonNode; problems: JsonProblem[] } | { root: null; problems: JsonProblem[]; tooLarge?: string };

const WORDS: Record<string, string> = {
  InvalidSymbol: 'a character that cannot start a value',
  InvalidNumberFormat: 'a number written wrongly',
  PropertyNameExpected: 'a key in quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a } was expected',
  CloseBracketExpected: 'a ] was expected',
  EndOfFileExpected: 'the text goes on after the value ended',
  InvalidCommentToken: 'a comment, which JSON does not allow',
  UnexpectedEndOfComment: 'a comment that never ends',
  UnexpectedEndOfString: 'a string that never ends',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a \\u escape written wrongly',
  InvalidEscapeCharacter: 'an escape that JSON does not have',
  InvalidCharacter: 'a control character inside a string',
};

function problem(text: string, error: ParseError): JsonProblem {
  const before = text.slice(0, error.offset);
  const line = before.split('\n').length;
  const code = printParseErrorCode(error.error);
  return { message: `${WORDS[code] ?? code} at line ${line}, column ${error.offset - before.lastIndexOf('\n')}`, offset: error.offset, line, column: error.offset - before.lastIndexOf('\n') };
}

/** Nesting the tree and pretty text are made up to: jsonc-parser reads a value by recursion, so a body nested deeper would overflow the stack. */
export const MAX_JSON_DEPTH = 512;

/** Where the text nests deeper than MAX_JSON_DEPTH, in words (null when it does not): one pass, strings skipped. */
function tooDeep(text: string): string | null {
  let depth = 0;
  let deepest = 0;
  let at = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: up to its closing quote, escapes skipped.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (depth === MAX_JSON_DEPTH + 1) at = i;
    } else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
  if (deepest <= MAX_JSON_DEPTH) return null;
  return `the body nests arrays and objects ${deepest.toLocaleString('en-US')} deep (the ${(MAX_JSON_DEPTH + 1).toLocaleString('en-US')}th opens at character ${(at + 1).toLocaleString('en-US')}); the tree and pretty text are made up to ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels`;
}

const tooLarge = (text: string) => `the body is ${text.length.toLocaleString('en-US')} characters long; the tree and pretty text are made up to ${MAX_JSON_VIEW.toLocaleString('en-US')}`;

/** The tree of a JSON text; problems (with where) when it is not valid JSON: the tree then holds what could be read. */
export function jsonTree(text: string): JsonReading {
  if (text.length > MAX_JSON_VIEW) return { root: null, problems: [], tooLarge: tooLarge(text) };
  const deep = tooDeep(text);
  if (deep) return { root: null, problems: [], tooLarge: deep };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const problems = errors.map((e) => problem(text, e));
  return tree ? { root: node(text, tree, '$', null), problems } : { root: null, problems };
}

function node(text: string, n: Node, path: string, key: string | number | null): JsonNode {
  const base = { path, key, offset: n.offset, length: n.length };
  if (n.type === 'object') {
    const children = (n.children ?? []).flatMap((p) => {
      const [name, value] = p.children ?? [];
      if (!name || !value) return [];
      const k = String(name.value);
      return [node(text, value, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, k)];
    });
    return { ...base, kind: 'object', text: `{${children.length}}`, children };
  }
  if (n.type === 'array') {
    const children = (n.children ?? []).map((c, i) => node(text, c, `${path}[${i}]`, i));
    return { ...base, kind: 'array', text: `[${children.length}]`, children };
  }
  const kind: JsonKind = n.type === 'string' || n.type === 'number' || n.type === 'boolean' || n.type === 'null' ? n.type : 'null';
  return { ...base, kind, text: text.slice(n.offset, n.offset + n.length), children: [] };
}

export interface JsonRow {
  node: JsonNode;
  depth: number;
  /** It has children, and they are shown. */
  open: boolean;
}

/** The rows a collapsible tree shows (for a virtualised list): each node whose parents are all open, `open` by path. */
export function jsonRows(root: JsonNode, open: ReadonlySet<string>): JsonRow[] {
  const rows: JsonRow[] = [];
  const stack: { node: JsonNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node: n, depth } = stack.pop()!;
    const isOpen = n.children.length > 0 && open.has(n.path);
    rows.push({ node: n, depth, open: isOpen });
    if (isOpen) for (let i = n.children.length - 1; i >= 0; i--) stack.push({ node: n.children[i]!, depth: depth + 1 });
  }
  return rows;
}

/** The text indented (two spaces), every token as written; null when not valid JSON or too large. */
export function prettyJson(text: string): { text: string; problems: JsonProblem[] } | { text: null; problems: JsonProblem[]; tooLarge?: string } {
  if (text.length > MAX_JSON_VIEW) return { text: null, problems: [], tooLarge: tooLarge(text) };
  const deep = tooDeep(text);
  if (deep) return { text: null, problems: [], tooLarge: deep };
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) return { text: null, problems: errors.map((e) => problem(text, e)) };
  return { text: applyEdits(text, format(text, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' })), problems: [] };
}
