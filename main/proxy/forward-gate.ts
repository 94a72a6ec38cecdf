// Forward-proxy mode, without sockets: from the request parser's events and the bytes
// the client sent, decide where each request goes and what to send. A request's head is
// held until it is complete (the target and Host decide the origin); bodies stream as
// they arrive. The one rewrite is the one HTTP requires of a proxy: an absolute-form
// target becomes origin-form (RFC 9112 §3.2.2), and it is reported so it is recorded.

import type { Http1Event } from '../../shared/http1';

export interface Origin {
  host: string;
  port: number;
}

export interface Rewrite {
  offset: number;
  length: number;
  replacement: string;
  reason: string;
}

export type GateCommand =
  /** Send to the origin of the current request (connect first if it is a new origin). */
  | { kind: 'send'; origin: Origin; bytes: Uint8Array[]; rewrite: Rewrite | null }
  /** Bytes for wherever the connection already goes (bodies, tunnels, unparsable bytes). */
  | { kind: 'pass'; bytes: Uint8Array[] }
  /** CONNECT host:port: open a tunnel there. */
  | { kind: 'tunnel'; origin: Origin; target: string }
  /** The request cannot be relayed as asked: answer it ourselves (`held`: its bytes, not sent). */
  | { kind: 'reject'; status: 400 | 501 | 508; reason: string; held: Uint8Array[] };

/**
 * Proxies a request may have passed through (Via, X-Forwarded-For or Forwarded entries)
 * before it is taken for a loop between proxies (RFC 9110 §7.6.3: Via is there to detect
 * loops). Only counted: the request is never changed.
 */
export const MAX_HOPS = 10;

/** Fields in which each proxy a request passed through adds an entry. */
const HOP_FIELDS = new Set(['via', 'x-forwarded-for', 'forwarded']);

export function originKey(origin: Origin): string {
  return origin.host.includes(':') ? `[${origin.host}]:${origin.port}` : `${origin.host}:${origin.port}`;
}

/** host:port, [v6]:port, or host (default port). */
export function parseAuthority(authority: string, defaultPort: number): Origin | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/?#[\]@]+))(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return null;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port };
}

interface Head {
  start: number;
  method: string | null;
  target: string | null;
  targetOffset: number;
  host: string | null;
  /** Entries per hop field (via, x-forwarded-for, forwarded), summed over its lines. */
  hops: Map<string, number>;
}

export interface GateOptions {
  /** Whether an origin is this proxy itself (its own address and port, under any name). */
  isSelf?(origin: Origin): boolean;
  /** How this proxy is reached, for the sentence that refuses a request to itself. */
  listening?(): string;
}

export class ForwardGate {
  /** Bytes of the current head, held until it completes; each with its stream offset. */
  private held: { offset: number; bytes: Uint8Array }[] = [];
  private head: Head | null = null;
  private tunnelled = false;
  private inRequest = false;

  constructor(private readonly options: GateOptions = {}) {}

  /** Between requests: the next byte from the client starts a new one (or is not HTTP). */
  get betweenRequests(): boolean {
    return !this.tunnelled && !this.inRequest && this.held.length === 0;
  }

  /**
   * One read from the client at stream offset `base`, with the events the request
   * parser gave for it. Returns what to do, in order.
   */
  push(bytes: Uint8Array, base: number, events: readonly Http1Event[]): GateCommand[] {
    const commands: GateCommand[] = [];
    if (this.tunnelled) return [{ kind: 'pass', bytes: [bytes] }];
    let cursor = base; // first byte of this read not yet handed on
    const end = base + bytes.length;
    const slice = (from: number, to: number) => bytes.subarray(from - base, to - base);

    for (const event of events) {
      if (event.type === 'message-complete') this.inRequest = false;
      if (event.type === 'message-start') {
        this.inRequest = true;
        if (event.offset > cursor) commands.push({ kind: 'pass', bytes: [slice(cursor, event.offset)] });
        cursor = Math.max(cursor, event.offset);
        this.head = { start: event.offset, method: null, target: null, targetOffset: -1, host: null, hops: new Map() };
      } else if (event.type === 'start-line' && this.head && event.request) {
        this.head.method = event.request.method;
        this.head.target = event.request.target;
        this.head.targetOffset = event.offset + event.request.method.length + 1;
      } else if (event.type === 'header' && this.head) {
        const name = event.name.toLowerCase();
        if (name === 'host' && this.head.host === null) this.head.host = event.value;
        else if (HOP_FIELDS.has(name)) this.head.hops.set(name, (this.head.hops.get(name) ?? 0) + event.value.split(',').filter((v) => v.trim() !== '').length);
      } else if (event.type === 'head-end' && this.head) {
        const headEnd = event.offset + event.length;
        this.hold(slice(cursor, headEnd), cursor);
        cursor = headEnd;
        commands.push(this.decide());
      } else if (event.type === 'anomaly' && event.cls === 'F' && this.head) {
        // The head cannot be read: hand on what is held; the relay decides (400, or pass on).
        this.hold(slice(cursor, end), cursor);
        cursor = end;
        commands.push(this.unreadable(event.text));
      }
    }
    if (this.head) {
      this.hold(slice(cursor, end), cursor);
    } else if (cursor < end) {
      commands.push({ kind: 'pass', bytes: [slice(cursor, end)] });
    }
    return commands;
  }

