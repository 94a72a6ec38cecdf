/** Bytes kept as latin1 text, made visible: control and non-ASCII bytes as \xHH. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
