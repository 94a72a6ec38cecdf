import { useEffect, useState, type DragEvent } from 'react';
import { useApi, useApp, useAppStore } from '../context';
import { selectSelected, selectView } from '../store/store';
import { ConnectionLanes } from './ConnectionLanes';
import { ExchangeDetail } from './detail/ExchangeDetail';
import { SessionsList } from './SessionsList';
import { RulesPanel } from './RulesPanel';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';
import { useCaptureFiles } from './use-capture-files';

export function App() {
  const view = useApp(selectView);
  const selected = useApp(selectSelected);
  const rulesOpen = useApp((s) => s.rulesOpen);
  const store = useAppStore();
  const api = useApi();
  const { openFile } = useCaptureFiles();
  const [dragging, setDragging] = useState(false);

  // "/" focuses the filter wherever the focus is, unless the user is typing.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA');
      if (event.key === '/' && !typing) {
        event.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="filter"]')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void openFile(file);
  };

  return (
    <div
      className={`app ${dragging ? 'dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-transport={api.desktop ? 'electron' : 'browser'}
    >
      <Toolbar />
      <main className={`workspace ${selected && view === 'sessions' ? 'with-detail' : ''}`}>
        {view === 'sessions' ? <SessionsList /> : <ConnectionLanes />}
        {selected && view === 'sessions' ? <ExchangeDetail id={selected} /> : null}
        {rulesOpen ? <RulesPanel onClose={() => store.getState().setRulesOpen(false)} /> : null}
      </main>
      <StatusBar />
      {dragging ? <div className="drop-hint">Drop a capture file to open it</div> : null}
    </div>
  );
}
