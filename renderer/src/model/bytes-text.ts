// Bytes in the composer's fields: a plan holds bytes as latin1 strings (shared/plan.ts); a
// field shows them as text a person can read and type. UTF-8 reads as its characters,
// everything else that is not printable as an escape (\r \n \t \0 \\ \xHH), so any bytes
// at all show and read back unchanged, and typed text is sent as UTF-8.

const NAMED: Record<number, string> = { 0x0d: '\\r', 0x0a: '\\n', 0x09: '\\t', 0x00: '\\0', 0x5c: '\\\\' };
const ESCAPES: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '0': 0x00, '\\': 0x5c, '"': 0x22 };

function hex(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/** How many bytes the UTF-8 sequence at `i` takes (2-4), or 0 when it is not a whole, valid one. */
function utf8Length(bytes: string, i: number): number {
  const lead = bytes.charCodeAt(i);
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes.charCodeAt(i + k) & 0xc0) !== 0x80) return 0;
  const second = bytes.charCodeAt(i + 1);
  // Overlong forms, surrogates and code points past U+10FFFF are not text: shown as bytes.
  if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return 0;
  return length;
}

/** Bytes (a latin1 string) as the text a field shows. */
export function bytesToText(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x5c) out += bytes[i];
    else if (NAMED[code]) out += NAMED[code];
    else if (code >= 0x80 && utf8Length(bytes, i) > 0) {
      const length = utf8Length(bytes, i);
      out += new TextDecoder().decode(Uint8Array.from(bytes.slice(i, i + length), (c) => c.charCodeAt(0)));
      i += length - 1;
    } else out += hex(code);
  }
  return out;
}

export type ReadBytes = { bytes: string; error: null } | { bytes: null; error: string; column: number };

/** Text typed in a field as the bytes it stands for; a broken escape is said with its column (0-based). */
export function textToBytes(text: string): ReadBytes {
  const encoder = new TextEncoder();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      const code = char.charCodeAt(0);
      if (code < 0x80) out += char;
      else {
        // A character outside the BMP is two UTF-16 units: encode them together.
        const whole = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? text.slice(i, i + 2) : char;
        for (const byte of encoder.encode(whole)) out += String.fromCharCode(byte);
        i += whole.length - 1;
      }
      continue;
    }
    const next = text[i + 1];
    if (next !== undefined && ESCAPES[next] !== undefined) {
      out += String.fromCharCode(ESCAPES[next]!);
      i++;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      return { bytes: null, error: `"\\${next ?? ''}" is not an escape: use \\r, \\n, \\t, \\0, \\\\ or \\xHH (two hex digits)`, column: i };
    }
  }
  return { bytes: out, error: null };
}
