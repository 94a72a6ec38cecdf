// How a relayed connection ends, decided without a socket (sans-IO, as mitmproxy's
// proxy/layers/tcp.py): events in (a peer's FIN or RST, a socket closing, the origin
// connecting), commands out (end a side the same way, reset it once what was relayed is
// flushed, record a close, finish). The relay only carries the commands out on its legs,
// so "FIN stays FIN, RST stays RST, a half-close stays a half-close" is decided here once,
// and tested as playbooks (ends.test.ts).

import type { PeerEnd } from '../../shared/http1';
import type { CloseKind } from '../capture/format';

export type Side = 'client' | 'upstream';

export type EndCommand =
  /** Send our FIN (after close_notify on TLS, when `how` says so) to that side. */
  | { do: 'end'; side: Side; how: PeerEnd }
  /** Send an RST to that side once the bytes relayed to it are flushed; then call resetSent. */
  | { do: 'reset'; side: Side }
  /** Let go of that side's socket (it is of no more use). */
  | { do: 'destroy'; side: Side }
  /** Write that side's end into the capture. */
  | { do: 'record'; side: Side; kind: CloseKind; by: 'peer' | 'proxy'; detail: string | null }
  /** Both sides are over: the relay is done. */
  | { do: 'finished' };

interface SideState {
  /** Its peer may still send (no FIN or RST from it yet). */
  canRead: boolean;
  /** We may still send to it (no FIN or RST from us yet, and it is not gone). */
  canWrite: boolean;
  /** Its socket is closed or destroyed. */
  gone: boolean;
}

const open = (): SideState => ({ canRead: true, canWrite: true, gone: false });

export class EndMirror {
  readonly client: SideState = open();
  readonly upstream: SideState & { exists: boolean; connected: boolean } = { ...open(), exists: false, connected: false };
  /** How the client ended while the origin was still connecting: passed on once it connects. */
  private clientEnd: PeerEnd | null = null;
  private done = false;

  private side(side: Side): SideState {
    return side === 'client' ? this.client : this.upstream;
  }

  // ---- the origin's connection -------------------------------------------------------

  /** A connection to an origin is being made (a first one, or another origin's in forward mode). */
  connecting(): void {
    Object.assign(this.upstream, open(), { exists: true, connected: false });
  }

  /** The origin is connected: an end of the client's that came meanwhile goes on now. */
  connected(): EndCommand[] {
    this.upstream.connected = true;
    return this.clientEnd ? this.end('upstream', this.clientEnd) : [];
  }

  /** The origin could not be reached: there is no upstream side any more. */
  connectFailed(): EndCommand[] {
    Object.assign(this.upstream, { canRead: false, canWrite: false, gone: true, exists: false, connected: false });
    return this.finishing();
  }

  // ---- what the peers do --------------------------------------------------------------

  /**
   * A peer sent its FIN (or close_notify, then FIN). It is passed on to the other side, as
   * a half-close: that side may go on sending. `mirror` false leaves the passing on to the
   * caller (the rules pass it on when their queue is through: the response rules end the
   * client's side, the request rules call toOrigin).
   */
  peerEnded(side: Side, how: PeerEnd, mirror = true): EndCommand[] {
    const s = this.side(side);
    s.canRead = false;
    const out: EndCommand[] = [{ do: 'record', side, kind: how, by: 'peer', detail: null }];
    if (mirror) out.push(...(side === 'client' ? this.toOrigin(how) : this.end('client', how)));
    return [...out, ...this.finishing()];
  }

  /** The client's end (or a rule's FIN) goes to the origin: now, or once it connected and got what came before. */
  toOrigin(how: PeerEnd): EndCommand[] {
    if (this.upstream.connected) return this.end('upstream', how);
    if (this.upstream.exists && !this.upstream.gone) {
      this.clientEnd = how; // connecting: later
      return [];
    }
    // Nobody to tell (no request yet, or answered here): end the client's side too.
    return this.client.canRead ? [] : this.end('client', 'fin');
  }

