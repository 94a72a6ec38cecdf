// HTTPS interception: a CONNECT is answered, TLS is terminated with a leaf of the
// Chunkscope CA for the name asked, and a TLS connection is opened to the origin. The
// decrypted bytes are a connection of their own in the capture (linked to the CONNECT's),
// relayed and mirrored exactly as plain HTTP is; the three TLS ends stay distinct. A
// client that speaks plain HTTP inside its tunnel is relayed as plain HTTP (first-bytes.ts).

import type tls from 'node:tls';
import { globToRegExp } from '../../shared/glob';
import type { CloseKind } from '../capture/format';
import { TcpLeg, type Connect } from '../proxy/leg';
import type { ConnectionRelay, Handover, Interception, RelayContext } from '../proxy/relay';
import { ConnectionRelay as Relay } from '../proxy/relay';
import type { Recorder } from '../analysis/recorder';
import type { CertificateAuthority } from './ca';
import { FirstBytes } from './first-bytes';
import { clientHandshakeFailure } from './reasons';
import { TlsClientLeg, TlsServerLeg } from './tls-leg';

export interface InterceptOptions {
  ca: CertificateAuthority;
  /** Host names (globs: *.example.com) left as opaque tunnels. */
  exclude: string[];
  /** Accept any origin certificate (self-signed test origins). */
  insecureUpstream: boolean;
  /** The client context with the trusted roots (roots.ts), made once. */
  roots: tls.SecureContext;
  /** The proxy's relay context for a recorder, and a way to have it track a relay. */
  context(recorder: Recorder): RelayContext;
  adopt(relay: ConnectionRelay): void;
  /** How long a silent client is waited for before its tunnel is relayed as it is (default SERVER_FIRST_MS). */
  serverFirstMs?: number;
}

/**
 * A TLS or HTTP client speaks at once; a client still silent after this long waits for the
 * server to speak first (SMTP, say): its tunnel is relayed without waiting longer.
 */
export const SERVER_FIRST_MS = 1000;

/** "example.test:443" -> "example.test"; "[::1]:443" -> "::1" */
function hostOf(target: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(target) ?? /^([^:]+)(?::\d+)?$/.exec(target);
  return (m?.[1] ?? target).toLowerCase();
}

export class Interceptor implements Interception {
  private readonly excluded: RegExp[];

  constructor(private readonly options: InterceptOptions) {
    this.excluded = options.exclude.map((glob) => globToRegExp(glob));
  }

  wants(target: string): boolean {
    const host = hostOf(target);
    return !this.excluded.some((pattern) => pattern.test(host));
  }

  take(handover: Handover): (bytes: Uint8Array) => void {
    const first = new FirstBytes(handover.socket, this.options.serverFirstMs ?? SERVER_FIRST_MS);
    let next: (bytes: Uint8Array) => void = (bytes) => first.early(bytes);
    void first.speaks.then((speaks) => {
      const early = first.takeEarly();
      if (speaks === 'tls') {
        const leg = this.interceptTls(handover);
        for (const bytes of early) leg.early(bytes);
        next = (bytes) => leg.early(bytes);
      } else if (speaks === 'ended' || speaks === 'reset') {
        this.endedSilent(handover, speaks === 'reset' ? 'rst' : 'fin');
      } else {
        this.relayPlain(handover, early);
      }
    });
    return (bytes) => next(bytes);
  }

