// Syntax colour for the pretty viewers, by Prism's tokenizer (its core and the markup and
// JSON grammars only): the whole text is tokenized once, so a comment or a CDATA section
// over several lines is coloured right, then cut into lines for a virtualised list.
// Tokens only: no HTML is made, so no body's text is ever parsed as markup.

import Prism from 'prismjs/components/prism-core.js';
import 'prismjs/components/prism-markup.js';
import 'prismjs/components/prism-json.js';

export type SyntaxLanguage = 'markup' | 'json';

export interface SyntaxPiece {
  text: string;
  /** Prism's token type (tag, attr-name, attr-value, comment, string, number, property…); '' for plain text. */
  type: string;
}

export type SyntaxLine = SyntaxPiece[];

/** Above this many characters the text is not coloured (tokenizing costs time): plain lines. */
export const MAX_COLOURED = 2 * 1024 * 1024;

function flatten(tokens: (string | Prism.Token)[], type: string, out: SyntaxPiece[]): void {
  for (const token of tokens) {
    if (typeof token === 'string') out.push({ text: token, type });
    else if (typeof token.content === 'string') out.push({ text: token.content, type: token.type });
    else flatten(Array.isArray(token.content) ? token.content : [token.content], token.type, out);
  }
}

/** The text's lines, each in pieces with their token type. */
export function syntaxLines(text: string, language: SyntaxLanguage): SyntaxLine[] {
  const pieces: SyntaxPiece[] = [];
  if (text.length > MAX_COLOURED) pieces.push({ text, type: '' });
  else flatten(Prism.tokenize(text, Prism.languages[language]!), '', pieces);
  const lines: SyntaxLine[] = [[]];
  for (const piece of pieces) {
    const parts = piece.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part !== '') lines[lines.length - 1]!.push({ text: part, type: piece.type });
    });
  }
  return lines;
}
