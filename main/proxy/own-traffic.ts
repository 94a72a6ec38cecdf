// Chunkscope's own UI through its own proxy: a browser set to use `serve`'s proxy for
// loopback loads the UI through it, and would record the UI's traffic (a stream of
// updates, for ever) and the bridge's token. Such traffic is relayed but never recorded.
// It has to be recognised before a byte of it is recorded, so the first read(s) of each
// request are looked at here, held only until its target can be read (the gate holds a
// request's head until it is whole anyway, so nothing reaches the origin later).

import { parseAuthority, type Origin } from './forward-gate';

/** Which traffic a request is: for the UI, for anywhere else, or not a request that can be read. */
export type Verdict = 'own' | 'other' | 'unreadable';

/**
 * How much of a request's start is read for its target: its request line and, for
 * origin-form, its Host header must lie within it (browsers send absolute-form to a proxy).
 * Small, so that a head sent a byte at a time costs little to look at again and again.
 */
const MAX_START = 8 * 1024;

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

/** Where a request head (possibly partial) asks to go: an origin, 'unreadable', or null: not known yet. */
export function headTarget(bytes: Buffer): Origin | 'unreadable' | null {
  let at = 0;
  while (at < bytes.length && (bytes[at] === 0x0d || bytes[at] === 0x0a)) at++; // empty lines before a request (RFC 9112 §2.2)
  const end = Math.min(bytes.length, MAX_START);
  const more = bytes.length < MAX_START ? null : 'unreadable'; // what a head cut short means
  const lineEnd = bytes.subarray(0, end).indexOf(0x0a, at);
  const line = bytes.subarray(at, lineEnd < 0 ? end : lineEnd).toString('latin1');
  // Decided as early as possible: most reads that are not a request's start fail here.
  const method = /^[^ ]*/.exec(line)![0];
  if (![...method.slice(0, 33)].every((c) => TCHAR.test(c)) || method.length > 32) return 'unreadable';
  const space = line.indexOf(' ');
  if (space < 0) return lineEnd < 0 ? more : 'unreadable';
  const targetEnd = line.indexOf(' ', space + 1);
  if (targetEnd < 0) return lineEnd < 0 ? more : 'unreadable';
  const target = line.slice(space + 1, targetEnd);
  if (method === 'CONNECT') return parseAuthority(target, 443) ?? 'unreadable';
  const absolute = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(target);
  if (absolute) {
    if (absolute[1]!.toLowerCase() !== 'http') return 'unreadable';
    return parseAuthority(absolute[2]!.replace(/^[^@]*@/, ''), 80) ?? 'unreadable';
  }
  if (lineEnd < 0) return more;
  // origin-form: the first Host header says where. The last field may be cut short.
  const fields = bytes.subarray(lineEnd + 1, end).toString('latin1').split('\n');
  fields.pop();
  for (const field of fields) {
    const text = field.replace(/\r$/, '');
    if (text === '') return 'unreadable'; // the head ended without a Host
    const m = /^host:[ \t]*(.*?)[ \t]*$/i.exec(text);
    if (m) return parseAuthority(m[1]!, 80) ?? 'unreadable';
  }
  return more;
}

/**
 * One client connection's traffic: the reads of each request's start, held until its
 * target is known, and which kind of traffic the connection carries. A connection
 * carries either Chunkscope's own UI traffic (never recorded) or other traffic: its first
 * request decides. A kept-alive connection whose next request is of the other kind is
 * closed before it (once earlier requests are answered), unsent and unrecorded: clients
 * send a request again on a new connection when a kept-alive one closes.
 */
export class OwnTraffic {
  /** Whether the connection carries Chunkscope's own UI traffic; null until its first request. */
  own: boolean | null = null;
  private held: { bytes: Buffer; time: number }[] = [];
  /** The start of the held reads, at most MAX_START bytes, grown by doubling. */
  private start = Buffer.alloc(0);
  private startLength = 0;

  constructor(private readonly isOwn: (origin: Origin) => boolean) {}

  /** Another read at the start of a request: its verdict, or null to hold it until one. */
  push(bytes: Buffer, time: number): Verdict | null {
    this.held.push({ bytes, time });
    const target = headTarget(this.held.length === 1 ? bytes : this.append(bytes));
    if (target === null) return null;
    if (target === 'unreadable') return 'unreadable';
    return this.isOwn(target) ? 'own' : 'other';
  }

  /**
   * What to do with a request of this verdict: relay it, or close the connection before
   * it. `unrecord` is asked, for the first request, to keep the connection out of the capture.
   */
  step(verdict: Verdict, unrecord: () => boolean): 'relay' | 'close' {
    const own = verdict === 'own';
    if (this.own === null) {
      this.own = own && unrecord();
      return 'relay';
    }
    return verdict === 'unreadable' || own === this.own ? 'relay' : 'close';
  }

  /**
   * Whose the request held is, now known: its reads are relayed (`relay`), or, being of the
   * other kind than the connection carried, the connection closes before it (`closeBeforeIt`,
   * with why in words when it was the UI's): the client sends it again on a new one.
   */
  release(verdict: Verdict, host: { relay(bytes: Buffer, time: number): void; unrecord(): boolean; closeBeforeIt(why: string | null): void }): void {
    const reads = this.take();
    if (reads.length === 0) return;
    if (this.step(verdict, () => host.unrecord()) === 'relay') {
      for (const read of reads) host.relay(read.bytes, read.time);
      return;
    }
    host.closeBeforeIt(verdict === 'own' ? "Chunkscope closed this kept-alive connection before its next request, which was for Chunkscope's own UI (never recorded); the client sends it again on a new connection" : null);
  }

  /** The reads held, in order, each with its arrival time; none are held after. */
  take(): { bytes: Buffer; time: number }[] {
    const held = this.held;
    this.held = [];
    this.startLength = 0;
    return held;
  }

  private append(bytes: Buffer): Buffer {
    if (this.startLength === 0) this.startLength = this.copy(this.held[0]!.bytes, 0);
    this.startLength = this.copy(bytes, this.startLength);
    return this.start.subarray(0, this.startLength);
  }

  private copy(bytes: Buffer, at: number): number {
    const length = Math.min(bytes.length, MAX_START - at);
    if (at + length > this.start.length) {
      const grown = Buffer.alloc(Math.min(MAX_START, Math.max(2 * this.start.length, at + length, 256)));
      this.start.copy(grown, 0, 0, at);
      this.start = grown;
    }
    bytes.copy(this.start, at, 0, length);
    return at + length;
  }
}
