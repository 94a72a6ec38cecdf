// The raw view: rows of 16 bytes, each byte with the kind of framing it belongs to.

import type { RawSpan, SpanKind } from '../../../shared/api';

export const ROW_BYTES = 16;

export interface RawByte {
  offset: number;
  value: number;
  kind: SpanKind | 'unknown';
}

/** Kinds for bytes [from, to) from the spans (bytes no span covers are 'unknown'). */
export function kindsOf(spans: readonly RawSpan[], from: number, to: number): (SpanKind | 'unknown')[] {
  const kinds = new Array<SpanKind | 'unknown'>(to - from).fill('unknown');
  for (const s of spans) {
    const a = Math.max(from, s.offset);
    const b = Math.min(to, s.offset + s.length);
    for (let i = a; i < b; i++) kinds[i - from] = s.kind;
  }
  return kinds;
}

export function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}

export function printable(value: number): string {
  return value >= 0x20 && value < 0x7f ? String.fromCharCode(value) : '·';
}

export function offsetLabel(offset: number): string {
  return offset.toString(16).padStart(8, '0');
}
