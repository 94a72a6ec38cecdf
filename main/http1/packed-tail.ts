// The newest messages of a request log once requests wait for their responses by the
// thousand: a client pipelines 300,000 GETs into a server's buffers before the first
// answers come back, and each waiting request's record is some 500 bytes of objects
// that outlive many garbage collections. Packed, a complete request is its numbers and
// one string of its words (shared with the requests before it that read the same), 40
// bytes; it is unpacked, the same record, when anything reads it.

import type { Framing } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';

/** The fields of a request's record; one with any other (a timing, a body) is not packed. */
const FIELDS = 19;
/** Numbers kept per packed request: offset, end, body length, Content-Length (NaN: none). */
const NUMBERS = 4;
/** Distinct word strings remembered for sharing. */
const SHARED_WORDS = 64;

export class PackedTail {
  /** Index of the message in slots[head]. */
  private first: number;
  private head = 0;
  /** Per index from `first` on: its record, its packed words, or nothing (forgotten). */
  private slots: (MessageRecord | string | undefined)[] = [];
  private numbers: number[] = [];
  private packedCount = 0;
  private heldCount = 0;
  private readonly words = new Map<string, string>();

  constructor(firstIndex: number) {
    this.first = firstIndex;
  }

  /** Indices this tail holds: from its first to before `end`. */
  get end(): number {
    return this.first + this.slots.length - this.head;
  }

  get firstIndex(): number {
    return this.first;
  }

  /** Messages held, packed or not. */
  get size(): number {
    return this.heldCount;
  }

  get packed(): number {
    return this.packedCount;
  }

  add(message: MessageRecord): void {
    while (this.end < message.index) this.push(undefined);
    this.push(message);
  }

  /** Message #index, unpacked if it was packed. */
  at(index: number): MessageRecord | undefined {
    const slot = index - this.first + this.head;
    if (index < this.first || slot >= this.slots.length) return undefined;
    const held = this.slots[slot];
    if (typeof held !== 'string') return held;
    const record = unpack(held, index, this.numbers, slot * NUMBERS);
    this.slots[slot] = record;
    this.packedCount--;
    return record;
  }

  /** Pack request #index if it is whole and plain (see packable); false if it stays a record. */
  pack(index: number): boolean {
    const slot = index - this.first + this.head;
    const m = index < this.first ? undefined : this.slots[slot];
    if (typeof m !== 'object' || !packable(m)) return false;
    const words = [m.startLine, m.request.method, m.request.target, m.request.version, m.framing, m.framingReason ?? '', ...m.headers.flat()];
    if (words.some((w) => w.includes('\n'))) return false;
    let joined = `${m.framingReason === null ? '0' : '1'}${words.join('\n')}`;
    joined = this.shared(joined);
    this.slots[slot] = joined;
    this.numbers[slot * NUMBERS] = m.offset;
    this.numbers[slot * NUMBERS + 1] = m.end;
    this.numbers[slot * NUMBERS + 2] = m.bodyLength;
    this.numbers[slot * NUMBERS + 3] = m.contentLength ?? NaN;
    this.packedCount++;
    return true;
  }

  forget(index: number): void {
    const slot = index - this.first + this.head;
    if (index < this.first || slot >= this.slots.length) return;
    const held = this.slots[slot];
    if (held === undefined) return;
    if (typeof held === 'string') this.packedCount--;
    this.heldCount--;
    this.slots[slot] = undefined;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) {
      this.head++;
      this.first++;
    }
    // Moved down once half are gone: forgetting one costs nothing more.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.numbers = this.numbers.slice(this.head * NUMBERS);
      this.head = 0;
    }
  }

  /** The held messages, oldest first, unpacked. */
  *records(): Generator<MessageRecord> {
    for (let index = this.first; index < this.end; index++) {
      const m = this.at(index);
      if (m) yield m;
    }
  }

  private push(slot: MessageRecord | undefined): void {
    if (slot) this.heldCount++;
    this.slots.push(slot);
    for (let i = 0; i < NUMBERS; i++) this.numbers.push(0);
  }

  /** The same words as a request packed lately: one string for both. */
  private shared(joined: string): string {
    const known = this.words.get(joined);
    if (known !== undefined) return known;
    if (this.words.size >= SHARED_WORDS) this.words.delete(this.words.keys().next().value!);
    this.words.set(joined, joined);
    return joined;
  }
}

type Packable = MessageRecord & { startLine: string; request: NonNullable<MessageRecord['request']> };

/** A whole request with no body or a Content-Length one, no anomaly, and nothing but its fields. */
function packable(m: MessageRecord): m is Packable {
  return (
    m.complete &&
    m.startLine !== null &&
    m.request !== null &&
    m.request.method !== 'CONNECT' &&
    m.response === null &&
    m.requestIndex === null &&
    m.anomalies.length === 0 &&
    (m.framing === 'none' || m.framing === 'content-length') &&
    m.chunks === null &&
    m.lastChunk === null &&
    m.terminator === null &&
    m.trailers === null &&
    m.chunkCount === 0 &&
    Object.keys(m).length === FIELDS
  );
}

function unpack(joined: string, index: number, numbers: number[], at: number): MessageRecord {
  const [startLine, method, target, version, framing, framingReason, ...fields] = joined.slice(1).split('\n') as [string, string, string, string, Framing, string, ...string[]];
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) headers.push([fields[i]!, fields[i + 1]!]);
  const contentLength = numbers[at + 3]!;
  // The fields in the order the ledger makes them (ledger.ts emptyRecord).
  return {
    startLine,
    framing,
    headers,
    chunks: null,
    lastChunk: null,
    terminator: null,
    trailers: null,
    bodyLength: numbers[at + 2]!,
    complete: true,
    anomalies: [],
    index,
    offset: numbers[at]!,
    end: numbers[at + 1]!,
    request: { method, target, version },
    response: null,
    requestIndex: null,
    framingReason: joined[0] === '0' ? null : framingReason,
    contentLength: Number.isNaN(contentLength) ? null : contentLength,
    chunkCount: 0,
  };
}
