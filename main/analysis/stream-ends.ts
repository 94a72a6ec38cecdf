// Which of a connection's two streams a close record ends, and whom the sentences blame:
// one mapping for both views of a connection (what the client sent and received, and,
// with rules, what the origin received and sent). A FIN ends the stream its sender sent;
// an RST ends both.

import type { CloseRecord } from '../../shared/capture';
import type { EndKind } from '../../shared/http1';
import type { CaptureEvent } from '../capture/format';
import type { Closer, Ending } from '../http1/sentences';

export interface StreamEndStep {
  /** 0: what the side's client sent; 1: what it received. */
  stream: 0 | 1;
  kind: Exclude<EndKind, 'open'>;
  by: Closer;
  tls: Ending['tls'];
}

type Close = Extract<CaptureEvent, { type: 'close' }>;

/** An end of the stream `sent`, by `by`: and of the other too when it was abrupt (an RST, an error). */
function ends(sent: 0 | 1, close: Close, by: Closer, tls: Ending['tls'] = null): StreamEndStep[] {
  const abrupt = close.kind !== 'fin' && close.kind !== 'close-notify';
  const out: StreamEndStep[] = [{ stream: sent, kind: abrupt ? 'rst' : 'fin', by, tls: abrupt ? null : tls }];
  if (abrupt) out.push({ stream: sent === 0 ? 1 : 0, kind: 'rst', by, tls: null });
  return out;
}

/** Inside TLS a FIN says more: after close_notify it is a clean end, without it a truncation. */
function tlsOf(close: Close, tls: boolean): Ending['tls'] {
  if (!tls || (close.kind !== 'fin' && close.kind !== 'close-notify')) return null;
  return close.kind === 'close-notify' ? 'close-notify' : 'truncation';
}

/**
 * The client's view. Its own end ends what it sent; Chunkscope's end of its connection ends
 * what it received, blamed on `responseBy` (the server it passed on, the client that went
 * first, or Chunkscope itself). An imported connection had no proxy: the server's end is
 * what the client received.
 */
export function clientViewEnds(close: Close, view: { imported: boolean; tls: boolean; responseBy: () => Closer }): StreamEndStep[] {
  const tls = tlsOf(close, view.tls);
  if (close.side === 'upstream') return view.imported ? ends(1, close, view.responseBy(), tls) : [];
  return close.by === 'peer' ? ends(0, close, 'client', tls) : ends(1, close, view.responseBy(), tls);
}

/** The origin's view (with rules, the proxy is its client): the origin's end ends what it sent, Chunkscope's what it received. */
export function originViewEnds(close: Close): StreamEndStep[] {
  return close.by === 'peer' ? ends(1, close, 'server') : ends(0, close, 'client');
}

/**
 * The client ended its side before the server did, and no byte of the server's came after
 * that (`lastServerByte`: seconds since the connection opened).
 */
export function clientWentFirst(closes: readonly CloseRecord[], lastServerByte: number): boolean {
  const client = closes.find((c) => c.side === 'client' && c.by === 'peer' && c.kind !== 'open');
  if (!client) return false;
  const server = closes.find((c) => c.side === 'upstream' && c.by === 'peer' && c.kind !== 'open');
  return (!server || client.at <= server.at) && lastServerByte <= client.at;
}

/**
 * Who ended what the client received. When the client ended its side first and the server
 * sent nothing after that, the server's close only answered the client's (the proxy passed
 * the client's FIN on): the client ended it. Otherwise the server whose end the proxy passed
 * on (an import's server ended it itself), or the proxy on its own.
 */
export function receivedEndedBy(closes: readonly CloseRecord[], imported: boolean, clientFirst: boolean): Closer {
  if (clientFirst) return 'client';
  if (imported) return 'server';
  return closes.some((c) => c.side === 'upstream' && c.by === 'peer') ? 'server' : 'proxy';
}
