// A search query made into one regular expression run over bytes: each byte is one
// character (latin1), so an offset in the text is an offset in the bytes, a binary body
// is searched as it is, and no byte sequence can make the decoding fail. Text is matched
// as its UTF-8 bytes. One form for every mode keeps one matcher (matcher.ts).
//
// Why a regular expression for plain text too: V8 runs `[nN][aA][mM][eE]` over a latin1
// string about as fast as Buffer.indexOf runs a literal (1.1 GB/s against 1.3 here),
// and far faster than folding the bytes' case first (0.3 GB/s).

import type { SearchMode } from '../../shared/search';

export interface CompiledQuery {
  /** Global ('g'), run with lastIndex over latin1 text. */
  pattern: RegExp;
  /** The longest match found whole across two pieces of a body (longer ones may be cut at a piece's end). */
  reach: number;
  mode: SearchMode;
  /** The query as typed, for messages. */
  query: string;
}

export class QueryError extends Error {}

/** Matches a regular expression can be found whole across pieces up to this length. */
export const REGEX_REACH = 4096;
/** Longest query: a search box, not a file. */
export const MAX_QUERY = 1000;

export function compileQuery(query: string, mode: SearchMode): CompiledQuery {
  if (query.length === 0) throw new QueryError('the search is empty: type something to find');
  if (query.length > MAX_QUERY) throw new QueryError(`the search is ${query.length} characters long; at most ${MAX_QUERY}`);
  if (mode === 'regex') return regexQuery(query);
  const bytes = Buffer.from(query, 'utf8');
  let source = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    // Only ASCII letters fold: a UTF-8 byte of another letter is matched exactly.
    if (mode === 'text' && byte < 0x80 && lower !== upper) source += `[${lower}${upper}]`;
    else source += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return { pattern: new RegExp(source, 'g'), reach: bytes.length, mode, query };
}

function regexQuery(query: string): CompiledQuery {
  let source = query;
  let flags = 'g';
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(query);
  if (slashed) {
    source = slashed[1]!;
    for (const flag of slashed[2]!) {
      if (!'ims'.includes(flag)) throw new QueryError(`/${source}/${slashed[2]}: the flag "${flag}" is not one a search takes (i: any case, m: ^ and $ at line ends, s: . matches a line end)`);
      if (!flags.includes(flag)) flags += flag;
    }
  }
  const bytewise = asBytes(source);
  try {
    return { pattern: new RegExp(bytewise, flags), reach: REGEX_REACH, mode: 'regex', query };
  } catch (error) {
    // V8's message names the pattern and what is wrong ("Invalid regular expression: /(/: Unterminated group").
    throw new QueryError(error instanceof Error ? error.message.replace(`/${bytewise}/${flags}`, `/${source}/${flags.replace('g', '')}`) : String(error));
  }
}

/**
 * The pattern with each character above U+007F written as its UTF-8 bytes, since the
 * text it runs over has one character per byte. Inside a character class that would mean
 * "any of these bytes", not the character: refused, with what to write instead.
 */
export function asBytes(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length) {
      out += ch + source[++i];
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    const code = source.codePointAt(i)!;
    if (code < 0x80) {
      out += ch;
      continue;
    }
    const char = String.fromCodePoint(code);
    if (code > 0xffff) i++;
    if (inClass) throw new QueryError(`"${char}" inside [ ] at character ${i + 1}: a search runs over bytes, and ${char} is ${Buffer.byteLength(char)} of them; write the choices as (${char}|…) instead`);
    out += `(?:${[...Buffer.from(char, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')})`;
  }
  return out;
}
