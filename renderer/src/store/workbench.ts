// What the user works on beside the list: what the left pane shows (the list, the composer,
// a resend's framing diff), the composer's seed, and an exchange to select once the session
// it is in is shown; store.ts wires it in. (The exchanges chosen in the list are the store's
// `chosen`: model/choosing.ts.)

import type { PlanCheck, ResendResult } from '../../../shared/compose';

export type Pane = 'list' | 'composer' | 'resend';

export interface ComposerSeed {
  /** The plan to start from (composeFrom's, for Edit and resend); null: a new request. */
  check: PlanCheck | null;
  /** The exchange it came from, said in the composer. */
  from: string | null;
  /** A new seed each time the composer is opened, so it starts again from it. */
  nonce: number;
}

export interface ResendShown {
  result: ResendResult;
  timing: 'original' | 'fast';
  /** The session the captured exchanges are in (the new ones are in the live session). */
  from: string;
}

export interface WorkbenchState {
  pane: Pane;
  seed: ComposerSeed;
  resend: ResendShown | null;
  /** Selected once the next reset (another session shown) has come in. */
  selectAfterReset: string | null;
}

export function emptyWorkbench(): WorkbenchState {
  return { pane: 'list', seed: { check: null, from: null, nonce: 0 }, resend: null, selectAfterReset: null };
}

/** The exchanges chosen, in session order: what Resend and Serve act on. */
export function inSessionOrder(chosen: readonly string[], order: readonly string[]): string[] {
  const all = new Set(chosen);
  return order.filter((id) => all.has(id));
}
