// What the user works on beside the list: the exchanges picked (several, for resending or
// serving them), what the left pane shows (the list, the composer, a resend's framing
// diff), and an exchange to select once the session it is in is shown. Pure parts, so
// tested alone; store.ts wires them in.

import type { ResendResult } from '../../../shared/compose';
import type { PlanCheck } from '../../../shared/compose';

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
  /** The exchanges picked, the one shown in the detail among them. */
  picked: ReadonlySet<string>;
  pane: Pane;
  seed: ComposerSeed;
  resend: ResendShown | null;
  /** Selected once the next reset (another session shown) has come in. */
  selectAfterReset: string | null;
}

export const EMPTY_PICK: ReadonlySet<string> = new Set();

export function emptyWorkbench(): WorkbenchState {
  return { picked: EMPTY_PICK, pane: 'list', seed: { check: null, from: null, nonce: 0 }, resend: null, selectAfterReset: null };
}

/**
 * The pick after a click on `id`: alone; added or taken away (Ctrl/Cmd); or every row from
 * the one shown to it, in the order the list shows (Shift).
 */
export function pickAfter(picked: ReadonlySet<string>, shown: string | null, id: string, how: 'only' | 'toggle' | 'range', order: readonly string[]): ReadonlySet<string> {
  if (how === 'only') return new Set([id]);
  if (how === 'toggle') {
    const next = new Set(picked);
    if (shown) next.add(shown);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }
  const from = shown ? order.indexOf(shown) : -1;
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return new Set([id]);
  return new Set(order.slice(Math.min(from, to), Math.max(from, to) + 1));
}

/** The picked exchanges in session order: what Resend and Serve act on. */
export function pickedInOrder(picked: ReadonlySet<string>, shown: string | null, order: readonly string[]): string[] {
  const all = new Set(picked);
  if (shown) all.add(shown);
  return order.filter((id) => all.has(id));
}
