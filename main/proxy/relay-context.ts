// What a relay is given by its proxy: where to record, how to reach origins, the rules,
// interception, and what it tells back (activity for stall reports, its end).

import type net from 'node:net';
import type { Rule } from '../../shared/rules';
import type { Stepping } from '../rules/stepping';
import type { ConnectionAnalyzer } from '../analysis/connection';
import type { ClientTag } from '../capture/format';
import type { GateOptions, Origin } from './forward-gate';
import type { Connect } from './leg';
import type { Recorder } from '../analysis/recorder';
import type { ConnectionRelay } from './relay';

/** What a CONNECT hands over to HTTPS interception. */
export interface Handover {
  outer: ConnectionRelay;
  recorder: Recorder;
  socket: net.Socket;
  origin: Origin;
  target: string;
}

export interface Interception {
  /** Whether CONNECT to this target is intercepted (else: an opaque tunnel). */
  wants(target: string): boolean;
  /** Take the client's socket; returns where the client's early bytes go. */
  take(handover: Handover): (bytes: Uint8Array) => void;
}

export interface RelayContext {
  recorder: Recorder;
  /** Bytes moved on a stream, or the connection ended (prompt stall resumption). */
  activity(analyzer: ConnectionAnalyzer, stream?: 0 | 1): void;
  mode: 'forward' | 'reverse';
  /** Reverse mode: where every connection goes. */
  reverse: Origin | null;
  /** How to reach an origin (default: plain TCP). */
  connect?: Connect;
  intercept?: Interception;
  /**
   * Fault and rewrite rules (main/rules). A connection opened while at least one is
   * enabled gets rewriters, and its capture records both sides (streams 2 and 3);
   * without rules the relay is byte-exact and records the client's side only.
   */
  rules?: () => readonly Rule[];
  /** Breakpoints (rules of their own kind): where messages held on this connection are listed and stepped. */
  stepping?: Stepping;
  /** Forward mode: what the gate needs to refuse a request to the proxy itself. */
  gate?: GateOptions;
  /**
   * This connection is the proxy's own, come back to it (a loop): nothing is relayed;
   * each request is answered with this sentence.
   */
  looped?: string;
  /** `serve`: whether an origin is Chunkscope's own UI, whose traffic is relayed but never recorded. */
  isOwnUi?: (origin: Origin) => boolean;
  /** The client Chunkscope launched on this connection (a per-client port, main/clients): recorded as a `client` event. */
  launched?: ClientTag | null;
  closed(relay: ConnectionRelay): void;
}