  /** A peer reset its connection (or it failed): the other side gets an RST, once flushed. */
  peerReset(side: Side, kind: 'rst' | 'error', detail: string | null, mirror = true): EndCommand[] {
    const s = this.side(side);
    if (s.gone) return [];
    Object.assign(s, { canRead: false, canWrite: false, gone: true });
    const out: EndCommand[] = [{ do: 'record', side, kind, by: 'peer', detail }, { do: 'destroy', side }];
    const other = side === 'client' ? 'upstream' : 'client';
    if (mirror && this.live(other)) out.push({ do: 'reset', side: other });
    return [...out, ...this.finishing()];
  }

  /** A side's socket closed (after both FINs, or destroyed). */
  closed(side: Side): EndCommand[] {
    const s = this.side(side);
    if (s.gone && side === 'upstream') return this.finishing();
    Object.assign(s, { canRead: false, canWrite: false, gone: true });
    const out: EndCommand[] = [];
    // The client left while the origin was still connecting: that connection is of no use.
    if (side === 'client' && this.upstream.exists && !this.upstream.connected && !this.upstream.gone) {
      Object.assign(this.upstream, { canRead: false, canWrite: false, gone: true });
      out.push({ do: 'destroy', side: 'upstream' });
    }
    return [...out, ...this.finishing()];
  }

  // ---- what Chunkscope decides -------------------------------------------------------

  /** End our side to `side` (a FIN, or close_notify then FIN): once, and only while it can be written. */
  end(side: Side, how: PeerEnd, detail: string | null = null): EndCommand[] {
    const s = this.side(side);
    if (!s.canWrite || s.gone || (side === 'upstream' && !this.upstream.exists)) return [];
    s.canWrite = false;
    return [
      { do: 'end', side, how },
      { do: 'record', side, kind: how, by: 'proxy', detail },
    ];
  }

  /** Reset a side (a rule's fault, or a reset passed on): sent once its queue is flushed. */
  reset(side: Side): EndCommand[] {
    return this.live(side) ? [{ do: 'reset', side }] : [];
  }

  /** The RST asked for went out. */
  resetSent(side: Side): EndCommand[] {
    const s = this.side(side);
    if (s.gone) return [];
    Object.assign(s, { canRead: false, canWrite: false, gone: true });
    return [{ do: 'record', side, kind: 'rst', by: 'proxy', detail: null }, ...this.finishing()];
  }

  /** Chunkscope answered the client itself (a 502, a 508): close both sides after it. */
  answered(): EndCommand[] {
    const out = this.end('client', 'fin');
    if (this.upstream.connected) out.push(...this.end('upstream', 'fin'));
    return out;
  }

  /** The intercepted session's TCP ends are this connection's too: both sides are over. */
  handedOverEnded(): EndCommand[] {
    for (const s of [this.client, this.upstream]) Object.assign(s, { canRead: false, canWrite: false, gone: true });
    return this.finishing();
  }

  /** The proxy stops: what is still open is recorded as open, and both sides let go. */
  shutdown(): EndCommand[] {
    if (this.done) return [];
    const out: EndCommand[] = [];
    if (!this.client.gone) out.push({ do: 'record', side: 'client', kind: 'open', by: 'peer', detail: null });
    if (this.upstream.exists && !this.upstream.gone) out.push({ do: 'record', side: 'upstream', kind: 'open', by: 'peer', detail: null }, { do: 'destroy', side: 'upstream' });
    return out;
  }

  /** Whether a side's socket is still there to act on. */
  live(side: Side): boolean {
    return !this.side(side).gone && (side === 'client' || this.upstream.exists);
  }

  get finished(): boolean {
    return this.done;
  }

  private finishing(): EndCommand[] {
    if (this.done || !this.client.gone || (this.upstream.exists && !this.upstream.gone)) return [];
    this.done = true;
    return [{ do: 'finished' }];
  }
}
