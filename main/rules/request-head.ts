// The parts of a request's head as the request rules hold them, and the head rebuilt
// with fields taken out or added (dechunk-requests, chunk-requests).

import type { SpanEvent } from '../../shared/http1';
import { byteCount } from '../../shared/words';

export interface HeadPart {
  type: 'start-line' | 'header' | 'head-end';
  name: string | null;
  value: string | null;
  pieces: Uint8Array[];
  /** The parser's event (a breakpoint takes the head part by part). */
  event: SpanEvent;
}

/** "128 MiB", or "1,000 bytes" for a budget that is not whole MiB (tests). */
export function amount(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : byteCount(bytes);
}

export function headerValues(head: HeadPart[], name: string): string[] {
  return head.filter((h) => h.type === 'header' && h.name!.toLowerCase() === name).map((h) => h.value!.trim());
}

/** The head as sent, without the `drop` fields and with `add` before its empty line. */
export function rebuildHead(head: HeadPart[], drop: string[], add: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const part of head) {
    if (part.type === 'header' && drop.includes(part.name!.toLowerCase())) continue;
    if (part.type === 'head-end') out.push(Buffer.from(`${add}\r\n`, 'latin1'));
    out.push(...part.pieces);
  }
  return out;
}

/** Bytes [at, at + n) of `pieces`, as views. */
export function pieceAt(pieces: Uint8Array[], at: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = at;
  for (const p of pieces) {
    if (n === 0) break;
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    const k = Math.min(n, p.length - skip);
    out.push(p.subarray(skip, skip + k));
    n -= k;
    skip = 0;
  }
  return out;
}
