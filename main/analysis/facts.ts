// What a connection's capture events state as facts, noted as they come: the origins it
// went to, TLS on each side, a CONNECT tunnel, rules and rewrites, an import's origin.
// The analysis of bytes and ends (connection.ts) builds on these.

import type { ConnectionReport, RuleRecord, TlsReport } from '../../shared/capture';
import type { LaunchedClient } from '../../shared/clients';
import type { CaptureEvent, ImportedEvent } from '../capture/format';

export class ConnectionFacts {
  readonly upstreams: ConnectionReport['upstreams'] = [];
  readonly rewrites: ConnectionReport['rewrites'] = [];
  upstreamFailure: ConnectionReport['upstreamFailure'] = null;
  /** Changes made by rules, in order. */
  readonly rules: RuleRecord[] = [];
  tunnel: ConnectionReport['tunnel'] = null;
  tls: TlsReport | null = null;
  /** Imported (a HAR, a packet capture), not seen through the proxy. */
  imported: ImportedEvent | null = null;
  /** The client Chunkscope launched that opened it (`chunkscope run`, a browser, a probe): its `client` event. */
  clientTag: LaunchedClient | null = null;
  /**
   * Chunkscope is the client: `check`, `replay --to` and Try it say so when they analyse; a
   * capture says so of the composer's connections (a `client` event of `launched: 'chunkscope'`).
   */
  clientIsChunkscope = false;

  /**
   * Forget the rewrites and rules of the exchanges a live analysis let go: those before
   * request byte `offset` and exchange #`exchange` (a forward proxy rewrites the target of
   * every request; connection.ts release).
   */
  protected forgetFactsBefore(offset: number, exchange: number): void {
    let gone = 0;
    while (gone < this.rewrites.length && this.rewrites[gone]!.offset < offset) gone++;
    this.rewrites.splice(0, gone);
    // Rules are noted as they act, not in exchange order.
    let kept = 0;
    for (const r of this.rules) if (r.exchange >= exchange) this.rules[kept++] = r;
    this.rules.length = kept;
  }

  /**
   * Notes an event that states a fact, `at` seconds since the connection opened; false
   * for the events the analysis acts on (a close).
   */
  protected noteFact(event: CaptureEvent, at: number): boolean {
    switch (event.type) {
      case 'upstream':
        this.upstreams.push({ address: event.upstream, target: event.target, at });
        return true;
      case 'upstream-failed':
        this.upstreamFailure = { target: event.target, reason: event.reason, at };
        return true;
      case 'rewrite':
        this.rewrites.push({ offset: event.offset, length: event.length, replacement: event.replacement, reason: event.reason });
        return true;
      case 'tunnel':
        this.tunnel = { target: event.target, intercepted: event.intercepted, ...(event.inside ? { inside: event.inside } : {}), at };
        return true;
      case 'tls': {
        const { type: _type, connection: _connection, time: _time, side, via, ...fields } = event;
        this.tls ??= { via: null, client: null, upstream: null, failure: null };
        this.tls.via = via;
        this.tls[side] = fields;
        return true;
      }
      case 'tls-failed':
        this.tls ??= { via: null, client: null, upstream: null, failure: null };
        this.tls.failure = { side: event.side, reason: event.reason };
        return true;
      case 'imported':
        this.imported = event;
        return true;
      case 'client':
        this.clientTag = { launched: event.launched, tag: event.tag };
        if (event.launched === 'chunkscope') this.clientIsChunkscope = true;
        return true;
      case 'rule':
        this.rules.push({ direction: event.direction, exchange: event.exchange, rule: event.rule, effect: event.effect, at });
        return true;
      default:
        return false;
    }
  }
}
