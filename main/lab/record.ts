// What the lab did on each connection and how the client ended it, for `chunkscope
// probe` (main/probe/): the bytes sent and when, the lab's own end, the client's FIN or
// RST. Off unless a recorder is given: a lab serving a demo for hours keeps nothing.
// Times are performance.now() milliseconds, the clock the probe keeps too.

export type LabEnd = 'fin' | 'rst';
/** How the client's side of the TCP connection ended: a FIN, an RST, or another socket error. */
export type ClientEnd = 'fin' | 'rst' | 'error';

export class ConnectionLog {
  readonly openedAt = performance.now();
  /** Requests the lab read whole on this connection. */
  requests = 0;
  /** Bytes handed to the socket (inside TLS: the HTTP bytes, before encryption). */
  bytesSent = 0;
  /** Bytes written by a scenario that the socket has not taken yet. */
  queued = 0;
  lastSentAt: number | null = null;
  labEnd: { how: LabEnd; at: number } | null = null;
  clientEnd: { how: ClientEnd; at: number; detail: string | null } | null = null;
  closedAt: number | null = null;
  /** Why the TLS handshake failed (the client did not trust the certificate, …). */
  tlsFailure: string | null = null;

  constructor(
    /** The client's port: its socket's end of the connection, as /proc/net/tcp lists it. */
    readonly clientPort: number,
    private readonly changed: () => void = () => {},
  ) {}

  request(): void {
    this.requests++;
  }

  writing(length: number): void {
    this.queued += length;
  }

  sent(length: number): void {
    this.queued -= length;
    this.bytesSent += length;
    this.lastSentAt = performance.now();
  }

  /** Written, but the connection went before the socket took it. */
  dropped(length: number): void {
    this.queued -= length;
  }

  labEnded(how: LabEnd): void {
    this.labEnd ??= { how, at: performance.now() };
  }

  clientEnded(how: ClientEnd, detail: string | null = null): void {
    this.clientEnd ??= { how, at: performance.now(), detail };
    this.changed();
  }

  closed(): void {
    this.closedAt ??= performance.now();
    this.changed();
  }

  /** The client may still read or send on it: neither closed nor ended by the client. */
  get open(): boolean {
    return this.closedAt === null && this.clientEnd === null;
  }
}

export class LabRecorder {
  private logs: ConnectionLog[] = [];
  private readonly settledWaiters = new Set<() => void>();

  open(clientPort: number): ConnectionLog {
    const log = new ConnectionLog(clientPort, () => this.changed());
    this.logs.push(log);
    return log;
  }

  /** A connection ended or closed: wake whoever waits for the connections to settle. */
  private changed(): void {
    for (const wake of [...this.settledWaiters]) wake();
  }

  /** The connections opened since the last take, and forget them. */
  take(): ConnectionLog[] {
    const taken = this.logs;
    this.logs = [];
    return taken;
  }

  /** The connections still open from the client's side. */
  live(): ConnectionLog[] {
    return this.logs.filter((log) => log.open);
  }

  /**
   * Resolves once every connection has ended from the client's side or closed (a client's
   * FIN reaches the lab just after the client exits), or after `maxMs`.
   */
  settled(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.live().length > 0) return;
        finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.settledWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(finish, maxMs);
      this.settledWaiters.add(check);
      check();
    });
  }
}
