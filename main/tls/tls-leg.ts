// TLS legs: the client's side (Chunkscope is the server, with a leaf of its CA) and the
// origin's side (Chunkscope is the client). Each keeps the TCP socket under its TLS
// socket, through a stream it controls, because Node does not say whether a peer sent
// a close_notify: the TCP FIN is held until TLS has read every byte before it, and TLS
// ending first means a close_notify came. It can end its own side the same three ways
// (close_notify then FIN, a bare FIN, an RST) to mirror the other side.

import type { PeerEnd } from '../../shared/http1';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Origin } from '../proxy/forward-gate';
import { errorKind, socketAddress, type Leg, type LegHandlers } from '../proxy/leg';
import type { CertificateAuthority } from './ca';
import { upstreamTlsError } from './reasons';
import type { TlsSide } from '../../shared/capture';

/** What a handshake settled: SNI, version, cipher, ALPN; upstream also the certificate's verdict. */
export type TlsDetails = TlsSide;

/** The buffers between the TCP socket and TLS, each way. */
const PIPE_BUFFER = 1024 * 1024;

/** How much a TLS leg buffers before it asks the relay to wait ('drain' follows). */
const WRITE_BUFFER = 1024 * 1024;

/** How often to look again whether TLS has taken the bytes before a FIN. */
const SETTLE_MS = 2;

abstract class TlsLeg implements Leg {
  protected readonly pipe: Duplex;
  protected socket!: tls.TLSSocket;
  private target: LegHandlers | null = null;
  /** Events from before the relay attached (data may follow the handshake in the same tick). */
  private kept: ((h: LegHandlers) => void)[] = [];
  /** Deliver to the relay's handlers, or keep for them until they attach. */
  protected readonly handlers: LegHandlers = {
    connect: () => this.deliver((h) => h.connect?.()),
    failed: (error) => this.deliver((h) => h.failed?.(error)),
    data: (bytes) => this.deliver((h) => h.data(bytes)),
    end: (how) => this.deliver((h) => h.end(how)),
    error: (kind, detail) => this.deliver((h) => h.error(kind, detail)),
    close: () => this.deliver((h) => h.close()),
  };
  details: TlsDetails | null = null;
  private peerEnded = false;
  private closed = false;
  private corked = false;
  /** Writes TLS has not yet handed to the TCP socket, and who waits for none to be left. */
  private unwritten = 0;
  private whenWritten: (() => void)[] = [];
  private readonly written = (): void => {
    if (--this.unwritten === 0) for (const then of this.whenWritten.splice(0)) then();
  };

  constructor(protected readonly raw: net.Socket) {
    raw.setNoDelay(true);
    this.pipe = new Duplex({
      // Room for whole socket reads (up to 64 KiB) without pausing after each one.
      readableHighWaterMark: PIPE_BUFFER,
      writableHighWaterMark: PIPE_BUFFER,
      read: () => raw.resume(),
      // Ordering is the socket's own; wait only when it pushes back, not for each record.
      write: (chunk: Buffer, _encoding, callback) => {
        if (raw.destroyed || raw.write(chunk)) return callback();
        raw.once('drain', () => callback());
      },
      writev: (chunks: { chunk: Buffer }[], callback) => {
        if (raw.destroyed) return callback();
        raw.cork();
        let more = true;
        for (const { chunk } of chunks) more = raw.write(chunk);
        raw.uncork();
        if (more) return callback();
        raw.once('drain', () => callback());
      },
      final: (callback) => {
        raw.end();
        callback();
      },
    });
    raw.on('data', (bytes: Buffer) => {
      if (!this.pipe.push(bytes)) raw.pause();
    });
    raw.on('end', () => this.rawFin());
    raw.on('error', (error: NodeJS.ErrnoException) => this.rawError(error));
    raw.on('close', () => this.rawClosed());
  }

  private deliver(event: (h: LegHandlers) => void): void {
    if (this.target) event(this.target);
    else this.kept.push(event);
  }

  /** The relay's handlers: events kept until now are delivered first, in order, on the next microtask. */
  attach(handlers: LegHandlers): void {
    // Not synchronously: the relay calling attach() is still being constructed.
    queueMicrotask(() => {
      for (const event of this.kept.splice(0)) event(handlers);
      this.target = handlers;
    });
  }