  /**
   * Plain HTTP inside the tunnel (or a protocol whose server speaks first): relayed to the
   * origin over TCP as any connection is, its bytes unchanged, its exchanges parsed.
   */
  private relayPlain({ outer, recorder, socket, origin, target }: Handover, early: Uint8Array[]): void {
    recorder.event(outer.analyzer, { type: 'tunnel', connection: outer.analyzer.number, time: recorder.clock(), target, intercepted: true, inside: 'http' });
    const base = this.options.context(recorder);
    const inner = new Relay((handlers) => {
      const leg = TcpLeg.accept(socket, handlers);
      // Once the relay is whole: what was read to tell HTTP from TLS first, then the socket.
      queueMicrotask(() => {
        for (const bytes of early) handlers.data(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        socket.resume();
      });
      return leg;
    }, {
      ...base,
      mode: 'reverse',
      reverse: origin,
      intercept: undefined,
      launched: outer.launched,
      closed: (relay) => {
        base.closed(relay);
        outer.interceptionEnded(relay.analyzer.closes.map((c) => ({ side: c.side, kind: c.kind, by: c.by, detail: c.detail })));
      },
    });
    this.options.adopt(inner);
  }

  /** The client ended the tunnel before sending a byte: a FIN is answered with ours; an RST ends it. */
  private endedSilent({ outer, socket }: Handover, how: 'fin' | 'rst'): void {
    if (how === 'rst') {
      socket.destroy();
      return outer.interceptionEnded([{ side: 'client', kind: 'rst', by: 'peer', detail: null }]);
    }
    socket.end();
    outer.interceptionEnded([
      { side: 'client', kind: 'fin', by: 'peer', detail: null },
      { side: 'client', kind: 'fin', by: 'proxy', detail: null },
    ]);
  }

  /** TLS inside the tunnel: terminated with a leaf of our CA, and a TLS connection to the origin. */
  private interceptTls({ outer, recorder, socket, origin }: Handover): TlsServerLeg {
    const leg = new TlsServerLeg(socket, this.options.ca, origin.host);
    const upstreamOptions = (servername: string) => ({ servername, insecure: this.options.insecureUpstream, roots: this.options.roots });
    // The origin's connection starts now, alongside the client's handshake, for the name
    // the client asked the proxy for; the client's SNI, if different, gets its own.
    let early: TlsClientLeg | null = TlsClientLeg.start(origin, upstreamOptions(origin.host));
    const dropEarly = () => {
      early?.destroy();
      early = null;
    };
    leg.ready().then(
      (details) => {
        const base = this.options.context(recorder);
        const servername = details.sni ?? origin.host;
        let inner: ConnectionRelay | null = null;
        const connect: Connect = (to, handlers) => {
          const wrapped = {
            ...handlers,
            connect: () => {
              if (inner && upstream.details) recorder.event(inner.analyzer, { type: 'tls', connection: inner.analyzer.number, time: recorder.clock(), side: 'upstream', via: outer.analyzer.number, ...upstream.details });
              handlers.connect?.();
            },
          };
          let upstream: TlsClientLeg;
          // The early connection serves if it is for the same name and origin and still open.
          if (early && !early.over && early.options.servername === servername && early.origin.host === to.host && early.origin.port === to.port) {
            upstream = early;
            early = null;
            upstream.attach(wrapped);
          } else {
            dropEarly();
            upstream = TlsClientLeg.connect(to, wrapped, upstreamOptions(servername));
          }
          return upstream;
        };
        inner = new Relay(
          (handlers) => {
            leg.attach(handlers);
            return leg;
          },
          {
            ...base,
            mode: 'reverse',
            reverse: origin,
            connect,
            intercept: undefined,
            launched: outer.launched,
            closed: (relay) => {
              dropEarly(); // never asked for: the client sent no request
              base.closed(relay);
              // The TCP connection under the TLS session is the CONNECT's: it ended the same way.
              outer.interceptionEnded(relay.analyzer.closes.map((c) => ({ side: c.side, kind: c.kind, by: c.by, detail: c.detail })));
            },
          },
        );
        recorder.event(inner.analyzer, { type: 'tls', connection: inner.analyzer.number, time: recorder.clock(), side: 'client', via: outer.analyzer.number, ...details });
        this.options.adopt(inner);
      },
      (error: NodeJS.ErrnoException) => {
        dropEarly();
        const failure = clientHandshakeFailure(error, origin.host, this.options.ca.spki());
        recorder.event(outer.analyzer, { type: 'tls-failed', connection: outer.analyzer.number, time: recorder.clock(), side: 'client', reason: failure.reason, code: error.code ?? null });
        const kind: CloseKind = error.code === 'ECONNRESET' ? 'rst' : 'fin';
        leg.destroy();
        outer.interceptionEnded([
          { side: 'client', kind, by: 'peer', detail: null },
          ...(kind === 'fin' ? [{ side: 'client' as const, kind: 'fin' as const, by: 'proxy' as const, detail: null }] : []),
        ]);
      },
    );
    return leg;
  }
}
