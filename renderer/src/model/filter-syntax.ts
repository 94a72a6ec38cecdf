// The filter's structure: terms joined by spaces (all must match), OR (either), NOT or a
// leading "-" (must not), parentheses, and "quoted text" for free text with spaces or a
// colon. Read into one predicate; whatever cannot be read becomes an error with its
// place in the text (a 0-based offset and a length) and is left out meanwhile: the rest
// of the filter applies.

import { freeText, KEYS, keyNamed, wordNamed, type Predicate } from './filter-keys';

export interface FilterError {
  message: string;
  /** Where in the filter text (0-based, in characters) and how long. */
  offset: number;
  length: number;
}

type TokenKind = 'open' | 'close' | 'or' | 'and' | 'not' | 'term';

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  /** A term written in quotes: free text, whatever it holds. */
  quoted?: boolean;
}

const OPERATORS: Record<string, TokenKind> = { OR: 'or', or: 'or', '|': 'or', '||': 'or', AND: 'and', and: 'and', '&&': 'and', NOT: 'not', not: 'not' };

function tokens(text: string, errors: FilterError[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'open' : 'close', text: c, offset: i++ });
    } else if (c === '-' && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      out.push({ kind: 'not', text: '-', offset: i++ });
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) {
        errors.push({ message: `the quote at character ${i + 1} is never closed: add a " after the text`, offset: i, length: text.length - i });
        out.push({ kind: 'term', text: text.slice(i + 1), offset: i, quoted: true });
        break;
      }
      out.push({ kind: 'term', text: text.slice(i + 1, end), offset: i, quoted: true });
      i = end + 1;
    } else {
      const start = i;
      let quotedValue = false;
      // A ( inside a word is the word's own (path:/a(b)c), and so is the ) that closes it; any other ) closes a group.
      let own = 0;
      while (i < text.length && !/\s/.test(text[i]!) && !(text[i] === ')' && own === 0)) {
        if (text[i] === '(') own++;
        else if (text[i] === ')') own--;
        // key:"a value with spaces"
        if (text[i] === ':' && text[i + 1] === '"' && /^[a-z-]+$/i.test(text.slice(start, i))) {
          const end = text.indexOf('"', i + 2);
          if (end < 0) errors.push({ message: `the quote at character ${i + 2} is never closed: add a " after the value`, offset: i + 1, length: text.length - i - 1 });
          i = end < 0 ? text.length : end + 1;
          quotedValue = true;
          break;
        }
        i++;
      }
      const word = text.slice(start, i);
      const kind = quotedValue ? 'term' : (OPERATORS[word] ?? 'term');
      out.push({ kind, text: word, offset: start });
    }
  }
  return out;
}

const at = (t: Token) => `at character ${t.offset + 1}`;

/** Read the filter: its predicate, and its errors (a term in error is left out). */
export function readFilter(text: string): { test: Predicate; errors: FilterError[] } {
  const errors: FilterError[] = [];
  const list = tokens(text, errors);
  let next = 0;
  const peek = () => list[next];
  const fail = (t: Token, message: string) => errors.push({ message, offset: t.offset, length: t.text.length || 1 });

  function either(): Predicate | null {
    const items: Predicate[] = [];
    let from = next;
    const first = all();
    if (first) items.push(first);
    // Whether anything was written before the next OR (a term in error counts: it was written).
    let before = next > from;
    while (peek()?.kind === 'or') {
      const or = list[next++]!;
      if (!before) fail(or, `OR ${at(or)} has nothing before it`);
      const after = peek();
      if (!after || after.kind === 'close' || after.kind === 'or') {
        fail(or, `OR ${at(or)} has nothing after it`);
        before = true; // said once
        continue;
      }
      from = next;
      const part = all();
      if (part) items.push(part);
      before = next > from;
    }
    if (items.length <= 1) return items[0] ?? null;
    return (row) => items.some((t) => t(row));
  }

  function all(): Predicate | null {
    const items: Predicate[] = [];
    for (let t = peek(); t && t.kind !== 'or' && t.kind !== 'close'; t = peek()) {
      if (t.kind === 'and') {
        next++;
        continue;
      }
      const item = one();
      if (item) items.push(item);
    }
    if (items.length <= 1) return items[0] ?? null;
    return (row) => items.every((t) => t(row));
  }

  function one(): Predicate | null {
    const t = list[next++]!;
    if (t.kind === 'not') {
      const after = peek();
      if (!after || after.kind === 'close' || after.kind === 'or') {
        fail(t, `${t.text} ${at(t)} negates nothing: put a term after it, as in -stalled`);
        return null;
      }
      const inner = one();
      return inner && ((row) => !inner(row));
    }
    if (t.kind === 'open') {
      const inner = either();
      if (peek()?.kind === 'close') {
        const close = list[next++]!;
        if (!inner && close.offset === t.offset + 1) fail({ ...t, text: '()' }, `() ${at(t)} holds nothing`);
      } else fail(t, `the ( ${at(t)} is never closed: add a ) after it`);
      return inner;
    }
    if (t.kind === 'close') {
      fail(t, `the ) ${at(t)} has no ( before it`);
      return null;
    }
    return term(t);
  }

  function term(t: Token): Predicate | null {
    if (t.quoted) return t.text === '' ? null : freeText(t.text);
    const colon = t.text.indexOf(':');
    if (colon <= 0) return wordNamed(t.text) ?? freeText(t.text);
    const name = t.text.slice(0, colon);
    let value = t.text.slice(colon + 1);
    if (value.startsWith('"')) value = value.slice(1).replace(/"$/, '');
    const key = keyNamed(name);
    if (!key) {
      // A URL or a host:port typed as free text is not a key.
      if (value.startsWith('//') || /^\d+$/.test(value) || /[^a-z-]/i.test(name)) return freeText(t.text);
      fail(t, `"${name}" is not a filter key (${at(t)}): the keys are ${KEYS.map((k) => `${k.key}:`).join(' ')}`);
      return null;
    }
    if (value === '') {
      fail(t, `${name}: needs a value, as in ${key.example} (${at(t)})`);
      return null;
    }
    const read = key.read(value);
    if (typeof read === 'function') return read;
    fail(t, `${read.problem} (${at(t)})`);
    return null;
  }

  const parts: Predicate[] = [];
  for (;;) {
    const part = either();
    if (part) parts.push(part);
    if (next >= list.length) break;
    // Only a stray ) stops the outermost level early: say so, and read on.
    const stray = list[next++]!;
    fail(stray, `the ) ${at(stray)} has no ( before it`);
  }
  return { test: (row) => parts.every((t) => t(row)), errors };
}
