import { useLayoutEffect, useState } from 'react';
import { useApi, useApp, useAppStore } from '../context';
import type { SessionTab } from '../../../shared/api';
import { selectSession, selectView, type Theme } from '../store/store';
import { ClearDialog, hasUnsaved } from './ClearDialog';
import { FilterBox } from './FilterBox';
import { Menu } from './Menu';
import { RecentItems, RecentMenu } from './RecentMenu';
import { SearchBar, SearchInput } from './search/SearchBar';
import { useCaptureFiles } from './use-capture-files';
import { MOD, focusSearch } from './use-shortcuts';
import { useWidth } from './use-width';

/** Body sizes a HAR may keep (beyond, bodies are cut and marked _truncated). */
const HAR_BODY_LIMITS: [number, string][] = [
  [64 * 1024, 'bodies ≤ 64 KiB'],
  [1024 * 1024, 'bodies ≤ 1 MiB'],
  [16 * 1024 * 1024, 'bodies ≤ 16 MiB'],
  [256 * 1024 * 1024, 'bodies ≤ 256 MiB'],
];

/**
 * Below this width the less frequent actions go into a menu, so the filter keeps its room;
 * and below the width the whole toolbar was measured to need, whichever is more (its
 * buttons vary with the session, and their words with the fonts).
 */
const COMPACT_BELOW = 1460;

const THEMES: Record<Theme, { next: Theme; icon: string; label: string }> = {
  system: { next: 'light', icon: '◐', label: 'System theme' },
  light: { next: 'dark', icon: '☀', label: 'Light theme' },
  dark: { next: 'system', icon: '☾', label: 'Dark theme' },
};

