// "?": every key of the app in one place.
import { useEffect, useRef } from 'react';
import { MOD } from './use-shortcuts';

/** Where a key works (empty: anywhere), the keys (any of them), and what they do. */
const KEYS: [string, string[], string][] = [
  ['', ['/', 'MOD+F'], 'focus the filter'],
  ['filter', ['F1'], 'the filter’s keys and words (or its ? button)'],
  ['', ['MOD+Shift+F'], 'search headers and bodies (Enter starts it; Enter again, the next match)'],
  ['', ['F3', 'MOD+G'], 'the next match: its exchange, with the match shown in Body or Raw'],
  ['', ['Shift+F3', 'MOD+Shift+G'], 'the previous match'],
  ['', ['Escape'], 'back to the list (from the filter, the detail, a dialog); in the list, close the detail'],
  ['', ['MOD+O'], 'open a capture, HAR or pcap'],
  ['', ['MOD+S'], 'save the session as a capture'],
  ['', ['?'], 'this help'],
  ['list', ['↑', '↓', 'PageUp', 'PageDown', 'Home', 'End'], 'move through the exchanges'],
  ['list', ['Enter'], 'to the detail'],
  ['list', ['MOD+click', 'Shift+click'], 'choose several exchanges, to export them alone (Export selected, under the list), resend them or serve them (Replay)'],
  ['list', ['right-click', 'ContextMenu'], 'copy (URL, headers, a body), Edit and resend, pin, resend, serve as a replay origin, export the exchanges chosen'],
  ['list', ['P'], 'pin or unpin the exchanges chosen (the filter finds them: pinned, comment:)'],
  ['detail', ['[', ']'], 'previous and next chunk, with its bytes (↑ ↓ in the Chunks ledger)'],
  ['Held panel', ['N'], 'release the next chunk of the held message marked'],
  ['Held panel', ['↑', '↓'], 'mark another held message'],
  ['Timeline', ['wheel'], 'zoom at the pointer'],
  ['Timeline', ['drag'], 'zoom to the range dragged across'],
  ['Timeline', ['Shift+wheel'], 'pan (or drag the window of the strip below)'],
  ['Timeline', ['←', '→'], 'previous and next chunk mark, with its facts'],
  ['Timeline', ['0', 'double-click'], 'the whole exchange again'],
  ['Connections', ['Ctrl+wheel'], 'zoom (a plain wheel over the time axis too); Shift+wheel pans'],
  ['Connections', ['double-click'], 'zoom to that lane’s connection; again, or 0, for the whole session'],
];

export function KeysHelp({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);
  return (
    <div className="overlay" onClick={onClose}>
      <div ref={dialog} className="keys-help" role="dialog" aria-label="Keys" data-testid="keys-help" tabIndex={-1} onClick={(event) => event.stopPropagation()}>
        <header>
          <h2>Keys</h2>
          <button type="button" className="icon" onClick={onClose} title="Close (Escape)" aria-label="Close">
            ✕
          </button>
        </header>
        <dl>
          {KEYS.map(([where, keys, what]) => (
            <div key={where + keys.join()}>
              <dt>
                {where ? <span className="keys-where">{where}</span> : null}
                {keys.map((k) => (
                  <kbd key={k}>{k.replace('MOD', MOD)}</kbd>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
