import { useEffect } from 'react';
import { useApp, useAppStore } from '../context';

export function StatusBar() {
  const store = useAppStore();
  const rows = useApp((s) => s.rows.length);
  const connections = useApp((s) => s.connections.size);
  const session = useApp((s) => s.session);
  const transport = useApp((s) => s.transport);
  const notice = useApp((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => store.getState().notify(null), 6000);
    return () => clearTimeout(timer);
  }, [notice, store]);
  const loading = session?.loading;
  return (
    <footer className="statusbar" data-testid="status">
      {/* First, so it is never the part cut off: the capture stopped, the relay did not. */}
      {session?.captureError ? (
        <span className="alert" role="alert" title={session.captureError} data-testid="capture-error">
          {session.captureError}
        </span>
      ) : null}
      <span data-testid="exchange-count">{rows.toLocaleString('en-US')} exchanges</span>
      <span>{connections.toLocaleString('en-US')} connections</span>
      {session?.viewing ? <span>viewing {session.viewing}</span> : null}
      {session?.imported ? (
        <span data-testid="imported" title={session.imported.notes.join('\n')}>
          imported from {session.imported.kind === 'har' ? 'a HAR (bytes rebuilt from it)' : 'a packet capture (TCP reassembled)'}
          {session.imported.notes.length > 0 ? ` · ${session.imported.notes[0]}` : ''}
        </span>
      ) : null}
      {session?.proxy ? (
        <span data-testid="proxy-address">
          proxy {session.proxy} ({session.mode}) · {session.capturing ? 'capturing' : 'not capturing'}
        </span>
      ) : null}
      {session?.ca ? (
        <span data-testid="https-status" title={`Clients must trust the Chunkscope CA (${session.ca.path}); Chromium: --ignore-certificate-errors-spki-list=${session.ca.spki}`}>
          HTTPS intercepted · CA {session.ca.path}
        </span>
      ) : null}
      {session?.insecureUpstream ? (
        <span className="warn" data-testid="insecure-upstream">
          origin certificates NOT verified (--insecure-upstream)
        </span>
      ) : null}
      {session?.replay ? (
        <span data-testid="replay-status" title={`Captured responses served again at ${session.replay.url}; stop it in the Replay panel`}>
          replay origin {session.replay.url} ({session.replay.exchanges.toLocaleString('en-US')} exchanges)
        </span>
      ) : null}
      {loading ? <span>reading the capture: {Math.round((loading.done / Math.max(1, loading.total)) * 100)}%</span> : null}
      {transport !== 'connected' ? <span className="warn">{transport === 'connecting' ? 'connecting to Chunkscope…' : 'disconnected from Chunkscope; reconnecting'}</span> : null}
      {notice ? (
        <span className="notice" role="status" data-testid="notice" title={notice}>
          {notice}
        </span>
      ) : null}
    </footer>
  );
}
