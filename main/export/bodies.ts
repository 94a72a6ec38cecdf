// The bodies of a connection's messages (chunk data and plain body data, framing
// removed), kept up to a limit per message, and where each message's head ended.
// Fed the parser's events with the piece they came from.

import type { Http1Event } from '../../shared/http1';

export interface CollectedBody {
  pieces: Uint8Array[];
  /** Bytes kept (at most the limit) and bytes the body had. */
  kept: number;
  size: number;
  /** Offset one past the blank line that ended the head. */
  headEnd: number | null;
}

export class BodyCollector {
  readonly bodies: CollectedBody[] = [];

  /** `only`: keep the body of that message alone (the others are counted, not kept). */
  constructor(
    private readonly limit: number,
    private readonly only: number | null = null,
  ) {}

  /** `base`: the stream offset of `piece`'s first byte. */
  add(events: readonly Http1Event[], piece: Uint8Array, base: number): void {
    for (const e of events) {
      if (e.type === 'head-end') this.body(e.message).headEnd = e.offset + e.length;
      if (e.type !== 'chunk-data' && e.type !== 'body-data') continue;
      const body = this.body(e.message);
      body.size += e.length;
      const room = this.only === null || this.only === e.message ? this.limit - body.kept : 0;
      if (room <= 0) continue;
      // Data is never held by the parser: every data span lies in the piece just fed.
      const from = e.offset - base;
      const take = Math.min(room, e.length);
      body.pieces.push(piece.slice(from, from + take));
      body.kept += take;
    }
  }

  of(message: number): CollectedBody {
    return this.bodies[message] ?? { pieces: [], kept: 0, size: 0, headEnd: null };
  }

  private body(message: number): CollectedBody {
    return (this.bodies[message] ??= { pieces: [], kept: 0, size: 0, headEnd: null });
  }
}
