// TCP stream reassembly: from segments as captured (out of order, retransmitted,
// overlapping, lost) to each direction's bytes in sequence order, with the FINs and
// RSTs where they fell. Events come out in the order of the packets that caused them,
// so the two directions of a connection, and all connections, stay in time order.
//
// Choices, as Wireshark makes them by default:
// - Overlapping segments: the data received first wins; later bytes for the same
//   sequence numbers are dropped (and counted when they differ).
// - A capture that starts mid-connection starts each direction at the first sequence
//   number seen in it; earlier sequence numbers are then old data and are dropped.
// - Data never captured is a gap of known length, never silently joined: it is declared
//   when the receiver acknowledges bytes beyond it (so they will not be retransmitted),
//   when the connection is reset, or when the file ends.

import { endpoint, type TcpSegment } from './packets';

/** Which endpoint of a connection: 0 sent the first packet seen (the opener, when a SYN was seen). */
export type Side = 0 | 1;

export type StreamEvent =
  /** Bytes of one direction, in order from `offset`; `time` is when the packet that made them deliverable was captured. */
  | { type: 'data'; from: Side; time: number; order: number; offset: number; bytes: Uint8Array }
  /** `length` bytes from `offset` that the capture never saw. */
  | { type: 'gap'; from: Side; time: number; order: number; offset: number; length: number }
  /** `from` sent a FIN after `offset` bytes (all of them delivered or declared gaps). */
  | { type: 'fin'; from: Side; time: number; order: number; offset: number }
  /** `from` reset the connection: both directions end. */
  | { type: 'rst'; from: Side; time: number; order: number };

export interface TcpConnection {
  /** 1-based, in order of first packet among the file's TCP connections. */
  readonly number: number;
  /** "address:port" of each side; [0] sent the first packet seen. */
  readonly endpoints: readonly [string, string];
  /** The side that sent the SYN (without ACK), when the capture saw it or the SYN-ACK to it. */
  readonly opener: Side | null;
  readonly firstTime: number;
  lastTime: number;
  /** Position of the first packet among all events: to merge connections in time order. */
  readonly firstOrder: number;
  readonly events: StreamEvent[];
  /** Segments whose data had all been seen before (retransmissions), and their bytes. */
  retransmissions: number;
  retransmittedBytes: number;
  /** Bytes that overlapped earlier data with different content: the earlier was kept. */
  conflictingBytes: number;
  /** Segments with data or flags after the connection was reset, ignored. */
  ignoredAfterReset: number;
}

interface Piece {
  offset: number;
  bytes: Uint8Array;
}

/** One direction: what has been delivered, and what waits for a missing piece. */
class Direction {
  started = false;
  /** Sequence number (mod 2^32) of the byte at nextOffset. */
  nextSeq = 0;
  /** Stream offset of the next byte to deliver: a plain number, so streams past 4 GiB go on. */
  nextOffset = 0;
  /** Captured bytes beyond nextOffset, sorted and non-overlapping. */
  pending: Piece[] = [];
  finOffset: number | null = null;
  finDelivered = false;

  start(seq: number): void {
    this.started = true;
    this.nextSeq = seq >>> 0;
    this.nextOffset = 0;
  }

  /**
   * The stream offset of a sequence number. Sequence numbers wrap at 2^32; the signed
   * 32-bit distance from the next expected one places a segment within ±2 GiB of it,
   * far more than any TCP window.
   */
  offsetOf(seq: number): number {
    return this.nextOffset + ((seq - this.nextSeq) | 0);
  }

  advance(length: number): void {
    this.nextOffset += length;
    this.nextSeq = (this.nextSeq + length) >>> 0;
  }
}

class Connection implements TcpConnection {
  readonly directions: [Direction, Direction] = [new Direction(), new Direction()];
  readonly events: StreamEvent[] = [];
  lastTime: number;
  retransmissions = 0;
  retransmittedBytes = 0;
  conflictingBytes = 0;
  ignoredAfterReset = 0;
  reset = false;
  /** ISN of the opener's SYN: a SYN with another ISN on the same ports is a new connection. */
  synSeq: number | null = null;