  private hold(bytes: Uint8Array, offset: number): void {
    if (bytes.length > 0) this.held.push({ offset, bytes });
  }

  private takeHeld(): { offset: number; bytes: Uint8Array }[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private unreadable(why: string): GateCommand {
    this.head = null;
    const held = this.takeHeld().map((h) => h.bytes);
    return { kind: 'reject', status: 400, reason: `Chunkscope could not read this request: ${why}`, held };
  }

  private decide(): GateCommand {
    const head = this.head!;
    this.head = null;
    const command = this.route(head, this.takeHeld());
    const refused = this.loop(command, head);
    if (!refused) return command;
    this.tunnelled = false;
    return refused;
  }

  /** A request this proxy must not relay: to itself, or round a loop of proxies. */
  private loop(command: GateCommand, head: Head): GateCommand | null {
    if (command.kind !== 'send' && command.kind !== 'tunnel') return null;
    const held = command.kind === 'send' ? command.bytes : [];
    if (this.options.isSelf?.(command.origin)) {
      const where = originKey(command.origin);
      const listening = this.options.listening?.() ?? where;
      return { kind: 'reject', status: 508, reason: `Chunkscope did not relay this request: ${where} is this proxy itself (listening on ${listening}), so the request would come back to it again and again (a loop). Send it to the origin's own address, not the proxy's.`, held };
    }
    const hops = Math.max(0, ...head.hops.values());
    if (hops > MAX_HOPS) {
      return { kind: 'reject', status: 508, reason: `Chunkscope did not relay this request: it has already passed through ${hops} proxies (its Via, X-Forwarded-For or Forwarded header says so), more than ${MAX_HOPS}: most likely a loop between proxies. Check that no proxy in the chain sends its traffic back through this one.`, held };
    }
    return null;
  }

  private route(head: Head, held: { offset: number; bytes: Uint8Array }[]): GateCommand {
    const bytes = held.map((h) => h.bytes);
    const target = head.target ?? '';
    if (head.method === 'CONNECT') {
      const origin = parseAuthority(target, 443);
      if (!origin) return { kind: 'reject', status: 400, reason: `CONNECT needs host:port, not "${target}"`, held: bytes };
      this.tunnelled = true;
      // Bytes after the CONNECT head (a client in a hurry) belong to the tunnel.
      return { kind: 'tunnel', origin, target };
    }
    const absolute = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(target);
    if (absolute) {
      const scheme = absolute[1]!.toLowerCase();
      if (scheme !== 'http') {
        return { kind: 'reject', status: 501, reason: `Chunkscope relays http:// targets; ${scheme}:// goes through CONNECT`, held: bytes };
      }
      const authority = absolute[2]!.replace(/^[^@]*@/, '');
      const origin = parseAuthority(authority, 80);
      if (!origin) return { kind: 'reject', status: 400, reason: `the request target "${target}" has no valid host`, held: bytes };
      const rest = target.slice(absolute[0].length);
      const replacement = rest.startsWith('/') ? rest : `/${rest}`;
      const rewrite: Rewrite = {
        offset: head.targetOffset,
        length: target.length,
        replacement,
        reason: 'absolute-form request target to origin-form (RFC 9112 §3.2.2), as a proxy must',
      };
      return { kind: 'send', origin, bytes: applyRewrite(held, rewrite), rewrite };
    }
    // origin-form sent to a forward proxy: go where Host says.
    const origin = head.host ? parseAuthority(head.host, 80) : null;
    if (!origin) {
      return {
        kind: 'reject',
        status: 400,
        reason: 'this is a forward proxy: send an absolute-form target (http://host/path) or a Host header, or run it with --reverse URL',
        held: bytes,
      };
    }
    return { kind: 'send', origin, bytes, rewrite: null };
  }
}

/** Replace bytes [offset, offset+length) of the held stream by the replacement (latin1). */
function applyRewrite(held: { offset: number; bytes: Uint8Array }[], rewrite: Rewrite): Uint8Array[] {
  const out: Uint8Array[] = [];
  const replacement = Uint8Array.from(rewrite.replacement, (ch) => ch.charCodeAt(0));
  const from = rewrite.offset;
  const to = rewrite.offset + rewrite.length;
  let inserted = false;
  for (const { offset, bytes } of held) {
    const start = offset;
    const end = offset + bytes.length;
    if (end <= from || start >= to) {
      if (start >= to && !inserted) {
        out.push(replacement);
        inserted = true;
      }
      out.push(bytes);
      continue;
    }
    if (start < from) out.push(bytes.subarray(0, from - start));
    if (!inserted) {
      out.push(replacement);
      inserted = true;
    }
    if (end > to) out.push(bytes.subarray(to - start));
  }
  if (!inserted) out.push(replacement);
  return out;
}
