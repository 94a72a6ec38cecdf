// One side of a relayed connection: the client's, or the origin's. The relay speaks to
// legs, so the same mirroring serves plain TCP and TLS: a leg reports how its peer ended
// (a FIN; on TLS also a close_notify) and ends its own side the same way.

import net from 'node:net';
import type { PeerEnd } from '../../shared/http1';
import type { Origin } from './forward-gate';
import { ReadBuffers } from './read-buffers';

/** How a peer ended its sending side: a TCP FIN, or (TLS) a close_notify then the FIN. */

export interface LegHandlers {
  /** An outgoing leg is connected (for TLS: the handshake is done). */
  connect?(): void;
  /** An outgoing leg could not connect (or, for TLS, shake hands). */
  failed?(error: NodeJS.ErrnoException): void;
  data(bytes: Buffer): void;
  end(how: PeerEnd): void;
  /** The peer reset the connection (rst), or something else went wrong (error). */
  error(kind: 'rst' | 'error', detail: string | null): void;
  close(): void;
}

export interface Leg {
  /** The peer's address, host:port. */
  readonly address: string;
  readonly writableLength: number;
  readonly destroyed: boolean;
  write(bytes: Uint8Array): boolean;
  onceDrain(listener: () => void): void;
  pause(): void;
  resume(): void;
  /** End our sending side the way the other side's peer ended its own. */
  end(how: PeerEnd): void;
  resetAndDestroy(): void;
  destroy(): void;
}

export type Connect = (origin: Origin, handlers: LegHandlers) => Leg;

/** How long an RST waits for relayed bytes to reach the kernel before it is sent anyway. */
const RESET_FLUSH_MS = 2000;

/**
 * Reset a leg once the bytes written to it are handed to the kernel (an RST sent at once
 * would drop them, and the peer would see less than was relayed), or at once when `now`.
 */
export function resetOnceFlushed(leg: Leg, now: boolean, sent: () => void): void {
  const send = () => {
    if (leg.destroyed) return;
    leg.resetAndDestroy();
    sent();
  };
  if (now || leg.writableLength === 0) return send();
  const timer = setTimeout(send, RESET_FLUSH_MS);
  leg.onceDrain(() => {
    clearTimeout(timer);
    send();
  });
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

export function errorKind(error: NodeJS.ErrnoException): { kind: 'rst' | 'error'; detail: string | null } {
  if (RESET_CODES.has(error.code ?? '')) return { kind: 'rst', detail: null };
  return { kind: 'error', detail: `${error.code ?? ''} ${error.message}`.trim() };
}

export function socketAddress(socket: net.Socket): string {
  const host = socket.remoteAddress;
  if (!host) return 'unknown';
  return host.includes(':') ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}

/** A plain TCP leg. */
export class TcpLeg implements Leg {
  private connected: boolean;

  private constructor(
    readonly socket: net.Socket,
    handlers: LegHandlers,
    connected: boolean,
  ) {
    this.connected = connected;
    socket.setNoDelay(true);
    socket.on('end', () => handlers.end('fin'));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.connected) return handlers.failed?.(error);
      const { kind, detail } = errorKind(error);
      handlers.error(kind, detail);
    });
    socket.on('close', () => handlers.close());
  }

  /** A connection accepted from a client (allowHalfOpen set by the server). */
  static accept(socket: net.Socket, handlers: LegHandlers): TcpLeg {
    const leg = new TcpLeg(socket, handlers, true);
    socket.on('data', (bytes: Buffer) => handlers.data(bytes));
    return leg;
  }

  /** Connect to an origin; reads grow to 1 MiB while they come back full (read-buffers.ts). */
  static connect(origin: Origin, handlers: LegHandlers): TcpLeg {
    const reads = new ReadBuffers();
    const socket = net.connect({
      host: origin.host,
      port: origin.port,
      allowHalfOpen: true,
      onread: {
        buffer: reads.next,
        callback: (n: number) => {
          handlers.data(reads.took(n));
          return true;
        },
      },
    });
    const leg = new TcpLeg(socket, handlers, false);
    socket.once('close', () => reads.release());
    socket.on('connect', () => {
      leg.connected = true;
      handlers.connect?.();
    });
    return leg;
  }

  get address(): string {
    return socketAddress(this.socket);
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  write(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
  }

  onceDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.socket.destroyed) this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }

  resetAndDestroy(): void {
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Let go of the socket (for TLS interception): no more events reach this leg's handlers. */
  detach(): net.Socket {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.socket.pause();
    return this.socket;
  }
}
