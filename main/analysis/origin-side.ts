// With rules, what the origin received and sent (streams 2 and 3 of a capture) is a
// connection of its own, analysed the same way: the original framing, before the rules
// changed it. Its ends are the upstream connections' close records, held until the
// client's side ends: in forward mode one client connection can go on to another
// origin, and the origin's side then goes on too.

import type { CaptureEvent } from '../capture/format';
import type { ConnectionAnalyzer } from './connection';

type Close = Extract<CaptureEvent, { type: 'close' }>;

export class OriginSide {
  analyzer: ConnectionAnalyzer | null = null;
  private ends: Close[] = [];

  constructor(private readonly open: () => ConnectionAnalyzer) {}

  /** The origin side's analysis, begun with its first byte. */
  get(): ConnectionAnalyzer {
    return (this.analyzer ??= this.open());
  }

  /** Another origin: the earlier one's ends do not end the origin's side. */
  switched(): void {
    this.ends = [];
  }

  upstreamClosed(close: Close): void {
    this.ends.push(close);
  }

  /** The ends held are final: apply them. */
  settle(): void {
    if (!this.analyzer) return;
    for (const close of this.ends) this.analyzer.originEnded(close);
    this.ends = [];
  }
}
