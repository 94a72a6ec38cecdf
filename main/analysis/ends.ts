// How a connection's close records read as a story: who ended which side, in order,
// which ends Chunkscope only passed on (mirrored), and which came in answer to the
// other side's. The capture marks each close `by` the peer or the proxy; the rest
// follows from their order.

import type { AccountEnd } from '../../shared/account';
import type { CloseRecord } from '../../shared/capture';

export function accountEnds(closes: readonly CloseRecord[], tls: boolean): AccountEnd[] {
  const out: AccountEnd[] = [];
  // Whether each side's peer has ended by now, and whether an end was passed on to it.
  const peerEnded = { client: false, upstream: false };
  for (const c of closes) {
    if (c.kind === 'open') continue;
    const other = c.side === 'client' ? 'upstream' : 'client';
    const who = c.by === 'proxy' ? 'proxy' : c.side === 'client' ? 'client' : 'server';
    out.push({
      side: c.side,
      who,
      how: c.kind,
      at: c.at,
      // Chunkscope ends a side after the other side's peer ended: it passes that end on.
      mirrored: c.by === 'proxy' && peerEnded[other],
      truncation: tls && c.kind === 'fin',
      answered: c.by === 'peer' && peerEnded[other],
      detail: c.detail,
    });
    if (c.by === 'peer') peerEnded[c.side] = true;
  }
  return out;
}

/** The end that started it: the first that was not a mirror of another. */
export function firstEnd(ends: readonly AccountEnd[]): AccountEnd | null {
  return ends.find((e) => !e.mirrored) ?? null;
}

/** The first end by the other peer after `first`: "the server closed after it". */
export function answerTo(ends: readonly AccountEnd[], first: AccountEnd): AccountEnd | null {
  const otherPeer = first.who === 'client' ? 'server' : first.who === 'server' ? 'client' : null;
  return ends.find((e) => e !== first && e.who === otherPeer && e.at >= first.at) ?? null;
}
