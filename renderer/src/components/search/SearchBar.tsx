// Search in headers and bodies: the box (in the toolbar when there is room, else in the
// bar), and the bar under the toolbar with the options, the progress while the engine
// reads the capture, cancel, the previous and next match, and "matches only".
import { useApp, useAppStore } from '../../context';
import { progressRatio, type SearchOptions } from '../../model/search';
import { groupDigits, plural, size } from '../../../../shared/words';
import { focusList } from '../use-shortcuts';
import { useSearch } from './use-search';

export function SearchInput({ testId = 'search' }: { testId?: string }) {
  const store = useAppStore();
  const query = useApp((s) => s.searchQuery);
  const { submit } = useSearch();
  return (
    <input
      data-testid={testId}
      className="search-input"
      type="search"
      placeholder="Search headers and bodies (Ctrl+Shift+F)"
      aria-label="Search headers and bodies"
      value={query}
      onFocus={() => store.getState().setSearchOpen(true)}
      onChange={(event) => store.getState().setSearchQuery(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          submit(event.shiftKey);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          focusList();
        }
      }}
    />
  );
}

const TOGGLES: [keyof SearchOptions, string, string][] = [
  ['headers', 'Headers', 'Search the start lines and headers'],
  ['bodies', 'Bodies', 'Search the bodies'],
  ['sent', 'Sent', 'Bodies as sent: chunk framing removed, Content-Encoding kept'],
  ['decoded', 'Decoded', 'Bodies decoded: gzip, deflate and br removed too'],
  ['regex', '.*', 'A regular expression (or /pattern/flags)'],
  ['matchCase', 'Aa', 'Match case'],
];

function Progress() {
  const run = useApp((s) => s.searchRun);
  const rows = useApp((s) => s.rows.length);
  if (!run) return <span className="search-status">Enter searches the session’s capture; Enter again for the next match</span>;
  if (run.state === 'failed' && run.progress.total === 0) return <span className="search-status bad" data-testid="search-status">{run.error}</span>;
  const found = `${plural(run.matchCount, 'match', 'matches')} in ${plural(run.exchanges, 'exchange')}${rows > 0 ? ` of ${groupDigits(rows)}` : ''}`;
  const read = `${size(run.progress.done)} of ${size(run.progress.total)}`;
  const words =
    run.state === 'running'
      ? `searching: ${read} read (${Math.floor(progressRatio(run) * 100)}%) · ${found} so far`
      : run.state === 'done'
        ? `${found} · ${size(run.progress.total)} searched`
        : `${run.state === 'cancelled' ? 'stopped' : 'failed'} after ${read}: ${run.error ?? ''} · ${found}`;
  const notes = [run.limited, ...run.notes].filter(Boolean).join('\n');
  return (
    <span className={`search-status ${run.state === 'failed' ? 'bad' : ''}`} data-testid="search-status" data-state={run.state} title={notes || undefined}>
      {run.state === 'running' ? <progress value={run.progress.done} max={Math.max(1, run.progress.total)} /> : null}
      {words}
      {notes ? ` · ${plural(run.notes.length + (run.limited ? 1 : 0), 'note')}` : ''}
    </span>
  );
}

export function SearchBar({ withInput }: { withInput: boolean }) {
  const store = useAppStore();
  const open = useApp((s) => s.searchOpen);
  const run = useApp((s) => s.searchRun);
  const options = useApp((s) => s.searchOptions);
  const matchesOnly = useApp((s) => s.matchesOnly);
  const { start, cancel, step } = useSearch();
  if (!open && !run) return null;
  const hasMatches = (run?.matches.length ?? 0) > 0;
  return (
    <div className="search-bar" role="search" data-testid="search-bar">
      {withInput ? <SearchInput testId="search" /> : null}
      <button type="button" data-testid="search-start" onClick={start} title="Search the session's capture (Enter in the box)">
        Search
      </button>
      <span className="search-options" role="group" aria-label="Search options">
        {TOGGLES.map(([key, label, title]) => (
          <button key={key} type="button" className={`toggle ${options[key] ? 'on' : ''}`} aria-pressed={options[key]} data-testid={`search-${key}`} title={title} onClick={() => store.getState().setSearchOptions({ ...options, [key]: !options[key] })}>
            {label}
          </button>
        ))}
      </span>
      <Progress />
      {run?.state === 'running' ? (
        <button type="button" data-testid="search-cancel" onClick={cancel} title="Stop the search (the matches found so far stay)">
          Cancel
        </button>
      ) : null}
      <button type="button" data-testid="match-previous" disabled={!hasMatches} onClick={() => step(-1)} title="Previous match (Shift+F3, Shift+Enter in the box)" aria-label="Previous match">
        ‹
      </button>
      <button type="button" data-testid="match-next" disabled={!hasMatches} onClick={() => step(1)} title="Next match (F3, Enter in the box)" aria-label="Next match">
        ›
      </button>
      <label className="search-only" title="Show only the exchanges with a match">
        <input type="checkbox" data-testid="matches-only" checked={matchesOnly} disabled={!run} onChange={(event) => store.getState().setMatchesOnly(event.target.checked)} /> matches only
      </label>
      <button
        type="button"
        className="icon"
        data-testid="search-close"
        aria-label="Close the search"
        title="Close the search (its marks go)"
        onClick={() => {
          cancel();
          store.getState().clearSearch();
          store.getState().setSearchOpen(false);
        }}
      >
        ✕
      </button>
    </div>
  );
}
