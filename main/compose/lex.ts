// The words of one line of a plan's text form: separated by spaces or tabs; a quoted
// string ("…", escapes inside) is a word of its own, and a word may hold quoted parts
// (size="5 ; ext"); `#` after a space, or at the start, begins a comment.

import { LiteralError, readQuoted } from './data';

export interface Token {
  /** The word as written. */
  text: string;
  /** Its first column (0-based) in the line. */
  column: number;
  /** For a quoted string: its bytes. */
  quoted?: string;
}

const SPACE = /[ \t]/;

/** The words of `line` from column `from` on. Throws LiteralError for a broken quoted string. */
export function words(line: string, from = 0): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < line.length) {
    if (SPACE.test(line[i]!)) {
      i++;
      continue;
    }
    if (line[i] === '#') break;
    const start = i;
    if (line[i] === '"') {
      const { bytes, end } = readQuoted(line, i);
      tokens.push({ text: line.slice(start, end), column: start, quoted: bytes });
      i = end;
      continue;
    }
    while (i < line.length && !SPACE.test(line[i]!)) {
      // A quoted part inside a word (size="5 ; x", data-end="\n") may hold spaces.
      i = line[i] === '"' ? readQuoted(line, i).end : i + 1;
    }
    tokens.push({ text: line.slice(start, i), column: start });
  }
  return tokens;
}

/** A word's value after `key=`: a quoted string's bytes, or the rest of the word as written. */
export function optionValue(token: Token): { key: string; value: string; quoted: boolean; column: number } {
  const eq = token.text.indexOf('=');
  const key = token.text.slice(0, eq);
  const rest = token.text.slice(eq + 1);
  const column = token.column + eq + 1;
  if (rest.startsWith('"')) {
    const { bytes, end } = readQuoted(rest, 0);
    if (end !== rest.length) throw new LiteralError(`nothing may follow the closing quote of ${key}=`, column + end);
    return { key, value: bytes, quoted: true, column };
  }
  return { key, value: rest, quoted: false, column };
}

/** Edit distance, for "did you mean …?" (short words only). */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The word meant, when `word` is a near miss of one of `known`. */
export function nearest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
