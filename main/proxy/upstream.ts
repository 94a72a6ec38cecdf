// The connection to the origin: made when the first request names it (forward mode) or at
// once (reverse mode), made again to another origin when a request names one, with what
// the client sent meanwhile queued (bounded: past CONNECT_QUEUE the client is paused) and
// written with backpressure once connected. Events of a leg replaced by another origin's
// are dropped: they belong to a connection that is over.

import type { PeerEnd } from '../../shared/http1';
import { Flow } from './flow';
import { TcpLeg, type Connect, type Leg, type LegHandlers } from './leg';
import { originKey, type GateCommand, type Origin } from './forward-gate';

/** Bytes queued for an upstream that is still connecting before the client is paused. */
const CONNECT_QUEUE = 1024 * 1024;

export interface UpstreamEvents {
  /** Connected: said before the queued bytes go (the capture's upstream event comes first). */
  connected(leg: Leg, target: string): void;
  /** The bytes queued while connecting are written: an end may follow them now. */
  flushed(): void;
  failed(error: NodeJS.ErrnoException, target: string): void;
  data(bytes: Buffer): void;
  end(how: PeerEnd): void;
  error(kind: 'rst' | 'error', detail: string | null): void;
  close(): void;
}

export class Upstream {
  leg: Leg | null = null;
  flow: Flow | null = null;
  /** host:port of the origin connected (or connecting) to. */
  origin: string | null = null;
  connected = false;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private draining = false;

  constructor(
    private readonly connect: Connect = TcpLeg.connect,
    /** The client's side: paused while too much is queued or the origin's socket is full. */
    private readonly clientFlow: Flow,
    private readonly events: UpstreamEvents,
  ) {}

  open(origin: Origin): void {
    const target = originKey(origin);
    this.origin = target;
    this.connected = false;
    // The previous origin's socket will drain no more: the client is not held for it.
    if (this.draining) {
      this.draining = false;
      this.clientFlow.release('upstream-drain');
    }
    const handlers: LegHandlers = {
      connect: () => {
        if (leg !== this.leg) return;
        this.connected = true;
        this.events.connected(leg, target);
        const queued = this.queued;
        this.queued = [];
        this.queuedBytes = 0;
        this.clientFlow.release('connecting');
        this.send(queued);
        this.events.flushed();
      },
      failed: (error) => leg === this.leg && this.events.failed(error, target),
      data: (bytes) => leg === this.leg && this.events.data(bytes),
      end: (how) => leg === this.leg && this.events.end(how),
      error: (kind, detail) => leg === this.leg && this.events.error(kind, detail),
      close: () => leg === this.leg && this.events.close(),
    };
    const leg: Leg = this.connect(origin, handlers);
    this.leg = leg;
    this.flow = new Flow(leg);
  }

  /** The origin could not be reached: nothing more goes to it. */
  forget(): void {
    this.leg?.destroy();
    this.leg = null;
    this.connected = false;
  }

  /** Bytes for the origin: queued while it connects, written with backpressure once it has. */
  send(chunks: Uint8Array[]): void {
    if (!this.leg) return;
    if (!this.connected) {
      for (const chunk of chunks) {
        this.queued.push(chunk);
        this.queuedBytes += chunk.length;
      }
      if (this.queuedBytes > CONNECT_QUEUE) this.clientFlow.hold('connecting');
      return;
    }
    const leg = this.leg;
    for (const chunk of chunks) {
      // One wait for the drain however many writes found the socket full.
      if (chunk.length > 0 && !leg.write(chunk) && !this.draining) {
        this.draining = true;
        this.clientFlow.hold('upstream-drain');
        leg.onceDrain(() => {
          this.draining = false;
          this.clientFlow.release('upstream-drain');
        });
      }
    }
  }
}

/** What an origin switch needs of its relay. */
export interface SwitchHost {
  /** Requests whose final response has not come. */
  outstanding(): number;
  /** The origin connected to now (host:port), or null. */
  origin(): string | null;
  execute(command: GateCommand): void;
  /** Hold the client's reads while commands wait (and let go once they went on). */
  hold(on: boolean): void;
}

/**
 * Forward mode: one client connection may ask several origins in turn. A request for
 * another origin while the current one still owes responses waits (and what follows it),
 * so the answers stay in order; once they are all in, the switch goes on.
 */
export class OriginSwitch {
  private deferred: GateCommand[] = [];

  constructor(private readonly host: SwitchHost) {}

  push(command: GateCommand): void {
    if (this.deferred.length > 0 || this.needsSwitch(command)) {
      this.deferred.push(command);
      this.host.hold(true);
    } else this.host.execute(command);
  }

  /** An answer came: once the current origin owes nothing, the waiting commands go on. */
  resume(): void {
    if (this.deferred.length === 0) return;
    // Requests still owed by the current origin: all outstanding but the deferred ones.
    const deferredRequests = this.deferred.filter((c) => c.kind === 'send').length;
    if (this.host.outstanding() - deferredRequests > 0) return;
    const commands = this.deferred;
    this.deferred = [];
    this.host.hold(false);
    for (const command of commands) this.host.execute(command);
  }

  private needsSwitch(command: GateCommand): boolean {
    const current = this.host.origin();
    return command.kind === 'send' && current !== null && current !== originKey(command.origin) && this.host.outstanding() > 1;
  }
}
