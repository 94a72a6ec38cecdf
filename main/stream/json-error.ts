// Where JSON.parse gave up. V8 names a position for some errors ("... in JSON at
// position 6") but not for others ("Unexpected token '}', ... is not valid JSON"),
// and its wording changes between versions, so the position is found by a small
// scanner of RFC 8259's grammar instead. Iterative: nesting depth costs no stack.

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Index of the code unit at which `text` stops being JSON (text.length when it
 * ends too soon), or -1 when it is valid JSON.
 */
export function jsonErrorAt(text: string): number {
  const n = text.length;
  let i = 0;
  /** For each open container: true for an object. */
  const open: boolean[] = [];
  const code = (): number => (i < n ? text.charCodeAt(i) : -1);
  const skipSpace = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };

  /** At a '"': past the string, or the index of the error. */
  const string = (): number => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return -1;
      }
      if (c < 0x20) return i;
      if (c === 0x5c) {
        i++;
        const e = code();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(code())) return Math.min(i, n);
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e)) || e < 0) {
          return Math.min(i, n);
        }
      }
      i++;
    }
    return n;
  };

  const digits = (): number => {
    if (!isDigit(code())) return Math.min(i, n);
    while (isDigit(code())) i++;
    return -1;
  };

  const number = (): number => {
    if (code() === 0x2d) i++;
    if (code() === 0x30) i++;
    else if (digits() >= 0) return Math.min(i, n);
    if (code() === 0x2e) {
      i++;
      if (digits() >= 0) return Math.min(i, n);
    }
    if (code() === 0x65 || code() === 0x45) {
      i++;
      if (code() === 0x2b || code() === 0x2d) i++;
      if (digits() >= 0) return Math.min(i, n);
    }
    return -1;
  };

  const literal = (word: string): number => {
    for (let k = 0; k < word.length; k++, i++) {
      if (text.charCodeAt(i) !== word.charCodeAt(k)) return Math.min(i, n);
    }
    return -1;
  };

  /** A member's name and colon; error index or -1. */
  const key = (): number => {
    skipSpace();
    if (code() !== 0x22) return Math.min(i, n);
    const e = string();
    if (e >= 0) return e;
    skipSpace();
    if (code() !== 0x3a) return Math.min(i, n);
    i++;
    return -1;
  };

  for (;;) {
    // A value.
    skipSpace();
    const c = code();
    if (c < 0) return n;
    let e = -1;
    if (c === 0x7b || c === 0x5b) {
      i++;
      skipSpace();
      if (code() === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
      } else {
        open.push(c === 0x7b);
        if (c === 0x7b) {
          e = key();
          if (e >= 0) return e;
        }
        continue;
      }
    } else if (c === 0x22) e = string();
    else if (c === 0x74) e = literal('true');
    else if (c === 0x66) e = literal('false');
    else if (c === 0x6e) e = literal('null');
    else if (c === 0x2d || isDigit(c)) e = number();
    else return i;
    if (e >= 0) return e;
    // After a value: close containers, or a comma and the next member or element.
    for (;;) {
      skipSpace();
      if (open.length === 0) return i < n ? i : -1;
      const d = code();
      if (d < 0) return n;
      const inObject = open[open.length - 1]!;
      if (d === 0x2c) {
        i++;
        if (inObject) {
          e = key();
          if (e >= 0) return e;
        }
        break;
      }
      if (d !== (inObject ? 0x7d : 0x5d)) return i;
      i++;
      open.pop();
    }
  }
}
