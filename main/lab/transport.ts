// The lab's connection to one client: plain TCP, or TLS over it (`chunkscope probe
// --https`). The HTTP bytes go through `stream`; how the client ended its side (FIN or
// RST) shows on `tcp`, which TLS never hides: Node's TLS socket reads the TCP socket
// through a stream the lab feeds (as main/tls/tls-leg.ts does), not the socket itself.

import type net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { opensslWords } from '../tls/reasons';

export interface LabSocket {
  /** Where the HTTP bytes are read and written: the TCP socket, or the TLS socket over it. */
  stream: net.Socket;
  tcp: net.Socket;
  /** A clean end after what was written: a FIN (inside TLS: close_notify, then the FIN). */
  fin(): void;
  /** An RST now. */
  rst(): void;
  /** Inside TLS: resolves with the reason if the handshake fails, never otherwise. */
  handshakeFailure: Promise<string>;
}

const never = new Promise<string>(() => {});

export function plainSocket(tcp: net.Socket): LabSocket {
  return { stream: tcp, tcp, fin: () => tcp.end(), rst: () => tcp.resetAndDestroy(), handshakeFailure: never };
}

export function tlsSocket(tcp: net.Socket, context: tls.SecureContext): LabSocket {
  const pipe = new Duplex({
    read: () => tcp.resume(),
    write: (bytes: Buffer, _encoding, callback) => {
      if (tcp.destroyed || tcp.write(bytes)) return callback();
      tcp.once('drain', () => callback());
    },
    final: (callback) => {
      tcp.end();
      callback();
    },
  });
  tcp.on('data', (bytes: Buffer) => {
    if (!pipe.push(bytes)) tcp.pause();
  });
  tcp.on('end', () => pipe.push(null));
  const stream = new tls.TLSSocket(pipe as unknown as net.Socket, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
  tcp.on('close', () => {
    stream.destroy();
    pipe.destroy();
  });
  // TLS failed (a handshake the client broke off, bytes that are not TLS): the TLS socket is
  // destroyed, and the TCP connection under it must go too. After a clean end the FIN is
  // on its way already.
  stream.on('close', () => {
    if (!tcp.writableEnded) tcp.destroy();
  });
  let secure = false;
  stream.once('secure', () => (secure = true));
  const handshakeFailure = new Promise<string>((resolve) => {
    stream.once('error', (error: Error) => {
      // OpenSSL's words without its routine and source line: "tlsv1 alert unknown ca".
      if (!secure) resolve(opensslWords(error.message));
    });
  });
  return {
    stream,
    tcp,
    fin: () => stream.end(),
    rst: () => tcp.resetAndDestroy(),
    handshakeFailure,
  };
}