export function Toolbar({ onKeys }: { onKeys: () => void }) {
  const api = useApi();
  const store = useAppStore();
  const session = useApp(selectSession);
  const view = useApp(selectView);
  const theme = useApp((s) => s.theme);
  const harMaxBody = useApp((s) => s.harMaxBody);
  const { openFile, openDialog, save, saveHar } = useCaptureFiles();
  const capturing = session?.capturing ?? false;
  const panel = useApp((s) => s.panel);
  const rulesOpen = panel === 'rules';
  const toggle = (which: 'rules' | 'connect' | 'probe' | 'replay') => store.getState().setPanel(panel === which ? null : which);
  const probing = useApp((s) => s.probe?.state === 'running');
  const activeRules = (session?.rules ?? []).filter((r) => r.enabled).length;
  const replaying = !!session?.replay;
  const [trying, setTrying] = useState(false);
  const [ref, width] = useWidth<HTMLElement>(1400);
  const [needed, setNeeded] = useState(COMPACT_BELOW);
  const compact = width < needed;
  useLayoutEffect(() => {
    const toolbar = ref.current;
    // Whole, it does not fit (1536 pixels cut off the theme and keys buttons): compact from this width down. Only ever raised, so it cannot flip back and forth.
    if (toolbar && !compact && toolbar.scrollWidth > toolbar.clientWidth + 1) setNeeded(Math.max(needed, toolbar.scrollWidth + 1));
  });
  const tryLab = () => {
    setTrying(true);
    store.getState().notify('Try it: sending the lab scenarios through the proxy…');
    api.tryLab().then(
      (result) => store.getState().notify(`Try it: ${result.requests.length} scenarios from the lab at ${result.lab}`),
      (error: Error) => store.getState().notify(`Try it: ${error.message}`),
    ).finally(() => setTrying(false));
  };
  const canTry = !!session?.proxy && session.mode === 'forward' && !session.viewing;
  const live = session?.sessions.find((t) => t.kind === 'live') ?? null;
  const showingLive = !session || session.current === live?.id;
  const [confirmClear, setConfirmClear] = useState<SessionTab | null>(null);
  // Asked of the engine at the click: the counts shown may be a second old.
  const clear = async () => {
    const now = (await api.hello()).sessions.find((t) => t.kind === 'live');
    if (now && hasUnsaved(now)) setConfirmClear(now);
    else await api.clear();
  };

  // The actions a menu may hold; `done` closes it after one.
  const actions = (done: () => void) => (
    <>
      <button type="button" data-testid="open" role={compact ? 'menuitem' : undefined} onClick={() => (done(), void openDialog())} title={`Open a capture, HAR or pcap (${MOD}+O); or drop one on the window`}>
        Open…
      </button>
      {compact ? null : <RecentMenu />}
      <button type="button" data-testid="save" role={compact ? 'menuitem' : undefined} onClick={() => (done(), void save())} title={`Save the session as a capture file (${MOD}+S)`}>
        Save
      </button>
      <span className="har">
        <button type="button" data-testid="save-har" role={compact ? 'menuitem' : undefined} onClick={() => (done(), void saveHar(harMaxBody))} title="Save the session as HAR 1.2, with each chunk's size token and times, the last chunk and the connection in extension fields">
          Save as HAR
        </button>
        <select data-testid="har-max-body" aria-label="HAR: bodies up to" value={harMaxBody} onChange={(event) => store.getState().setHarMaxBody(Number(event.target.value))} title="Bodies longer than this are cut in the HAR, and the HAR says so (_truncated)">
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
        role={compact ? 'menuitem' : undefined}
        className={activeRules > 0 ? 'on' : ''}
        aria-pressed={rulesOpen}
        onClick={() => (done(), toggle('rules'))}
        title="Faults and rewrites on the live proxy (drop the last chunk, stall, reset, re-chunk, de-chunk requests…)"
      >
        Rules{activeRules > 0 ? ` (${activeRules})` : ''}
      </button>
      <button
        type="button"
        data-testid="probe-toggle"
        role={compact ? 'menuitem' : undefined}
        className={probing ? 'on' : ''}
        aria-pressed={panel === 'probe'}
        onClick={() => (done(), toggle('probe'))}
        title="Probe a client: run your client against servers that break the framing (a missing last chunk, a reset, a stall…): does it report the error, hang, spin?"
      >
        {probing ? 'Probing…' : 'Probe'}
      </button>
      {/* In the menu only: otherwise under the list (ListActions), the toolbar having no room. */}
      {compact ? (
        <>
          <button type="button" data-testid="compose-open" role="menuitem" onClick={() => (done(), store.getState().compose(null))} title="Write a request as it is to be sent, its framing included (chunk sizes, extensions, trailers, faults), and send it">
            Compose
          </button>
          <button
            type="button"
            data-testid="replay-toggle"
            role="menuitem"
            className={replaying ? 'on' : ''}
            aria-pressed={panel === 'replay'}
            onClick={() => (done(), toggle('replay'))}
            title="Serve the exchanges chosen as a replay origin, or send them again and compare their framing"
          >
            Replay{replaying ? ' ●' : ''}
          </button>
        </>
      ) : null}
      {canTry ? (
        <button type="button" data-testid="try-lab" role={compact ? 'menuitem' : undefined} disabled={trying} onClick={() => (done(), tryLab())} title="Start the built-in lab server and send its scenarios (a feed, server-sent events, a missing last chunk, a reset, a stall, malformed framing, the IIS 6 reset) through the proxy">
          {trying ? 'Trying…' : 'Try it'}
        </button>
      ) : null}
    </>
  );
  const preferences = (done: () => void) => (
    <>
      <button type="button" data-testid="theme" role={compact ? 'menuitem' : undefined} aria-label={THEMES[theme].label} onClick={() => store.getState().setTheme(THEMES[theme].next)} title={`${THEMES[theme].label}: light, dark, or as the system is set (click to change)`}>
        {THEMES[theme].icon}
        {compact ? ` ${THEMES[theme].label}` : ''}
      </button>
      <button type="button" data-testid="keys" role={compact ? 'menuitem' : undefined} aria-label="Keys" onClick={() => (done(), onKeys())} title="Every key of the app (?)">
        ?{compact ? ' Keys' : ''}
      </button>
    </>
  );

  return (
    <>
    <header className={`toolbar ${compact ? 'compact' : ''}`} ref={ref}>
      <span className="brand">Chunkscope</span>
      <button type="button" data-testid="capture-toggle" className={capturing ? 'on' : ''} onClick={() => void api.setCapturing({ on: !capturing })} title={capturing ? 'Stop recording new connections into the live session (traffic is still relayed)' : 'Record new connections into the live session (and show it)'}>
        {capturing ? '■ Stop capture' : '● Start capture'}
      </button>
      {showingLive ? (
        <button type="button" data-testid="clear" onClick={() => void clear()} title="Empty the live session (asks first when its exchanges are not saved)">
          Clear
        </button>
      ) : null}
      {confirmClear ? (
        <ClearDialog
          live={confirmClear}
          onCancel={() => setConfirmClear(null)}
          onSave={() => (setConfirmClear(null), void save())}
          onClear={() => (setConfirmClear(null), void api.clear())}
        />
      ) : null}
      <button type="button" data-testid="connect-toggle" aria-pressed={panel === 'connect'} className={panel === 'connect' ? 'active' : ''} onClick={() => toggle('connect')} title="Connect a client: launch a browser, a terminal command, the system proxy, or the manual settings">
        Connect
      </button>
      {compact ? null : actions(() => {})}
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
      <nav className="views" aria-label="Views">
        <button type="button" data-testid="view-sessions" className={view === 'sessions' ? 'active' : ''} onClick={() => store.getState().setView('sessions')}>
          Exchanges
        </button>
        <button type="button" data-testid="view-connections" className={view === 'connections' ? 'active' : ''} onClick={() => store.getState().setView('connections')}>
          Connections
        </button>
      </nav>
      <FilterBox />
      {compact ? (
        <button type="button" data-testid="search-open" aria-label="Search headers and bodies" title={`Search headers and bodies (${MOD}+Shift+F)`} onClick={() => (store.getState().setSearchOpen(true), focusSearch())}>
          ⌕
        </button>
      ) : (
        <SearchInput testId="search" />
      )}
      {compact ? (
        <Menu label="☰ Menu" title="Open, save, HAR, rules, probe, compose, replay, Try it, theme, keys" testId="menu">
          {(close) => (
            <>
              {actions(close)}
              <hr />
              <RecentItems close={close} />
              <hr />
              {preferences(close)}
            </>
          )}
        </Menu>
      ) : (
        preferences(() => {})
      )}
    </header>
    <SearchBar withInput={compact} />
    </>
  );
}