  constructor(
    readonly number: number,
    readonly endpoints: readonly [string, string],
    readonly opener: Side | null,
    readonly firstTime: number,
    readonly firstOrder: number,
  ) {
    this.lastTime = firstTime;
  }
}

export class Reassembler {
  private readonly byPorts = new Map<string, Connection>();
  private readonly all: Connection[] = [];
  private order = 0;

  /** A captured segment, at `time` (packets must come in capture order). */
  push(segment: TcpSegment, time: number): void {
    const src = endpoint(segment.src, segment.srcPort);
    const dst = endpoint(segment.dst, segment.dstPort);
    const key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
    let connection = this.byPorts.get(key);
    const opening = segment.syn && !segment.hasAck;
    if (opening && connection && !(connection.opener !== null && connection.endpoints[connection.opener] === src && connection.synSeq === segment.seq)) {
      // A new SYN on the same ports (not a retransmission of the first): the earlier
      // connection is over, whether or not its end was captured.
      this.flushAll(connection, connection.lastTime);
      connection = undefined;
    }
    if (!connection) {
      // Pure ACKs and lone RSTs of a connection whose start was not captured carry nothing to show.
      if (!opening && !segment.syn && segment.payloadLength === 0 && !segment.fin) return;
      // A SYN-ACK first (the capture began just after the SYN): its receiver opened the connection.
      connection = new Connection(this.all.length + 1, [src, dst], opening ? 0 : segment.syn ? 1 : null, time, this.order++);
      if (opening) connection.synSeq = segment.seq;
      else if (segment.syn) connection.synSeq = (segment.ack - 1) >>> 0;
      this.byPorts.set(key, connection);
      this.all.push(connection);
    }
    connection.lastTime = time;
    const from: Side = connection.endpoints[0] === src ? 0 : 1;
    if (connection.reset) {
      if (segment.payloadLength > 0 || segment.fin || segment.rst) connection.ignoredAfterReset++;
      return;
    }
    const direction = connection.directions[from];
    if (segment.syn && (!direction.started || (direction.nextOffset === 0 && direction.pending.length === 0))) {
      direction.start(segment.seq + 1); // the SYN takes one sequence number
    }
    if (!direction.started && (segment.payloadLength > 0 || segment.fin)) direction.start(segment.seq);
    if (direction.started) {
      const offset = direction.offsetOf(segment.syn ? segment.seq + 1 : segment.seq);
      // A payload the snap length cut off entirely leaves a hole, declared when acknowledged.
      if (segment.payload.length > 0) this.insert(connection, direction, offset, segment.payload, segment.payloadLength);
      if (segment.fin && direction.finOffset === null) direction.finOffset = offset + segment.payloadLength;
      this.deliver(connection, from, time);
    }
    // The peer acknowledged bytes of the other direction: any it got that the capture
    // lacks will never be sent again, so they are a gap now.
    // Only holes with something captured after them (data or the FIN) are declared: a
    // hole at the very end could also be a FIN the capture missed, not data.
    const otherSide: Side = from === 0 ? 1 : 0;
    const other = connection.directions[otherSide];
    if (segment.hasAck && other.started) {
      const acked = other.offsetOf(segment.ack);
      for (;;) {
        const next = other.pending[0]?.offset ?? (other.finDelivered ? null : other.finOffset);
        if (next === null || Math.min(acked, next) <= other.nextOffset) break;
        this.skipTo(connection, otherSide, Math.min(acked, next), time);
      }
    }
    if (segment.rst) {
      // An RST ends both directions at once: what was captured is delivered, what was
      // not is a gap, and anything after it on these ports (without a new SYN) is ignored.
      this.flushAll(connection, time);
      connection.events.push({ type: 'rst', from, time, order: this.order++ });
      connection.reset = true;
    }
  }

  /** The file ended: deliver what waits behind gaps. Returns every connection, in order of first packet. */
  finish(): TcpConnection[] {
    for (const connection of this.all) if (!connection.reset) this.flushAll(connection, connection.lastTime);
    this.byPorts.clear();
    return this.all;
  }

