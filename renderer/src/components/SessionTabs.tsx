// The sessions the app holds, as tabs: the live capture (always there, recording behind
// any file shown) and each file opened. A tab says how many exchanges it holds and, for
// the live one, how many are not saved and where its capture is being written.
import { groupDigits, plural } from '../../../shared/words';
import type { SessionTab } from '../../../shared/api';
import { useState } from 'react';
import { useApi, useApp, useAppStore } from '../context';
import { ClearDialog, hasUnsaved } from './ClearDialog';
import { useCaptureFiles } from './use-capture-files';
import { selectSession } from '../store/store';

function marksNotSaved(tab: SessionTab): string {
  return tab.unsavedMarks > 0 ? `; pins or comments on ${plural(tab.unsavedMarks, 'exchange')} not saved` : '';
}

export function tabTitle(tab: SessionTab): string {
  if (tab.kind === 'file') return `${tab.source ?? tab.title}: ${plural(tab.exchanges, 'exchange')}${marksNotSaved(tab)}`;
  const where = tab.savedTo && tab.unsaved === 0 ? `saved to ${tab.savedTo}` : `captured to ${tab.capturePath ?? 'memory'}`;
  return `The live session: ${plural(tab.exchanges, 'exchange')}${tab.unsaved > 0 ? `, ${groupDigits(tab.unsaved)} not saved` : ''}${marksNotSaved(tab)}; ${where}`;
}

export function SessionTabs() {
  const api = useApi();
  const store = useAppStore();
  const session = useApp(selectSession);
  const { save } = useCaptureFiles();
  const [confirmClose, setConfirmClose] = useState<SessionTab | null>(null);
  const tabs = session?.sessions ?? [];
  if (tabs.length < 2) return null; // one session: nothing to choose between
  const report = (error: unknown) => store.getState().notify(error instanceof Error ? error.message : String(error));
  // Asked of the engine at the click: the counts shown may be a second old.
  const close = async (id: string) => {
    const now = (await api.hello()).sessions.find((t) => t.id === id);
    if (now && hasUnsaved(now)) setConfirmClose(now);
    else await api.closeSession({ id });
  };
  return (
    <nav className="session-tabs" aria-label="Sessions" data-testid="session-tabs">
      {tabs.map((tab) => (
        <span key={tab.id} className={`session-tab ${tab.id === session?.current ? 'current' : ''}`} data-testid={`session-tab-${tab.id}`}>
          <button type="button" className="session-tab-name" aria-current={tab.id === session?.current ? 'page' : undefined} title={tabTitle(tab)} onClick={() => void api.selectSession({ id: tab.id }).catch(report)}>
            {tab.kind === 'live' ? (session?.capturing ? '● ' : '') : ''}
            {tab.title}
            <span className="session-tab-count">{groupDigits(tab.exchanges)}</span>
            {tab.loading ? <span className="session-tab-count">{Math.round((tab.loading.done / Math.max(1, tab.loading.total)) * 100)}%</span> : null}
            {hasUnsaved(tab) ? <span className="session-tab-unsaved" data-testid="tab-unsaved" aria-label={tab.unsaved > 0 ? `${groupDigits(tab.unsaved)} not saved` : 'pins or comments not saved'} title={tabTitle(tab)} /> : null}
          </button>
          {tab.kind === 'file' ? (
            <button type="button" className="session-tab-close" aria-label={`Close ${tab.title}`} title={`Close ${tab.title} (the file stays where it is)`} data-testid={`close-${tab.id}`} onClick={() => void close(tab.id).catch(report)}>
              ×
            </button>
          ) : null}
        </span>
      ))}
      {confirmClose ? (
        <ClearDialog
          live={confirmClose}
          action="close"
          onCancel={() => setConfirmClose(null)}
          // Saving saves the session shown: that one first.
          onSave={() => (setConfirmClose(null), void api.selectSession({ id: confirmClose.id }).then(() => save(), report))}
          onClear={() => (setConfirmClose(null), void api.closeSession({ id: confirmClose.id }).catch(report))}
        />
      ) : null}
    </nav>
  );
}
