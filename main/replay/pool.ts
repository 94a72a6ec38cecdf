// Which captured exchange answers a request made to `replay --serve`: same method, same
// path, whichever form of target either side used (a forward-mode capture holds
// `GET http://host/path`, a client that connects directly sends `GET /path`, and the
// other way round), with the host as the tie-breaker: the absolute-form authority, else
// the Host field. A client's first request picks a captured connection; its next
// requests follow that connection's exchanges.

import type { CapturedConnection, CapturedExchange, CapturedRead, CapturedSession } from './captured';

export interface Incoming {
  method: string;
  target: string;
  /** The authority of an absolute-form target, else the Host field; null when neither. */
  host: string | null;
  /** performance.now() when the request's last byte arrived. */
  at: number;
}

/** Served exchanges, when not all are: (connection number, 0-based index) → served. */
export type ExchangeFilter = (connection: number, index: number) => boolean;

const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)([^#]*)/;

/** The path (and query) of a request target, whatever its form. */
export function pathOf(target: string): string {
  const m = ABSOLUTE.exec(target);
  return m ? m[2] || '/' : target;
}

/** host[:port] in lower case, the default port dropped, so `Host: X:80` and `http://x/` agree. */
export function normalHost(host: string | null): string | null {
  if (host === null) return null;
  return host.trim().toLowerCase().replace(/:80$/, '') || null;
}

/** The host a request was for: its absolute-form authority, else its Host field. */
export function hostOf(target: string, hostField: string | null): string | null {
  const m = ABSOLUTE.exec(target);
  return normalHost(m ? m[1]!.replace(/^[^@]*@/, '') : hostField);
}

function capturedHost(e: CapturedExchange): string | null {
  const field = e.record.request?.headers.find(([n]) => n.toLowerCase() === 'host');
  return hostOf(e.target ?? '', field ? field[1] : null);
}

/** The reads of one stream that hold bytes [start, end), in order. */
export function readsIn(reads: CapturedRead[], start: number, end: number): CapturedRead[] {
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reads[mid]!.offset + reads[mid]!.length <= start) lo = mid + 1;
    else hi = mid;
  }
  const out: CapturedRead[] = [];
  for (let i = lo; i < reads.length && reads[i]!.offset < end; i++) out.push(reads[i]!);
  return out;
}

export class ReplayPool {
  private readonly connections: CapturedConnection[];
  private readonly used = new Set<string>();
  readonly responseReads = new Map<number, CapturedRead[]>();
  private readonly keys = new Map<CapturedExchange, { path: string; host: string | null }>();

  constructor(
    session: CapturedSession,
    only: string | null = null,
    private readonly served: ExchangeFilter | null = null,
  ) {
    const chosen = only ? session.connection(only) : null;
    if (only && !chosen) throw new Error(`the capture has no connection ${only} (it has ${session.connections.map((c) => c.id).join(', ') || 'none'})`);
    this.connections = (chosen ? [chosen] : session.connections).filter((c) => !c.tunnel && c.exchanges.some((e) => e.method !== null && e.method !== 'CONNECT'));
    for (const c of this.connections) {
      this.responseReads.set(c.number, c.reads.filter((r) => r.stream === 1));
      for (const e of c.exchanges) if (e.target !== null) this.keys.set(e, { path: pathOf(e.target), host: capturedHost(e) });
    }
  }

  get size(): number {
    return this.connections.length;
  }

  private matches(c: CapturedConnection, e: CapturedExchange, r: Incoming, host = false): boolean {
    const key = this.keys.get(e);
    if (!key || e.method !== r.method || key.path !== pathOf(r.target)) return false;
    if (host && key.host !== r.host) return false;
    return this.served === null || this.served(c.number, e.index);
  }

  /** Only some exchanges are served (the app's selection): others were not looked at, so none is said to be missing from the capture. */
  get selective(): boolean {
    return this.served !== null;
  }

  /** Whether the capture holds an exchange for this request, served or not: the 404 says which. */
  holds(request: Incoming): boolean {
    return this.connections.some((c) => c.exchanges.some((e) => this.keys.get(e)?.path === pathOf(request.target) && e.method === request.method));
  }

  /** A client's first request: which captured connection, and which exchange on it. */
  first(request: Incoming): { source: CapturedConnection; index: number } | null {
    // The host decides only between exchanges that match otherwise.
    const byHost = request.host !== null && this.connections.some((c) => c.exchanges.some((e) => this.matches(c, e, request, true)));
    const match = (c: CapturedConnection, e: CapturedExchange) => this.matches(c, e, request, byHost);
    const key = (c: CapturedConnection, i: number) => `${c.number}:${i}`;
    const unusedStart = this.connections.find((c) => {
      const start = c.exchanges.find((e) => this.served === null || this.served(c.number, e.index));
      return start && match(c, start) && !this.used.has(key(c, start.index));
    });
    if (unusedStart) return this.take(unusedStart, unusedStart.exchanges.findIndex((e) => match(unusedStart, e)));
    for (const c of this.connections) {
      const i = c.exchanges.findIndex((e) => match(c, e) && !this.used.has(key(c, e.index)));
      if (i >= 0) return this.take(c, i);
    }
    // Everything that matches was replayed already: replay it again.
    for (const c of this.connections) {
      const i = c.exchanges.findIndex((e) => match(c, e));
      if (i >= 0) return this.take(c, i);
    }
    return null;
  }

  /** A next request on the same connection: the source's next exchange that matches. */
  next(source: CapturedConnection, from: number, request: Incoming): number | null {
    for (let i = from; i < source.exchanges.length; i++) {
      if (this.matches(source, source.exchanges[i]!, request)) {
        this.used.add(`${source.number}:${i}`);
        return i;
      }
    }
    return null;
  }

  private take(source: CapturedConnection, index: number): { source: CapturedConnection; index: number } {
    this.used.add(`${source.number}:${index}`);
    return { source, index };
  }
}
