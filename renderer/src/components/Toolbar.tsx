import { useApi, useApp, useAppStore } from '../context';
import { parseFilter } from '../model/filter';
import { selectFilter, selectSession, selectView } from '../store/store';
import { useState } from 'react';
import { useCaptureFiles } from './use-capture-files';

/** Body sizes a HAR may keep (beyond, bodies are cut and marked _truncated). */
const HAR_BODY_LIMITS: [number, string][] = [
  [64 * 1024, 'bodies ≤ 64 KiB'],
  [1024 * 1024, 'bodies ≤ 1 MiB'],
  [16 * 1024 * 1024, 'bodies ≤ 16 MiB'],
  [256 * 1024 * 1024, 'bodies ≤ 256 MiB'],
];

export function Toolbar() {
  const api = useApi();
  const store = useAppStore();
  const session = useApp(selectSession);
  const view = useApp(selectView);
  const filter = useApp(selectFilter);
  const { openFile, openDialog, save, saveHar } = useCaptureFiles();
  const problems = parseFilter(filter).problems;
  const capturing = session?.capturing ?? false;
  const rulesOpen = useApp((s) => s.rulesOpen);
  const activeRules = (session?.rules ?? []).filter((r) => r.enabled).length;
  const [trying, setTrying] = useState(false);
  const [harMaxBody, setHarMaxBody] = useState(1024 * 1024);
  const tryLab = () => {
    setTrying(true);
    store.getState().notify('Try it: sending the lab scenarios through the proxy…');
    api.tryLab().then(
      (result) => store.getState().notify(`Try it: ${result.requests.length} scenarios from the lab at ${result.lab}`),
      (error: Error) => store.getState().notify(`Try it: ${error.message}`),
    ).finally(() => setTrying(false));
  };

  return (
    <header className="toolbar">
      <span className="brand">Chunkscope</span>
      <button type="button" data-testid="capture-toggle" className={capturing ? 'on' : ''} onClick={() => void api.setCapturing({ on: !capturing })} title="Start or stop recording traffic through the proxy">
        {capturing ? '■ Stop capture' : '● Start capture'}
      </button>
      <button type="button" data-testid="clear" onClick={() => void api.clear()} title="Remove every exchange shown and start a new session">
        Clear
      </button>
      <button type="button" data-testid="open" onClick={() => void openDialog()}>
        Open…
      </button>
      <button type="button" data-testid="save" onClick={() => void save()}>
        Save
      </button>
      <span className="har">
        <button type="button" data-testid="save-har" onClick={() => void saveHar(harMaxBody)} title="Save the session as HAR 1.2, with each chunk's size token and times, the last chunk and the connection in extension fields">
          Save as HAR
        </button>
        <select data-testid="har-max-body" aria-label="HAR: bodies up to" value={harMaxBody} onChange={(event) => setHarMaxBody(Number(event.target.value))} title="Bodies longer than this are cut in the HAR, and the HAR says so (_truncated)">
          {HAR_BODY_LIMITS.map(([bytes, label]) => (
            <option key={bytes} value={bytes}>
              {label}
            </option>
          ))}
        </select>
      </span>
      <button
        type="button"
        data-testid="rules-toggle"
        className={activeRules > 0 ? 'on' : ''}
        aria-pressed={rulesOpen}
        onClick={() => store.getState().setRulesOpen(!rulesOpen)}
        title="Faults and rewrites on the live proxy (drop the last chunk, stall, reset, re-chunk, de-chunk requests…)"
      >
        Rules{activeRules > 0 ? ` (${activeRules})` : ''}
      </button>
      {session?.proxy && session.mode === 'forward' && !session.viewing ? (
        <button type="button" data-testid="try-lab" disabled={trying} onClick={tryLab} title="Start the built-in lab server and send its scenarios (a feed, server-sent events, a missing last chunk, a reset, a stall, malformed framing, the IIS 6 reset) through the proxy">
          {trying ? 'Trying…' : 'Try it'}
        </button>
      ) : null}
      <input
        type="file"
        data-testid="open-file"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void openFile(file);
          event.target.value = '';
        }}
      />
      <nav className="views">
        <button type="button" data-testid="view-sessions" className={view === 'sessions' ? 'active' : ''} onClick={() => store.getState().setView('sessions')}>
          Exchanges
        </button>
        <button type="button" data-testid="view-connections" className={view === 'connections' ? 'active' : ''} onClick={() => store.getState().setView('connections')}>
          Connections
        </button>
      </nav>
      <div className="filter">
        <input
          data-testid="filter"
          type="search"
          placeholder="Filter: host:x method:POST status:5xx framing:chunked missing-terminator rst …  (/)"
          value={filter}
          aria-invalid={problems.length > 0}
          title={problems.join('\n')}
          onChange={(event) => store.getState().setFilter(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              store.getState().setFilter('');
              (event.target as HTMLInputElement).blur();
            }
            if (event.key === 'Enter' || event.key === 'ArrowDown') document.querySelector<HTMLElement>('[data-testid="sessions"]')?.focus();
          }}
        />
        {problems.length > 0 ? <span className="filter-problem">{problems[0]}</span> : null}
      </div>
    </header>
  );
}
