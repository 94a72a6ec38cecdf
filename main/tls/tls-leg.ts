// TLS legs: the client's side (Chunkscope is the server, with a leaf of its CA) and the
// origin's side (Chunkscope is the client). Each keeps the TCP socket under its TLS
// socket, through a stream it controls, because Node does not say whether a peer sent
// a close_notify: the TCP FIN is held until TLS has read every byte before it, and TLS
// ending first means a close_notify came. It can end its own side the same three ways
// (close_notify then FIN, a bare FIN, an RST) to mirror the other side.

import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Origin } from '../proxy/forward-gate';
import { errorKind, socketAddress, type Leg, type LegHandlers, type PeerEnd } from '../proxy/leg';
import type { CertificateAuthority } from './ca';
import { upstreamTlsError } from './reasons';

export interface TlsDetails {
  /** The name the client asked for (SNI), or null. */
  sni: string | null;
  version: string | null;
  cipher: string | null;
  alpn: string | null;
  /** Upstream only: whether the origin's certificate verified, and why not. */
  authorized?: boolean;
  authorizationError?: string | null;
  /** Upstream only: the origin certificate's subject and issuer. */
  peer?: string | null;
}

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

  constructor(protected readonly raw: net.Socket) {
    raw.setNoDelay(true);
    this.pipe = new Duplex({
      read: () => raw.resume(),
      write: (chunk: Buffer, _encoding, callback) => {
        if (raw.destroyed) return callback();
        raw.write(chunk, () => callback());
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

  write(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
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
    const finish = () => setImmediate(() => this.raw.end());
    if (this.socket.writableLength === 0) finish();
    else this.socket.once('drain', finish);
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
  /** Trusted roots: Node's bundle and the system's (see roots.ts). */
  roots: string[];
}

/** The origin's side: the proxy is the TLS client, offering http/1.1 only. */
export class TlsClientLeg extends TlsLeg {
  private secure = false;

  private constructor(raw: net.Socket, handlers: LegHandlers, options: UpstreamTlsOptions) {
    super(raw);
    this.attach(handlers);
    raw.once('connect', () => {
      const ip = net.isIP(options.servername) !== 0;
      const socket = tls.connect({
        socket: this.pipe as unknown as net.Socket,
        servername: ip ? undefined : options.servername,
        host: options.servername,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: !options.insecure,
        ca: options.roots,
      });
      this.wire(socket);
      socket.once('secureConnect', () => {
        this.secure = true;
        const peer = socket.getPeerCertificate();
        this.details = {
          ...describeTls(socket),
          sni: ip ? null : options.servername,
          authorized: socket.authorized,
          authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
          peer: peer && peer.subject ? `${peer.subject.CN ?? ''} (issued by ${peer.issuer?.CN ?? peer.issuer?.O ?? 'unknown'})` : null,
        };
        this.handlers.connect?.();
      });
    });
  }

  static connect(origin: Origin, handlers: LegHandlers, options: UpstreamTlsOptions): TlsClientLeg {
    return new TlsClientLeg(net.connect({ host: origin.host, port: origin.port, allowHalfOpen: true }), handlers, options);
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
