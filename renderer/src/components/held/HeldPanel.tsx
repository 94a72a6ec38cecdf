// The Held panel: it appears when a breakpoint holds something (or the timeout released
// something, until that is dismissed), under the workspace whichever view or tab is
// shown, since a held client waits for whoever looks. N steps the message marked; ↑ ↓
// mark another.

import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { HeldMessage, StepAction } from '../../../../shared/breakpoints';
import { useApi, useApp, useAppStore } from '../../context';
import { exchangeLabel, heldKey } from '../../model/held';
import type { AppStore } from '../../store/store';
import { selectHeld, selectReleased } from '../../store/store';
import { typing } from '../use-shortcuts';
import { HeldItem } from './HeldItem';
import { ReleaseAfter } from './ReleaseAfter';

/** The time now, again every second while `ticking`: how long each message has been held. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/** Show the exchange in the list: in the live session, whose messages are held (shown first when a file's tab is). */
function useShowExchange(): (id: string) => void {
  const api = useApi();
  const store = useAppStore();
  return useCallback(
    (id: string) => {
      const state = store.getState();
      state.setView('sessions');
      if (state.session?.current === 'live') return state.select(id);
      void api.selectSession({ id: 'live' }).then(() => selectOnceListed(store, id));
    },
    [api, store],
  );
}

/** Select `id` once the live session's rows (sent whole after a change of tab) list it; given up if another tab is shown first. */
function selectOnceListed(store: AppStore, id: string): void {
  let shown = false;
  const look = () => {
    const state = store.getState();
    const live = state.session?.current === 'live';
    if (live && state.index.has(id)) state.select(id);
    else if (!(shown && !live)) return false;
    stop();
    return true;
  };
  const stop = store.subscribe(() => {
    shown ||= store.getState().session?.current === 'live';
    look();
  });
  look();
}

export function HeldPanel() {
  const api = useApi();
  const store = useAppStore();
  const held = useApp(selectHeld);
  const released = useApp(selectReleased);
  const now = useNow(held.length > 0);
  const show = useShowExchange();
  const [marked, setMarked] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const focused = held.find((h) => heldKey(h) === marked) ?? held[0] ?? null;

  const step = useCallback(
    async (target: HeldMessage, action: StepAction): Promise<boolean> => {
      const key = heldKey(target);
      try {
        await api.step({ id: target.id, direction: target.direction, ...action });
        setErrors(({ [key]: _, ...rest }) => rest);
        return true;
      } catch (error) {
        setErrors((all) => ({ ...all, [key]: error instanceof Error ? error.message : String(error) }));
        return false;
      }
    },
    [api],
  );

  if (held.length === 0 && released.length === 0) return null;

  const onKeyDown = (event: KeyboardEvent) => {
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey || !focused) return;
    const at = held.indexOf(focused);
    if (event.key === 'n' || event.key === 'N') {
      event.preventDefault();
      void step(focused, { action: 'next' });
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = held[Math.max(0, Math.min(held.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))]!;
      setMarked(heldKey(next));
    }
  };

  return (
    <section className="held-panel" data-testid="held-panel" aria-label="Held at breakpoints" tabIndex={0} onKeyDown={onKeyDown}>
      <header>
        <h2 data-testid="held-count">{held.length > 0 ? `Held at breakpoints (${held.length})` : 'Nothing held'}</h2>
        {held.length > 0 ? <span className="hint">N: next chunk of the one marked · ↑ ↓ mark another</span> : null}
        <ReleaseAfter testId="held-release-after" />
      </header>
      {held.length > 0 ? (
        <ul className="held-list">
          {held.map((h) => {
            const key = heldKey(h);
            return (
              <HeldItem
                key={key}
                held={h}
                now={now}
                focused={h === focused}
                error={errors[key] ?? null}
                onFocus={() => setMarked(key)}
                onStep={(action) => step(h, action)}
                onShow={() => show(h.id)}
              />
            );
          })}
        </ul>
      ) : null}
      {released.length > 0 ? (
        <div className="held-released" role="status">
          <ul>
            {released.map((r) => (
              <li key={`${heldKey(r)}@${r.at}`} data-testid="held-released">
                {exchangeLabel(r.id)} {r.direction}: {r.effect}
              </li>
            ))}
          </ul>
          <button type="button" className="link" data-testid="held-released-dismiss" onClick={() => store.getState().dismissReleased()}>
            dismiss
          </button>
        </div>
      ) : null}
    </section>
  );
}
