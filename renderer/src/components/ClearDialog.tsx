// Clear (the live session) and closing a file's tab ask first when the session holds what
// is not saved: exchanges (the live session's, with where they are on disk until then),
// pins and comments; and offer to save first.
import { useEffect, useRef } from 'react';
import { groupDigits, plural } from '../../../shared/words';
import type { SessionTab } from '../../../shared/api';

/** Whether clearing or closing `tab` loses something: then the dialog asks. */
export function hasUnsaved(tab: SessionTab): boolean {
  return tab.unsaved > 0 || tab.unsavedMarks > 0;
}

export function ClearDialog({ live: tab, action = 'clear', onSave, onClear, onCancel }: { live: SessionTab; action?: 'clear' | 'close'; onSave: () => void; onClear: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const marks = tab.unsavedMarks > 0 ? `Pins or comments on ${plural(tab.unsavedMarks, 'exchange')}` : null;
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
        <h2 id="clear-title">{action === 'clear' ? `Clear ${plural(tab.exchanges, 'exchange')}?` : `Close ${tab.title}?`}</h2>
        {tab.unsaved > 0 ? (
          <p data-testid="clear-unsaved">
            {groupDigits(tab.unsaved)} of them {tab.unsaved === 1 ? 'is' : 'are'} not saved. Until you clear, the live capture is on disk at <code>{tab.capturePath}</code>; clearing removes it.
          </p>
        ) : null}
        {marks ? (
          <p data-testid="unsaved-marks">
            {marks} are not saved: {action === 'clear' ? 'clearing' : 'closing'} loses them{action === 'close' ? ' (the file stays as it was)' : ''}.
          </p>
        ) : null}
        <footer>
          <button type="button" data-testid="clear-save" onClick={onSave}>
            Save first…
          </button>
          <button type="button" className="danger" data-testid="clear-confirm" onClick={onClear}>
            {action === 'clear' ? 'Clear' : 'Close'}
          </button>
          <button type="button" ref={cancel} data-testid="clear-cancel" onClick={onCancel}>
            Cancel
          </button>
        </footer>
      </div>
    </div>
  );
}