  /** Wire the TLS socket's events; subclasses call it once they made the socket. */
  protected wire(socket: tls.TLSSocket): void {
    this.socket = socket;
    socket.on('data', (bytes: Buffer) => this.handlers.data(bytes));
    // TLS ends before the held FIN reaches it only when the peer sent close_notify.
    socket.on('end', () => this.reportEnd('close-notify'));
    socket.on('error', (error: NodeJS.ErrnoException) => this.tlsError(error));
  }

  protected abstract tlsError(error: NodeJS.ErrnoException): void;

  /** The peer's FIN came before the handshake finished. */
  protected abstract finDuringHandshake(): void;

  private rawFin(): void {
    if (this.details === null) return this.finDuringHandshake();
    const settle = () => {
      if (this.pipe.readableLength > 0 && !this.closed) return void setTimeout(settle, SETTLE_MS);
      // One more turn for TLS to decrypt what it just read.
      setImmediate(() => {
        this.reportEnd('fin');
        this.pipe.push(null);
      });
    };
    settle();
  }

  private reportEnd(how: PeerEnd): void {
    if (this.peerEnded) return;
    this.peerEnded = true;
    this.handlers.end(how);
  }

  protected rawError(error: NodeJS.ErrnoException): void {
    const { kind, detail } = errorKind(error);
    this.handlers.error(kind, detail);
  }

  private rawClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    this.handlers.close();
  }

  get address(): string {
    return socketAddress(this.raw);
  }

  get writableLength(): number {
    return (this.socket?.writableLength ?? 0) + this.raw.writableLength;
  }

  get destroyed(): boolean {
    return this.raw.destroyed;
  }

  /** The peer ended or the connection closed (e.g. an origin closing an idle connection). */
  get over(): boolean {
    return this.peerEnded || this.closed || this.raw.destroyed;
  }

  /**
   * Writes of one turn of the event loop go to TLS together, and its records to the
   * socket in one writev: a relayed download arrives as 16 KiB pieces, and a record and
   * a system call for each would cost more than the encryption.
   */
  write(bytes: Uint8Array): boolean {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.unwritten++;
    this.socket.write(bytes, this.written);
    // TLS sockets say "full" past 16 KiB; a relay pausing its reads at every record is slow.
    return this.socket.writableLength < WRITE_BUFFER;
  }

  onceDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    if (!this.raw.destroyed) this.socket?.resume();
  }

  /** close-notify: TLS close_notify, then the FIN. fin: a bare FIN, as when a peer truncates. */
  end(how: PeerEnd): void {
    if (how === 'close-notify') {
      this.socket.end();
      return;
    }
    // Every record written so far is in the TCP socket's hands once its write is done:
    // the FIN goes after them, and no close_notify before it.
    const finish = () => this.raw.end();
    if (this.unwritten === 0) finish();
    else this.whenWritten.push(finish);
  }

  resetAndDestroy(): void {
    this.raw.resetAndDestroy();
    this.socket?.destroy();
  }

  destroy(): void {
    this.socket?.destroy();
    this.raw.destroy();
  }
}

/** The CN of a distinguished name ("CN=feeds.example.test\nO=Example"), else its O. */
function nameIn(dn: string): string | null {
  return /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? /(?:^|\n)O=([^\n]*)/.exec(dn)?.[1] ?? null;
}

export function describeTls(socket: tls.TLSSocket): TlsDetails {
  return {
    sni: (socket as tls.TLSSocket & { servername?: string | false }).servername || null,
    version: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    alpn: socket.alpnProtocol || null,
  };
}

/** The client's side: the proxy is the TLS server, with a leaf for the name asked. */
export class TlsServerLeg extends TlsLeg {
  private readonly handshake: Promise<TlsDetails>;
  private handshakeFailed: (error: NodeJS.ErrnoException) => void = () => {};

  constructor(raw: net.Socket, ca: CertificateAuthority, fallbackHost: string) {
    super(raw);
    raw.pause(); // until the TLS socket is there to read
    this.handshake = ca.leaf(fallbackHost).then(
      (fallback) =>
        new Promise<TlsDetails>((resolve, reject) => {
          const socket = new tls.TLSSocket(this.pipe as unknown as net.Socket, {
            isServer: true,
            secureContext: fallback.context,
            SNICallback: (name, callback) => ca.leaf(name).then((leaf) => callback(null, leaf.context), (error: Error) => callback(error)),
            // http/1.1 only: the framing stays visible; a client does not move to HTTP/2.
            ALPNProtocols: ['http/1.1'],
          });
          this.wire(socket);
          let secure = false;
          this.handshakeFailed = (error) => !secure && reject(error);
          socket.once('secure', () => {
            secure = true;
            this.details = describeTls(socket);
            resolve(this.details);
          });
          const failed = (error: NodeJS.ErrnoException) => !secure && reject(error);
          socket.once('error', failed);
          raw.once('close', () => failed(Object.assign(new Error('the client closed the connection during the TLS handshake'), { code: 'EHANDSHAKECLOSED' })));
          raw.resume();
        }),
    );
  }

