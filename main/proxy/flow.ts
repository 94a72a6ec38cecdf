// Backpressure between the two sides: a leg is paused for as long as any reason holds it
// (the other side's socket is full, the capture catches up, an origin is being switched).

import type { Leg } from './leg';

export class Flow {
  private readonly reasons = new Set<string>();
  constructor(private readonly leg: Leg) {}

  hold(reason: string): void {
    if (this.reasons.size === 0) this.leg.pause();
    this.reasons.add(reason);
  }

  release(reason: string): void {
    if (this.reasons.delete(reason) && this.reasons.size === 0 && !this.leg.destroyed) this.leg.resume();
  }
}
