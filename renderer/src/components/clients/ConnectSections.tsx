// The "Connect a client" panel's other ways: a terminal (`chunkscope run`, or `chunkscope
// env` in a shell already open), the system proxy, and the settings to enter by hand.
import { useState } from 'react';
import type { ClientSetup, ShellName, SystemProxyState } from '../../../../shared/clients';
import { useApi } from '../../context';
import { CopyLine } from './CopyLine';

/** The shell to show first: PowerShell on Windows, bash elsewhere. */
function firstShell(): ShellName {
  return /win/i.test(navigator.platform) ? 'powershell' : 'bash';
}

export function Terminal({ setup }: { setup: ClientSetup }) {
  const shells = setup.shells.filter((s) => s.lines !== null);
  const [shell, setShell] = useState<ShellName>(firstShell());
  const chosen = shells.find((s) => s.shell === shell) ?? shells[0];
  return (
    <section className="connect-way" data-testid="connect-terminal">
      <h3>From a terminal</h3>
      <p className="hint">Run a command with its traffic through Chunkscope, trusting its CA; its exchanges are tagged with the command:</p>
      <CopyLine text={setup.run} testId="run-command" label="the run command" />
      {chosen && setup.proxy ? (
        <>
          <p className="hint">
            Or point a shell already open at it (curl, wget, git, Python, Node… read the variables it sets), in{' '}
            <select data-testid="env-shell" aria-label="Shell" value={chosen.shell} onChange={(event) => setShell(event.target.value as ShellName)}>
              {shells.map((s) => (
                <option key={s.shell} value={s.shell}>
                  {s.shell}
                </option>
              ))}
            </select>
            :
          </p>
          <CopyLine text={chosen.apply} testId="env-apply" label="the env command" />
          <p className="hint">and to undo it:</p>
          <CopyLine text={chosen.off} testId="env-off" label="the command that undoes it" />
          <details>
            <summary>What it sets ({setup.variables.length} variables)</summary>
            <dl className="variables" data-testid="env-variables">
              {setup.variables.map((v) => (
                <div key={v.name}>
                  <dt>
                    <code>{v.name}</code>
                  </dt>
                  <dd>
                    <code>{v.value === '' ? '(empty)' : v.value}</code> · {v.readBy}
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        </>
      ) : null}
    </section>
  );
}

export function SystemProxy({ initial }: { initial: SystemProxyState }) {
  const api = useApi();
  const [state, setState] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    setBusy(true);
    setError(null);
    api.setSystemProxy({ on: !state.on }).then(setState, (e: Error) => setError(e.message)).finally(() => setBusy(false));
  };
  return (
    <section className="connect-way" data-testid="connect-system">
      <h3>The system proxy</h3>
      <p className="hint">Programs that follow the system's settings (most browsers, WinINet and .NET clients, GNOME and KDE apps) go through Chunkscope while it is on; the settings before are put back when you turn it off or Chunkscope stops (after a crash, at its next start).</p>
      <p data-testid="system-proxy-state" className={state.on ? 'ok' : ''}>
        {state.supported ? `${state.on ? 'On' : 'Off'} · ${state.platform}` : `Not available here: ${state.reason}`}
      </p>
      {state.on && state.changes ? <p className="hint">{state.changes}</p> : null}
      <button type="button" data-testid="system-proxy-toggle" className={state.on ? 'on' : ''} aria-pressed={state.on} disabled={!state.supported || busy} onClick={toggle}>
        {busy ? 'Changing…' : state.on ? 'Put the system proxy back' : 'Set the system proxy'}
      </button>
      {error ? <p className="problem">{error}</p> : null}
    </section>
  );
}

export function ManualSettings({ setup }: { setup: ClientSetup }) {
  const proxy = setup.proxy ? new URL(setup.proxy) : null;
  return (
    <section className="connect-way" data-testid="connect-manual">
      <h3>Manual settings</h3>
      {proxy ? (
        <>
          <p className="hint">
            In the client's proxy settings, for HTTP and HTTPS: host <strong>{proxy.hostname}</strong>, port <strong>{proxy.port}</strong>.
          </p>
          <CopyLine text={proxy.host} testId="manual-proxy" label="the proxy's address" />
        </>
      ) : (
        <p className="problem">The proxy is not running.</p>
      )}
      <p className="hint">For HTTPS, the client must trust Chunkscope's CA: import this certificate (PEM) as a trusted authority.</p>
      <CopyLine text={setup.ca.path} testId="manual-ca" label="the CA certificate's path" />
      <p className="hint">Or use this bundle, the system's roots and the CA in one file, where a client takes one CA file:</p>
      <CopyLine text={setup.ca.bundle} testId="manual-ca-bundle" label="the CA bundle's path" />
      <p className="hint">Chromium-based browsers also take the CA's key hash on their command line:</p>
      <CopyLine text={`--ignore-certificate-errors-spki-list=${setup.ca.spki}`} testId="manual-spki" label="the Chromium flag" />
      <details>
        <summary>Trust the CA system-wide</summary>
        {setup.trustCa.reason ? (
          <p className="hint">{setup.trustCa.reason}</p>
        ) : (
          <>
            <p className="hint">
              {setup.trustCa.store}: {setup.trustCa.changes} (or <code>chunkscope ca --install</code>)
            </p>
            {setup.trustCa.commands.map((command) => (
              <CopyLine key={command} text={command} testId="trust-ca-command" label="the command" />
            ))}
          </>
        )}
      </details>
    </section>
  );
}
