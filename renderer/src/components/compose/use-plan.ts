// The composer's plan and its text kept in step through the engine, which alone reads and
// writes the text form (main/compose): a change in the form is written as text
// (formatPlan); text typed is read (parsePlan) a moment after the typing stops, and its
// mistake is kept with its line while the form keeps the last plan that read.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { PlanCheck } from '../../../../shared/compose';
import type { ConnectionPlan } from '../../../../shared/plan';
import { useApi } from '../../context';

/** Typing pauses this long before the text is read. */
const READ_AFTER_MS = 250;

export interface PlanState {
  /** The plan the form shows: the text's, or the last one that read. */
  plan: ConnectionPlan;
  text: string;
  /** What the engine said of the plan: the faults it sends on purpose, its bytes and requests. */
  check: PlanCheck | null;
  /** The text's mistake, at its line; null when the text reads. */
  textError: PlanCheck['error'];
  /** The engine refused a plan (a bound passed) or could not be reached. */
  problem: string | null;
}

export interface PlanModel extends PlanState {
  setPlan(update: (plan: ConnectionPlan) => ConnectionPlan): void;
  setText(text: string): void;
  /** The plan of the text as it stands (read now if typing had not stopped); null when it has a mistake. */
  settled(): Promise<ConnectionPlan | null>;
  /** The state as of the last change, for keeping a draft when the composer goes. */
  latest: { readonly current: PlanState };
}

export function usePlan(initial: { plan: ConnectionPlan; check: PlanCheck | null }): PlanModel {
  const api = useApi();
  // A draft kept while the composer was out of sight may hold text with a mistake (its error).
  const [state, setState] = useState<PlanState>({ plan: initial.plan, text: initial.check?.text ?? '', check: initial.check, textError: initial.check?.error ?? null, problem: null });
  const latest = useRef(state);
  latest.current = state;
  // Each request numbered: an answer to an older one is dropped.
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reading = useRef<Promise<void> | null>(null);

  const write = useCallback(
    (plan: ConnectionPlan) => {
      const n = ++asked.current;
      api.formatPlan({ plan }).then(
        (check) => n === asked.current && setState((s) => ({ ...s, text: check.text, check, textError: null, problem: check.error?.reason ?? null })),
        (error: Error) => n === asked.current && setState((s) => ({ ...s, problem: error.message })),
      );
    },
    [api],
  );

  // A new composer has a plan and no text yet: the engine writes it (once: `initial` is the composer's seed).
  const seeded = useRef(initial);
  useEffect(() => {
    if (!seeded.current.check) write(seeded.current.plan);
  }, [write]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const read = useCallback((): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const n = ++asked.current;
    const text = latest.current.text;
    const done = api.parsePlan({ text }).then(
      (check) => {
        if (n !== asked.current) return;
        setState((s) => (check.plan ? { ...s, plan: check.plan, check, textError: null, problem: null } : { ...s, textError: check.error, problem: null }));
        latest.current = check.plan ? { ...latest.current, plan: check.plan, textError: null } : { ...latest.current, textError: check.error };
      },
      (error: Error) => {
        if (n === asked.current) setState((s) => ({ ...s, problem: error.message }));
      },
    );
    reading.current = done;
    return done;
  }, [api]);

  const setPlan = useCallback(
    (update: (plan: ConnectionPlan) => ConnectionPlan) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const plan = update(latest.current.plan);
      latest.current = { ...latest.current, plan, textError: null };
      setState((s) => ({ ...s, plan, textError: null }));
      write(plan);
    },
    [write],
  );

  const setText = useCallback(
    (text: string) => {
      // What is typed wins over a text the engine was still writing for an earlier form change.
      asked.current++;
      latest.current = { ...latest.current, text };
      setState((s) => ({ ...s, text }));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void read(), READ_AFTER_MS);
    },
    [read],
  );

  const settled = useCallback(async (): Promise<ConnectionPlan | null> => {
    if (timer.current) await read();
    else if (reading.current) await reading.current;
    return latest.current.textError ? null : latest.current.plan;
  }, [read]);

  return { ...state, setPlan, setText, settled, latest };
}
