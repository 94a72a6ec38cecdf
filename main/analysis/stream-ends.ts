// Which of a connection's two streams a close record ends, and whom the sentences blame:
// one mapping for both views of a connection (what the client sent and received, and,
// with rules, what the origin received and sent). A FIN ends the stream its sender sent;
// an RST ends both.

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
