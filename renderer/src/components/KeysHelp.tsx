// "?": every key of the app in one place.
import { useEffect, useRef } from 'react';
import { MOD } from './use-shortcuts';

const KEYS: [string, string][] = [
  ['/  or  MOD+F', 'focus the filter'],
  ['Escape', 'back to the list (from the filter, the detail, a dialog); in the list, close the detail'],
  ['↑ ↓  PageUp PageDown  Home End', 'move through the exchanges'],
  ['Enter', 'from the list to the detail'],
  ['MOD+O', 'open a capture, HAR or pcap'],
  ['MOD+S', 'save the session as a capture'],
  ['↑ ↓ in the Chunks ledger,  [ ]  in the detail', 'previous and next chunk, with its bytes'],
  ['Timeline: wheel, drag', 'zoom at the pointer; drag across a range to zoom to it'],
  ['Timeline: Shift+wheel, drag the brush', 'pan'],
  ['Timeline: ← →', 'previous and next chunk mark'],
  ['Timeline: 0 or double-click', 'the whole exchange again'],
  ['Connections: double-click a lane', 'zoom to that connection; double-click or 0 for the whole session'],
  ['?', 'this help'],
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
          {KEYS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys.replaceAll('MOD', MOD)}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
