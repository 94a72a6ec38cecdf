// What a client speaks inside a CONNECT tunnel, told by its first byte: a TLS handshake
// record (0x16) is intercepted; anything else (plain HTTP, as undici's ProxyAgent sends by
// default) is relayed as plain HTTP, as an ordinary proxy would; a client that says
// nothing (a protocol where the server speaks first) is relayed after a short wait. The
// bytes read to tell are kept, in order, for whoever takes the tunnel: it gives them on
// before it resumes the socket.

import type net from 'node:net';

export type Speaks = 'tls' | 'plain' | 'nothing-yet' | 'ended' | 'reset';

/** A TLS record of type handshake (RFC 8446 §5.1): how every TLS client starts. */
const TLS_HANDSHAKE = 0x16;

export class FirstBytes {
  /** Bytes the client sent with its CONNECT, then the first read of the socket. */
  private readonly earlyBytes: Uint8Array[] = [];
  private settle: ((speaks: Speaks) => void) | null = null;
  readonly speaks: Promise<Speaks>;
  private stopWatching = () => {};

  constructor(
    private readonly socket: net.Socket,
    /** How long to wait for a first byte before relaying anyway. */
    serverFirstMs: number,
  ) {
    this.speaks = new Promise((resolve) => (this.settle = resolve));
    // The socket has no other owner until this is decided: an RST must not go unheard
    // (an unhandled 'error' would end the process). Whoever takes it listens too.
    socket.on('error', () => this.done('reset'));
    // Decided on the next turn, after the bytes sent with the CONNECT have been given.
    setImmediate(() => {
      if (this.earlyBytes.length > 0) return this.decide(this.earlyBytes[0]![0]!);
      // Flowing mode, paused again at the first read: the next reader resumes it.
      const onData = (chunk: Buffer) => {
        if (chunk.length === 0) return;
        this.earlyBytes.push(chunk);
        this.decide(chunk[0]!);
      };
      const onEnd = () => this.done('ended');
      const timer = setTimeout(() => this.done('nothing-yet'), serverFirstMs);
      socket.on('data', onData);
      socket.once('end', onEnd);
      this.stopWatching = () => {
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeListener('end', onEnd);
      };
      socket.resume();
    });
  }

  /** A byte sent with the CONNECT, before the tunnel was ours. */
  early(bytes: Uint8Array): void {
    if (bytes.length > 0) this.earlyBytes.push(bytes);
  }

  /** The bytes read so far, in order (taken once). */
  takeEarly(): Uint8Array[] {
    return this.earlyBytes.splice(0);
  }

  private decide(first: number): void {
    this.done(first === TLS_HANDSHAKE ? 'tls' : 'plain');
  }

  private done(speaks: Speaks): void {
    this.socket.pause();
    this.stopWatching();
    this.settle?.(speaks);
    this.settle = null;
  }
}