  /** Bytes the client sent before the TLS socket existed (right after CONNECT). */
  early(bytes: Uint8Array): void {
    this.pipe.push(bytes);
  }

  ready(): Promise<TlsDetails> {
    return this.handshake;
  }

  protected finDuringHandshake(): void {
    this.handshakeFailed(Object.assign(new Error('the client closed the connection during the TLS handshake'), { code: 'EHANDSHAKECLOSED' }));
  }

  protected tlsError(error: NodeJS.ErrnoException): void {
    if (this.details === null) return; // a handshake failure: ready() rejects
    this.handlers.error('error', `TLS: ${error.message}`);
  }
}

export interface UpstreamTlsOptions {
  /** The name to ask for (SNI) and verify; an IP address is verified without SNI. */
  servername: string;
  /** Accept any certificate (self-signed test origins). */
  insecure: boolean;
  /** A client context with the trusted roots: Node's bundle and the system's (see roots.ts). */
  roots: tls.SecureContext;
}

/** The origin's side: the proxy is the TLS client, offering http/1.1 only. */
export class TlsClientLeg extends TlsLeg {
  private secure = false;

  private constructor(
    raw: net.Socket,
    readonly origin: Origin,
    readonly options: UpstreamTlsOptions,
  ) {
    super(raw);
    // A socket already connected (through a proxy's CONNECT) shakes hands at once.
    if (raw.connecting) raw.once('connect', () => this.handshake());
    else queueMicrotask(() => this.handshake());
  }

  private handshake(): void {
    const { options } = this;
    {
      const ip = net.isIP(options.servername) !== 0;
      const socket = tls.connect({
        socket: this.pipe as unknown as net.Socket,
        servername: ip ? undefined : options.servername,
        host: options.servername,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: !options.insecure,
        secureContext: options.roots,
      });
      this.wire(socket);
      socket.once('secureConnect', () => {
        this.secure = true;
        const peer = socket.getPeerX509Certificate();
        this.details = {
          ...describeTls(socket),
          sni: ip ? null : options.servername,
          authorized: socket.authorized,
          authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
          peer: peer ? `${nameIn(peer.subject) ?? '(no name)'} (issued by ${nameIn(peer.issuer) ?? 'unknown'})` : null,
        };
        this.handlers.connect?.();
      });
    }
  }

  /** TLS over a socket already connected to where the origin is reached (a proxy's CONNECT tunnel). */
  static over(raw: net.Socket, origin: Origin, handlers: LegHandlers, options: UpstreamTlsOptions): TlsClientLeg {
    const leg = new TlsClientLeg(raw, origin, options);
    leg.attach(handlers);
    return leg;
  }

  /** Start connecting; the relay attaches later (events wait for it). */
  static start(origin: Origin, options: UpstreamTlsOptions): TlsClientLeg {
    return new TlsClientLeg(net.connect({ host: origin.host, port: origin.port, allowHalfOpen: true }), origin, options);
  }

  static connect(origin: Origin, handlers: LegHandlers, options: UpstreamTlsOptions): TlsClientLeg {
    const leg = TlsClientLeg.start(origin, options);
    leg.attach(handlers);
    return leg;
  }

  protected finDuringHandshake(): void {
    this.handlers.failed?.(Object.assign(new Error('the origin closed the connection during the TLS handshake'), { code: 'EHANDSHAKECLOSED' }));
    this.raw.destroy();
  }

  protected override rawError(error: NodeJS.ErrnoException): void {
    if (!this.secure) return this.handlers.failed?.(error);
    super.rawError(error);
  }

  protected tlsError(error: NodeJS.ErrnoException): void {
    if (!this.secure) {
      this.handlers.failed?.(upstreamTlsError(error));
      this.raw.destroy();
      return;
    }
    this.handlers.error('error', `TLS: ${error.message}`);
  }
}
