// The filter's help: every key, word and operator (filterHelp, made from the same table
// the filter reads, so it cannot forget one), each with an example a click adds.
import { useEffect, useRef } from 'react';
import { filterHelp } from '../model/filter';

export function FilterHelp({ onClose, onPick }: { onClose: () => void; onPick: (example: string) => void }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (event: PointerEvent) => {
      const target = event.target as HTMLElement;
      if (!root.current?.contains(target) && !target.closest('[data-testid="filter-help-toggle"]')) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose]);
  return (
    <div
      ref={root}
      className="filter-help"
      role="dialog"
      aria-label="Filter help"
      data-testid="filter-help"
      onKeyDown={(event) => {
        if (event.key === 'Escape' || event.key === 'F1') {
          event.preventDefault();
          onClose();
          document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.focus();
        }
      }}
    >
      <header>
        <strong>Filter</strong>
        <span className="hint">terms together: all must match; click an example to add it</span>
        <button type="button" className="icon" onClick={onClose} aria-label="Close the filter help" title="Close (Escape)">
          ✕
        </button>
      </header>
      <dl>
        {filterHelp().map((entry) => (
          <div key={entry.term} data-testid="filter-help-entry">
            <dt>
              <button type="button" className="link" onClick={() => onPick(entry.example)} title={`Add ${entry.example} to the filter`}>
                <code>{entry.example}</code>
              </button>
            </dt>
            <dd>
              <span className="filter-term">{entry.term}</span> {entry.says}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
