// The sessions the app holds, as tabs: the live capture (always there, recording behind
// any file shown) and each file opened. A tab says how many exchanges it holds and, for
// the live one, how many are not saved and where its capture is being written.
import { groupDigits, plural } from '../../../shared/words';
import type { SessionTab } from '../../../shared/api';
import { useApi, useApp, useAppStore } from '../context';
import { selectSession } from '../store/store';

export function tabTitle(tab: SessionTab): string {
  if (tab.kind === 'file') return `${tab.source ?? tab.title}: ${plural(tab.exchanges, 'exchange')}`;
  const where = tab.savedTo && tab.unsaved === 0 ? `saved to ${tab.savedTo}` : `captured to ${tab.capturePath ?? 'memory'}`;
  return `The live session: ${plural(tab.exchanges, 'exchange')}${tab.unsaved > 0 ? `, ${groupDigits(tab.unsaved)} not saved` : ''}; ${where}`;
}

export function SessionTabs() {
  const api = useApi();
  const store = useAppStore();
  const session = useApp(selectSession);
  const tabs = session?.sessions ?? [];
  if (tabs.length < 2) return null; // one session: nothing to choose between
  const report = (error: unknown) => store.getState().notify(error instanceof Error ? error.message : String(error));
  return (
    <nav className="session-tabs" aria-label="Sessions" data-testid="session-tabs">
      {tabs.map((tab) => (
        <span key={tab.id} className={`session-tab ${tab.id === session?.current ? 'current' : ''}`} data-testid={`session-tab-${tab.id}`}>
          <button type="button" className="session-tab-name" aria-current={tab.id === session?.current ? 'page' : undefined} title={tabTitle(tab)} onClick={() => void api.selectSession({ id: tab.id }).catch(report)}>
            {tab.kind === 'live' ? (session?.capturing ? '● ' : '') : ''}
            {tab.title}
            <span className="session-tab-count">{groupDigits(tab.exchanges)}</span>
            {tab.loading ? <span className="session-tab-count">{Math.round((tab.loading.done / Math.max(1, tab.loading.total)) * 100)}%</span> : null}
            {tab.unsaved > 0 ? <span className="session-tab-unsaved" aria-label={`${groupDigits(tab.unsaved)} not saved`} title={`${plural(tab.unsaved, 'exchange')} not saved`} /> : null}
          </button>
          {tab.kind === 'file' ? (
            <button type="button" className="session-tab-close" aria-label={`Close ${tab.title}`} title={`Close ${tab.title} (the file stays where it is)`} data-testid={`close-${tab.id}`} onClick={() => void api.closeSession({ id: tab.id }).catch(report)}>
              ×
            </button>
          ) : null}
        </span>
      ))}
    </nav>
  );
}
