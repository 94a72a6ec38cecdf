// A held message as the Held panel says it, and a held part's bytes as the editor shows
// them: as text when they are text, as hex always (so any byte can be written). Pure.
// The words come from the engine (where it stands, how a side ended, what the timeout
// did) and shared/words.ts (sizes, durations); this only puts them together.

import { partName, type HeldMessage } from '../../../shared/breakpoints';
import { exchangeName, parseExchangeId } from '../../../shared/exchange-id';
import { byteCount, duration, plural } from '../../../shared/words';

/** One held message among all: its exchange and direction. */
export function heldKey(h: { id: string; direction: HeldMessage['direction'] }): string {
  return `${h.id}/${h.direction}`;
}

/** "c3 · request #2", for an exchange id. */
export function exchangeLabel(id: string): string {
  const ref = parseExchangeId(id);
  return ref ? exchangeName(ref) : id;
}

/** What the panel says of a held message, one fact a line; `now` in ms since the epoch. */
export interface HeldFacts {
  /** "held 4.2 s", "stalled 12 s (no timeout)", "releasing chunk #3 as it arrives". */
  state: string;
  /** "next: chunk #3, size 5DC (1,500 bytes), whole" or what of it arrived. */
  next: string;
  /** "queued: 4,541 bytes (2 whole chunks after it)". */
  queued: string;
  /** "released in 4 min 58 s unless stepped", or null (releasing, or stalled with no time). */
  timeout: string | null;
  /** Edits waiting to go with the next step, or null. */
  edited: string | null;
}

export function heldFacts(h: HeldMessage, now: number): HeldFacts {
  const since = h.heldSince === null ? 0 : Math.max(0, (now - h.heldSince) / 1000);
  const state =
    h.state === 'releasing'
      ? `releasing ${partName(h.before, h.chunk)} as it arrives`
      : h.state === 'stalled'
        ? `stalled ${duration(since)}${h.releaseAt === null ? ' (no timeout)' : ''}`
        : `held ${duration(since)}`;
  const timeout = h.state !== 'releasing' && h.releaseAt !== null ? `released in ${duration(Math.max(0, (h.releaseAt - now) / 1000))} unless stepped` : null;
  const queued = `queued: ${byteCount(h.queuedBytes)}${h.queuedChunks > 0 ? ` (${plural(h.queuedChunks, 'whole chunk')} after the next)` : ''}`;
  let edited: string | null = null;
  if (h.edited) {
    const parts = [h.edited.head ? 'the head' : null, h.edited.sizeLine !== null ? `size line "${h.edited.sizeLine}"` : null, h.edited.dataLength !== null ? byteCount(h.edited.dataLength) : null].filter(Boolean);
    edited = `edited: ${parts.join(', ')}; sent with the next step`;
  }
  return { state, next: nextWords(h), queued, timeout, edited };
}

function nextWords(h: HeldMessage): string {
  const name = partName(h.before, h.chunk);
  const n = h.next;
  if (!n) return `next: ${name}, nothing of it arrived yet`;
  const arrived = n.complete ? 'whole' : `${byteCount(n.queued)} arrived so far`;
  if (n.joined) return `next: chunks #${h.chunk + 1} to #${h.chunk + 1 + n.joined} together (they came too many at once to step one by one)`;
  if (n.part === 'chunk' && n.sizeToken !== null) {
    const extensions = n.sizeLine !== null && n.sizeLine !== n.sizeToken ? ` (size line "${n.sizeLine}")` : '';
    return `next: ${name}, size ${n.sizeToken}${n.size === null ? '' : ` (${byteCount(n.size)})`}${extensions}, ${arrived}`;
  }
  if (n.part === 'body' && n.size !== null) return `next: ${name} (${byteCount(n.size)}), ${arrived}`;
  return `next: ${name}, ${arrived}`;
}

// ---- bytes for the editor ------------------------------------------------------------

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/** The bytes as text when they are UTF-8 without control characters (tab and line ends allowed); null otherwise. */
export function asText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** "48 65 6c 6c 6f", sixteen bytes a line. */
export function toHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    lines.push([...bytes.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n');
}

/** Hex digits in pairs, any white space between them; an error says where. */
export function parseHex(text: string): Uint8Array | { error: string } {
  const digits: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) continue;
    const value = parseInt(c, 16);
    if (Number.isNaN(value)) return { error: `"${c}" at character ${i + 1} is not a hex digit (0-9, a-f)` };
    digits.push(value);
  }
  if (digits.length % 2 === 1) return { error: `${plural(digits.length, 'hex digit')}: each byte takes two` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = digits[2 * i]! * 16 + digits[2 * i + 1]!;
  return bytes;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
