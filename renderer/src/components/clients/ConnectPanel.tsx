// "Connect a client": every way to send a client's traffic through Chunkscope, each one
// click away: launch a browser already pointed at the proxy and trusting the CA; a
// command for a terminal (`chunkscope run`, `chunkscope env`); the system proxy, on and
// off; and the settings to type by hand: the proxy's address and the CA's file.
import { useEffect, useState } from 'react';
import type { ClientSetup } from '../../../../shared/clients';
import { useApi, useApp } from '../../context';
import { LaunchBrowser } from './LaunchBrowser';
import { ManualSettings, SystemProxy, Terminal } from './ConnectSections';

export function ConnectPanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const [setup, setSetup] = useState<ClientSetup | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Asked again when the proxy changes (a restart): its address is what the panel is about.
  const proxy = useApp((s) => s.session?.proxy ?? null);
  const reverse = useApp((s) => s.session?.mode === 'reverse');
  useEffect(() => {
    let current = true;
    api.clientSetup().then(
      (answer) => current && (setSetup(answer), setError(null)),
      (e: Error) => current && setError(`Chunkscope could not tell how to connect a client: ${e.message}`),
    );
    return () => {
      current = false;
    };
  }, [api, proxy]);
  return (
    <aside className="side-panel connect-panel" data-testid="connect-panel" aria-label="Connect a client">
      <header>
        <h2>Connect a client</h2>
        <button type="button" className="icon" data-testid="connect-close" aria-label="Close the Connect panel" onClick={onClose} title="Close">
          ✕
        </button>
      </header>
      <p className="hint">Send a client's traffic through Chunkscope. The ways that launch it tag its exchanges with it (the client column, and client: in the filter).</p>
      {reverse ? <p className="problem">This Chunkscope relays every connection to one origin (reverse mode): point a client at the proxy's address itself, as if it were the origin.</p> : null}
      {error ? <p className="problem">{error}</p> : null}
      {!setup && !error ? <p className="empty">Reading the setup…</p> : null}
      {setup ? (
        <>
          <LaunchBrowser browsers={setup.browsers} disabled={reverse || !setup.proxy} />
          <Terminal setup={setup} />
          <SystemProxy initial={setup.systemProxy} />
          <ManualSettings setup={setup} />
        </>
      ) : null}
    </aside>
  );
}
