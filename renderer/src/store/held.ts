// Folding the held list of the update batches into what the Held panel shows. Pure, so
// tested alone: the list replaces the one before whenever a batch carries it (a whole
// session does too), and what the timeout released is kept to be said until dismissed.

import type { UpdateBatch } from '../../../shared/api';
import type { HeldMessage, HeldTimedOut } from '../../../shared/breakpoints';

/** A message the timeout released, and when the app heard of it (ms since the epoch). */
export interface ReleasedNote extends HeldTimedOut {
  at: number;
}

export interface HeldState {
  /** What breakpoints hold now, in the order it was held. */
  held: HeldMessage[];
  /** What the timeout released, newest last (at most RELEASED_KEPT). */
  released: ReleasedNote[];
}

/** Notes of the timeout kept at once: older ones go. */
export const RELEASED_KEPT = 5;

export function emptyHeld(): HeldState {
  return { held: [], released: [] };
}

/** The held list after these batches; the same objects when nothing about it changed. */
export function applyHeld(state: HeldState, batches: readonly UpdateBatch[], now: number): HeldState {
  let { held, released } = state;
  for (const batch of batches) {
    if (batch.held) held = batch.held;
    if (batch.heldTimedOut && batch.heldTimedOut.length > 0) released = [...released, ...batch.heldTimedOut.map((t) => ({ ...t, at: now }))].slice(-RELEASED_KEPT);
  }
  return held === state.held && released === state.released ? state : { held, released };
}

