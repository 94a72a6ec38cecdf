// Clear asks first when the live session holds exchanges that are not saved: how many,
// where they are on disk until then, and a way to keep them.
import { useEffect, useRef } from 'react';
import { groupDigits, plural } from '../../../shared/words';
import type { SessionTab } from '../../../shared/api';

export function ClearDialog({ live, onSave, onClear, onCancel }: { live: SessionTab; onSave: () => void; onClear: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="overlay" onClick={onCancel}>
      <div
        className="dialog"
        role="alertdialog"
        aria-labelledby="clear-title"
        data-testid="clear-dialog"
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => event.key === 'Escape' && onCancel()}
      >
        <h2 id="clear-title">
          Clear {plural(live.exchanges, 'exchange')}?
        </h2>
        <p data-testid="clear-unsaved">
          {groupDigits(live.unsaved)} of them {live.unsaved === 1 ? 'is' : 'are'} not saved. Until you clear, the live capture is on disk at <code>{live.capturePath}</code>; clearing removes it.
        </p>
        <footer>
          <button type="button" data-testid="clear-save" onClick={onSave}>
            Save first…
          </button>
          <button type="button" className="danger" data-testid="clear-confirm" onClick={onClear}>
            Clear
          </button>
          <button type="button" ref={cancel} data-testid="clear-cancel" onClick={onCancel}>
            Cancel
          </button>
        </footer>
      </div>
    </div>
  );
}