  /** Store captured bytes at `offset`; `wireLength` is how many the segment carried (more when the snap length cut it). */
  private insert(connection: Connection, direction: Direction, offset: number, bytes: Uint8Array, wireLength: number): void {
    let start = offset;
    let data = bytes;
    if (start + data.length <= direction.nextOffset) return retransmitted(connection, wireLength);
    if (start < direction.nextOffset) {
      data = data.subarray(direction.nextOffset - start);
      start = direction.nextOffset;
    }
    const end = start + data.length;
    const pending = direction.pending;
    // The first piece that ends after `start` (binary search: pieces are sorted).
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = pending[mid]!;
      if (p.offset + p.bytes.length <= start) lo = mid + 1;
      else hi = mid;
    }
    // Keep what is already there (first data wins); add only the parts nobody covered.
    const added: Piece[] = [];
    let cursor = start;
    let i = lo;
    for (; i < pending.length && pending[i]!.offset < end; i++) {
      const p = pending[i]!;
      if (p.offset > cursor) added.push({ offset: cursor, bytes: data.subarray(cursor - start, p.offset - start) });
      const from = Math.max(cursor, p.offset);
      const to = Math.min(end, p.offset + p.bytes.length);
      for (let at = from; at < to; at++) if (p.bytes[at - p.offset] !== data[at - start]) connection.conflictingBytes++;
      cursor = Math.max(cursor, p.offset + p.bytes.length);
    }
    if (cursor < end) added.push({ offset: cursor, bytes: data.subarray(cursor - start) });
    if (added.length === 0) return retransmitted(connection, wireLength);
    // Merge the new pieces in order: they fall between the existing ones from lo to i.
    const merged = [...pending.slice(lo, i), ...added].sort((a, b) => a.offset - b.offset);
    pending.splice(lo, i - lo, ...merged);
  }

  /** Deliver the pieces that now follow on without a hole, then the FIN if it is next. */
  private deliver(connection: Connection, from: Side, time: number): void {
    const direction = connection.directions[from];
    const ready: Uint8Array[] = [];
    const offset = direction.nextOffset;
    while (direction.pending.length > 0 && direction.pending[0]!.offset === direction.nextOffset) {
      const piece = direction.pending.shift()!;
      ready.push(piece.bytes);
      direction.advance(piece.bytes.length);
    }
    if (ready.length > 0) {
      const bytes = ready.length === 1 ? ready[0]! : Buffer.concat(ready);
      connection.events.push({ type: 'data', from, time, order: this.order++, offset, bytes });
    }
    if (direction.finOffset !== null && !direction.finDelivered && direction.nextOffset >= direction.finOffset) {
      direction.finDelivered = true;
      connection.events.push({ type: 'fin', from, time, order: this.order++, offset: direction.finOffset });
    }
  }

  /** Declare bytes up to `to` never captured, delivering what follows them. */
  private skipTo(connection: Connection, from: Side, to: number, time: number): void {
    const direction = connection.directions[from];
    if (to <= direction.nextOffset) return;
    const offset = direction.nextOffset;
    connection.events.push({ type: 'gap', from, time, order: this.order++, offset, length: to - offset });
    direction.advance(to - offset);
    this.deliver(connection, from, time);
  }

  /** Nothing more will come for this connection (reset, replaced or the file ended): deliver all, with gaps. */
  private flushAll(connection: Connection, time: number): void {
    for (const from of [0, 1] as const) {
      const direction = connection.directions[from];
      if (!direction.started) continue;
      this.deliver(connection, from, time);
      while (direction.pending.length > 0) this.skipTo(connection, from, direction.pending[0]!.offset, time);
      if (direction.finOffset !== null && !direction.finDelivered) this.skipTo(connection, from, direction.finOffset, time);
    }
  }
}

/** A segment whose every byte had been captured before. */
function retransmitted(connection: Connection, length: number): void {
  connection.retransmissions++;
  connection.retransmittedBytes += length;
}
