// The strings a row holds that repeat across thousands of exchanges (methods, hosts, paths,
// reasons, headlines): one copy each, from a bounded cache, instead of one per row. The
// parser slices each from the bytes afresh, and a headline put together from its words is
// a tree of its parts in V8 (a "cons string", 3 to 5 objects): the copy kept is made flat.

import { LRUCache } from 'lru-cache';

/** Strings longer than this are not kept: rarely repeated, and the cache stays small. */
const LONGEST = 512;

const kept = new LRUCache<string, string>({ max: 4096, maxSize: 512 * 1024, sizeCalculation: (text) => Math.max(1, text.length) });

/** A flat copy of `text`: JSON's reader builds a new string in one piece (and keeps lone surrogates, which UTF-8 would not). */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** `text`, or an equal string already kept: rows that say the same thing share it. */
export function interned(text: string): string;
export function interned(text: string | null): string | null;
export function interned(text: string | null): string | null {
  if (text === null || text.length > LONGEST) return text;
  const known = kept.get(text);
  if (known !== undefined) return known;
  const copy = flat(text);
  kept.set(copy, copy);
  return copy;
}
