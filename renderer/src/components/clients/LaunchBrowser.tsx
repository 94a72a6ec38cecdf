// "Launch a browser": each browser found, with a fresh profile, on a proxy port of its own
// (its exchanges tagged with its name), trusting the CA for that profile only; the
// profile goes when the browser closes.
import { useState } from 'react';
import type { ClientSetup, LaunchedBrowserInfo } from '../../../../shared/clients';
import { useApi } from '../../context';

export function LaunchBrowser({ browsers, disabled }: { browsers: ClientSetup['browsers']; disabled: boolean }) {
  const api = useApi();
  const [url, setUrl] = useState('');
  const [launching, setLaunching] = useState<string | null>(null);
  const [launched, setLaunched] = useState<LaunchedBrowserInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const address = url.trim();
  const badUrl = address !== '' && !/^https?:\/\/\S+$/i.test(address);
  const launch = (browser: string) => {
    setLaunching(browser);
    setError(null);
    api.launchBrowser({ browser, ...(address ? { url: address } : {}) }).then(
      (info) => setLaunched((all) => [info, ...all]),
      (e: Error) => setError(e.message),
    ).finally(() => setLaunching(null));
  };
  return (
    <section className="connect-way" data-testid="connect-browser">
      <h3>Launch a browser</h3>
      <p className="hint">A fresh profile, through a proxy port of its own; it trusts Chunkscope's CA for that profile only. The profile is removed when the browser closes.</p>
      {browsers.length === 0 ? (
        <p className="empty">No browser found here (Chromium, Chrome, Edge, Brave or Firefox).</p>
      ) : (
        <>
          <label className="field">
            <span>Open at</span>
            <input data-testid="launch-url" type="url" placeholder="https://… (optional)" value={url} aria-invalid={badUrl} onChange={(event) => setUrl(event.target.value)} spellCheck={false} />
          </label>
          {badUrl ? <p className="problem">An address starting with http:// or https://, or nothing.</p> : null}
          <div className="buttons">
            {browsers.map((b) => (
              <button key={b.name} type="button" data-testid="launch-browser" data-browser={b.name} disabled={disabled || badUrl || launching !== null} onClick={() => launch(b.name)} title={b.path}>
                {launching === b.name ? `Launching ${b.name}…` : `Launch ${b.name}`}
              </button>
            ))}
          </div>
        </>
      )}
      {error ? <p className="problem">{error}</p> : null}
      {launched.map((info) => (
        <div key={info.pid} className="launched" data-testid="launched-browser">
          <strong>{info.browser}</strong> is running (pid <span data-testid="launched-pid">{info.pid}</span>) on {info.proxy}; its exchanges are tagged {info.browser}. Its profile, <code data-testid="launched-profile">{info.profile}</code>, is removed when it closes.
          {info.notes.map((note) => (
            <p key={note} className="hint">
              {note}
            </p>
          ))}
        </div>
      ))}
    </section>
  );
}
