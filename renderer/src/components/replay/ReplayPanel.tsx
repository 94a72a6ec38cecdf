// Replay from the app: the exchanges chosen (or the whole session) served as a replay
// origin on a loopback port, shown here with its address until it is stopped; and the
// requests chosen sent again, with their original timing or fast, their framing compared.

import { useState } from 'react';
import { plural } from '../../../../shared/words';
import { useApp } from '../../context';
import { inSessionOrder } from '../../store/workbench';
import { useReplayActions } from './use-replay-actions';

/** The exchanges chosen in the list (Ctrl/Shift clicks, or the one selected), in session order. */
export function useChosen(): string[] {
  const chosen = useApp((s) => s.chosen);
  const rows = useApp((s) => s.rows);
  return inSessionOrder(chosen, rows.map((r) => r.id));
}

export function ReplayPanel({ onClose }: { onClose: () => void }) {
  const actions = useReplayActions();
  const origin = useApp((s) => s.session?.replay ?? null);
  const exchanges = useApp((s) => s.rows.length);
  const picked = useChosen();
  const [timing, setTiming] = useState<'original' | 'fast'>('original');
  const [busy, setBusy] = useState(false);
  const run = (work: Promise<void>) => {
    setBusy(true);
    void work.finally(() => setBusy(false));
  };
  return (
    <aside className="rules-panel replay-panel" data-testid="replay-panel" aria-label="Replay">
      <header>
        <h2>Replay</h2>
        <button type="button" className="icon" data-testid="replay-close" aria-label="Close the replay panel" onClick={onClose}>
          ✕
        </button>
      </header>
      <p className="hint">Choose exchanges in the list (Ctrl or ⌘ + click adds one, Shift + click a range), or right-click one.</p>
      <h3>Serve as a replay origin</h3>
      <p className="hint">Captured responses answered again on a loopback port, with the same chunk boundaries, timing and end; the origin is not needed.</p>
      {origin ? (
        <p className="replay-origin" data-testid="replay-origin">
          Serving {plural(origin.exchanges, 'exchange')} at{' '}
          <code data-testid="replay-url">{origin.url}</code> (port {origin.port}){' '}
          <button type="button" data-testid="replay-stop" onClick={actions.stop}>
            Stop
          </button>
        </p>
      ) : null}
      <div className="step-actions">
        <button type="button" data-testid="serve-chosen" disabled={busy || picked.length === 0} onClick={() => run(actions.serve(picked))}>
          Serve {plural(picked.length, 'chosen exchange')}
        </button>
        <button type="button" data-testid="serve-session" disabled={busy || exchanges === 0} onClick={() => run(actions.serve(null))}>
          Serve the session
        </button>
      </div>
      <h3>Send again</h3>
      <p className="hint">Each connection&apos;s requests on a new connection, byte for byte; the framing of each answer compared with the captured one.</p>
      <div className="step-actions">
        <select data-testid="resend-timing" aria-label="Timing" value={timing} onChange={(event) => setTiming(event.target.value as 'original' | 'fast')}>
          <option value="original">original timing</option>
          <option value="fast">fast</option>
        </select>
        <button type="button" data-testid="resend-chosen" disabled={busy || picked.length === 0} onClick={() => run(actions.resend(picked, timing))}>
          Resend {plural(picked.length, 'chosen request')}
        </button>
      </div>
    </aside>
  );
}
