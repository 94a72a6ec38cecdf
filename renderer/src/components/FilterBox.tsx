// The filter box: its errors under it, each with the part of the filter it is about
// marked, and its help one key away (the ? button, or F1 in the box).
import { useState } from 'react';
import { useApp, useAppStore } from '../context';
import { parseFilter, type FilterError } from '../model/filter';
import { selectFilter } from '../store/store';
import { FilterHelp } from './FilterHelp';
import { focusList } from './use-shortcuts';

/** The filter's text with the part an error is about marked. */
function Where({ text, error }: { text: string; error: FilterError }) {
  const end = Math.min(text.length, error.offset + error.length);
  return (
    <code className="filter-where">
      {text.slice(0, error.offset)}
      <mark>{text.slice(error.offset, end) || ' '}</mark>
      {text.slice(end)}
    </code>
  );
}

export function FilterBox() {
  const store = useAppStore();
  const filter = useApp(selectFilter);
  const [helpOpen, setHelpOpen] = useState(false);
  const { errors } = parseFilter(filter);
  return (
    <div className="filter">
      <input
        data-testid="filter"
        type="search"
        placeholder="Filter: host:x method:POST status:5xx framing:chunked missing-terminator rst …  (/; F1: help)"
        value={filter}
        aria-invalid={errors.length > 0}
        aria-label="Filter"
        aria-describedby={errors.length > 0 ? 'filter-problems' : undefined}
        onChange={(event) => store.getState().setFilter(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'F1') {
            event.preventDefault();
            setHelpOpen(!helpOpen);
          } else if (event.key === 'Escape') {
            // Escape closes the help first; then clears a filter; either way the focus goes back to the list.
            event.preventDefault();
            if (helpOpen) return setHelpOpen(false);
            store.getState().setFilter('');
            focusList();
          }
          if (event.key === 'Enter' || event.key === 'ArrowDown') focusList();
        }}
      />
      <button type="button" className="filter-help-button" data-testid="filter-help-toggle" aria-expanded={helpOpen} aria-label="Filter help" title="The filter's keys and words (F1 in the filter)" onClick={() => setHelpOpen(!helpOpen)}>
        ?
      </button>
      {errors.length > 0 && !helpOpen ? (
        <div className="filter-problem" role="status" id="filter-problems" data-testid="filter-problem">
          {errors.slice(0, 3).map((error, i) => (
            <div key={i} className="filter-error" data-testid="filter-error" data-offset={error.offset}>
              <Where text={filter} error={error} />
              <span>{error.message}</span>
            </div>
          ))}
          {errors.length > 3 ? <div className="filter-more">and {errors.length - 3} more</div> : null}
        </div>
      ) : null}
      {helpOpen ? <FilterHelp onClose={() => setHelpOpen(false)} onPick={(example) => store.getState().setFilter(filter.trim() === '' ? example : `${filter.trimEnd()} ${example}`)} /> : null}
    </div>
  );
}
