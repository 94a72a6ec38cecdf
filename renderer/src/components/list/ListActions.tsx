// Under the list: Compose (a new request in the composer) and Replay (what to do with the
// exchanges chosen above). The toolbar has no room left for them at common widths; when it
// folds into its menu, the menu holds them too.

import { plural } from '../../../../shared/words';
import { useApp, useAppStore } from '../../context';

export function ListActions() {
  const store = useAppStore();
  const panel = useApp((s) => s.panel);
  const origin = useApp((s) => s.session?.replay ?? null);
  const chosen = useApp((s) => s.chosen.length);
  return (
    <>
      <button type="button" data-testid="list-compose" onClick={() => store.getState().compose(null)} title="Write a request as it is to be sent, its framing included (chunk sizes, extensions, trailers, faults), and send it">
        Compose
      </button>
      <button
        type="button"
        data-testid="list-replay"
        className={origin ? 'on' : ''}
        aria-pressed={panel === 'replay'}
        onClick={() => store.getState().setPanel(panel === 'replay' ? null : 'replay')}
        title={`Serve the exchanges chosen (${plural(chosen, 'exchange')}; Ctrl or Shift + click chooses more) as a replay origin, or send them again and compare their framing${origin ? `; serving at ${origin.url}` : ''}`}
      >
        Replay{origin ? ' ●' : ''}
      </button>
    </>
  );
}
