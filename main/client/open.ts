// Connecting as a client, on the proxy's own legs: plain TCP, or TLS that tells a
// close_notify from a bare FIN, directly or through an HTTP proxy (a CONNECT for https).
// A connection that cannot be made is one sentence, with what to try.

import net from 'node:net';
import type { TlsSide } from '../../shared/capture';
import { TcpLeg, type Leg, type LegHandlers } from '../proxy/leg';
import { trustedRoots, upstreamContext } from '../tls/roots';
import { TlsClientLeg } from '../tls/tls-leg';

export interface OpenOptions {
  url: URL;
  /** Through this HTTP proxy (a Chunkscope proxy, to capture what is sent). */
  proxy?: URL | null;
  /** https: accept any certificate; or trust these PEM roots besides the system's. */
  insecure?: boolean;
  ca?: string[];
  /** Give up connecting (and shaking hands) after this long. */
  timeoutSeconds: number;
}

/** The connection could not be made: why, in words, and the system's code. */
export class CouldNotConnect extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface Opened {
  leg: Leg;
  /** The TLS session, for https. */
  tls: TlsSide | null;
  /** Where it is connected, host:port (the proxy's, through one). */
  address: string;
  /**
   * Our own end, host:port, as a proxy records the client's address (null for TLS straight
   * to a server, where nobody else records it): how the composer finds its connection in
   * the proxy's capture.
   */
  local: string | null;
}

function localAddress(socket: net.Socket | null): string | null {
  if (!socket?.localAddress) return null;
  const host = socket.localAddress;
  return host.includes(':') ? `[${host}]:${socket.localPort}` : `${host}:${socket.localPort}`;
}

export function targetOf(url: URL): { host: string; port: number; secure: boolean } {
  const secure = url.protocol === 'https:';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (secure ? 443 : 80)), secure };
}

/** Why a connection could not be made, in words, with what to try. */
export function connectFailure(error: NodeJS.ErrnoException, where: string, secure: boolean, host: string): CouldNotConnect {
  const code = error.code ?? null;
  const plain: Record<string, string> = {
    ECONNREFUSED: `the connection to ${where} was refused: nothing listens there (is the server running, and on that port?)`,
    ENOTFOUND: `the name ${host} was not found (DNS): check the URL`,
    EAI_AGAIN: `the name ${host} could not be looked up now (DNS did not answer): check the network, or try again`,
    EHOSTUNREACH: `${where} cannot be reached from this machine (no route to the host)`,
    ENETUNREACH: `${where} cannot be reached from this machine (the network is unreachable)`,
    ETIMEDOUT: `${where} did not answer the connection attempt (timed out)`,
    ECONNRESET: `${where} reset the connection before it was established${secure ? ' (during the TLS handshake)' : ''}`,
    EHANDSHAKECLOSED: `${where} closed the connection during the TLS handshake: is it an https server? (for plain HTTP use an http:// URL)`,
  };
  if (code && plain[code]) return new CouldNotConnect(plain[code]!, code);
  if (secure) {
    // The TLS reasons are the proxy's (main/tls/reasons.ts); its hint names the proxy's option.
    const reason = error.message.replace(/\s*\((?:for a test origin, )?(?:run with )?--insecure-upstream\)/, '').replace(/^the TLS handshake with the origin failed: /, '');
    let hint = '';
    if (/wrong version number|packet length too long|unknown protocol/i.test(reason)) hint = '; is it a plain HTTP server? (use an http:// URL)';
    else if (/certificate|authority|self-signed|issuer/.test(reason)) hint = '; for a test server run with --insecure, or trust its root with --ca FILE';
    return new CouldNotConnect(`the TLS handshake with ${where} failed: ${reason}${hint}`, code);
  }
  return new CouldNotConnect(`could not connect to ${where}: ${error.message}`, code);
}

/** Ask an HTTP proxy for a tunnel to `authority`; the socket is the tunnel once it answers 2xx. */
function tunnel(proxy: URL, authority: string, timeoutMs: number): Promise<net.Socket> {
  const { host, port } = targetOf(proxy);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => fail(new CouldNotConnect(`the proxy ${proxy.host} did not answer the CONNECT within ${timeoutMs / 1000} s`, 'ETIMEDOUT')), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      clearTimeout(timer);
      if (!/^HTTP\/1\.[01] 2\d\d/.test(head)) return fail(new CouldNotConnect(`the proxy ${proxy.host} refused CONNECT ${authority}: ${head.split('\r\n')[0]}`, null));
      resolve(socket);
    };
    socket.once('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
    socket.on('data', onData);
    socket.once('error', (error: NodeJS.ErrnoException) => fail(connectFailure(error, `the proxy ${proxy.host}`, false, host)));
  });
}

/**
 * Connect (and shake hands) to `options.url`, or through `options.proxy`; events after that
 * go to `handlers`. Rejects with a CouldNotConnect sentence.
 */
export async function openLeg(options: OpenOptions, handlers: LegHandlers): Promise<Opened> {
  const { host, port, secure } = targetOf(options.url);
  const through = options.proxy ?? null;
  const where = through ? `${options.url.host} (through the proxy ${through.host})` : options.url.host;
  const raw = through && secure ? await tunnel(through, options.url.host, options.timeoutSeconds * 1000) : null;
  const dial = through && !secure ? targetOf(through) : { host, port };
  return new Promise((resolve, reject) => {
    let connected = false;
    let failed = false;
    const fail = (error: CouldNotConnect) => {
      if (connected || failed) return;
      failed = true;
      clearTimeout(timer);
      leg.destroy();
      reject(error);
    };
    const wrapped: LegHandlers = {
      connect: () => {
        if (failed) return;
        connected = true;
        clearTimeout(timer);
        resolve({ leg, tls: leg instanceof TlsClientLeg ? leg.details : null, address: leg.address, local: localAddress(raw ?? (leg instanceof TcpLeg ? leg.socket : null)) });
      },
      failed: (error) => fail(connectFailure(error, where, secure, host)),
      data: (bytes) => handlers.data(bytes),
      end: (how) => connected && handlers.end(how),
      error: (kind, detail) => {
        if (connected) handlers.error(kind, detail);
        else fail(connectFailure(Object.assign(new Error(detail ?? kind), { code: kind === 'rst' ? 'ECONNRESET' : undefined }), where, secure, host));
      },
      close: () => {
        if (connected) handlers.close();
        else fail(new CouldNotConnect(`${where} closed the connection before it was established`, null));
      },
    };
    const tls = { servername: host, insecure: options.insecure === true, roots: upstreamContext(trustedRoots(options.ca ?? [])) };
    const leg: Leg = raw
      ? TlsClientLeg.over(raw, { host, port }, wrapped, tls)
      : secure
        ? TlsClientLeg.connect({ host, port }, wrapped, tls)
        : TcpLeg.connect(dial, wrapped);
    const timer = setTimeout(
      () => fail(new CouldNotConnect(`${where} did not ${secure ? 'finish the TLS handshake' : 'accept the connection'} within ${options.timeoutSeconds} s`, 'ETIMEDOUT')),
      options.timeoutSeconds * 1000,
    );
  });
}
