import { useMemo, useRef, useState, type DragEvent } from 'react';
import { Panel, PanelGroup, PanelResizeHandle } from 'react-resizable-panels';
import { useApi, useApp, useAppStore } from '../context';
import { selectSelected, selectView } from '../store/store';
import { Composer } from './compose/Composer';
import { ConnectionLanes } from './lanes/ConnectionLanes';
import { ExchangeDetail } from './detail/ExchangeDetail';
import { HeldPanel } from './held/HeldPanel';
import { KeysHelp } from './KeysHelp';
import { SessionsList } from './list/SessionsList';
import { ReplayPanel } from './replay/ReplayPanel';
import { ResendView } from './replay/ResendView';
import { RulesPanel } from './RulesPanel';
import { ConnectPanel } from './clients/ConnectPanel';
import { ProbePanel } from './clients/ProbePanel';
import { SessionTabs } from './SessionTabs';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';
import { useCaptureFiles } from './use-capture-files';
import { useSearch } from './search/use-search';
import { focusSearch, useShortcuts } from './use-shortcuts';

export function App() {
  const view = useApp(selectView);
  const selected = useApp(selectSelected);
  const panel = useApp((s) => s.panel);
  const store = useAppStore();
  const api = useApi();
  const { openFile, openDialog, save } = useCaptureFiles();
  const [dragging, setDragging] = useState(false);
  const [keysOpen, setKeysOpen] = useState(false);
  const pane = useApp((s) => s.pane);
  const seed = useApp((s) => s.seed);
  const resend = useApp((s) => s.resend);
  const withDetail = !!selected && view === 'sessions';
  // Beside the detail: the list, the composer, or a resend's framing diff.
  const left = pane === 'composer' ? <Composer key={seed.nonce} seed={seed} /> : pane === 'resend' && resend ? <ResendView shown={resend} /> : <SessionsList />;
  const closePanel = () => store.getState().setPanel(null);

  // The keys read the latest open and save through a ref: the listener is added once.
  const search = useSearch();
  const latest = useRef({ openDialog, save, keysOpen });
  latest.current = { openDialog, save, keysOpen };
  const actions = useMemo(
    () => ({
      open: () => void latest.current.openDialog(),
      save: () => void latest.current.save(),
      toggleKeys: () => setKeysOpen((open) => !open),
      closeKeys: () => {
        if (!latest.current.keysOpen) return false;
        setKeysOpen(false);
        return true;
      },
      openSearch: () => {
        store.getState().setSearchOpen(true);
        focusSearch();
      },
      stepMatch: (delta: 1 | -1) => search.step(delta),
    }),
    [store, search],
  );
  useShortcuts(actions);

  // Files dropped anywhere on the window open, each in a tab of its own, one after another.
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    void (async () => {
      for (const file of files) await openFile(file);
    })();
  };
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

  return (
    <div
      className={`app ${dragging ? 'dragging' : ''}`}
      onDragOver={(event) => {
        // Text or a link dragged about is not a file to open: the page keeps its own drop.
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      // Leaving a child is not leaving the window: only the window's edge ends the hint.
      onDragLeave={(event) => event.relatedTarget === null && setDragging(false)}
      onDrop={(event) => carriesFiles(event) && onDrop(event)}
      data-transport={api.desktop ? 'electron' : 'browser'}
    >
      <Toolbar onKeys={() => setKeysOpen(true)} />
      <SessionTabs />
      <main className="workspace">
        {view === 'sessions' ? (
          // The split is remembered (react-resizable-panels keeps it in localStorage under autoSaveId).
          <PanelGroup direction="horizontal" className="split" autoSaveId="chunkscope:split">
            <Panel id="list" order={1} minSize={pane === 'list' ? 25 : 40} className="split-panel">
              {left}
            </Panel>
            {withDetail ? (
              <>
                <PanelResizeHandle className="split-handle" data-testid="split-handle" />
                <Panel id="detail" order={2} minSize={30} defaultSize={48} className="split-panel">
                  <ExchangeDetail id={selected} />
                </Panel>
              </>
            ) : null}
          </PanelGroup>
        ) : (
          <ConnectionLanes />
        )}
        {panel === 'rules' ? <RulesPanel onClose={closePanel} /> : null}
        {panel === 'connect' ? <ConnectPanel onClose={closePanel} /> : null}
        {panel === 'probe' ? <ProbePanel onClose={closePanel} /> : null}
        {panel === 'replay' ? <ReplayPanel onClose={closePanel} /> : null}
      </main>
      <HeldPanel />
      <StatusBar />
      {dragging ? (
        <div className="drop-hint" data-testid="drop-hint">
          Drop a capture, HAR or pcap to open it in a tab of its own
        </div>
      ) : null}
      {keysOpen ? <KeysHelp onClose={() => setKeysOpen(false)} /> : null}
    </div>
  );
}
