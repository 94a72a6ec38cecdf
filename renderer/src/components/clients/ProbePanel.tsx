// "Probe a client": a command with {url}, run once per scenario of the lab (a missing last
// chunk, a reset mid-chunk, a stall, malformed sizes…) through Chunkscope, so each
// scenario's exchange is captured and tagged. As each ends: whether it reported the
// error, hung or spun, and a verdict against what a careful client does.
import { useEffect, useState } from 'react';
import type { ProbeScenarioInfo } from '../../../../shared/probe';
import { duration, groupDigits, plural } from '../../../../shared/words';
import { useApi, useApp } from '../../context';
import { ProbeResults } from './ProbeResults';

const EXAMPLE = 'curl -sS -o /dev/null {url}';
const DEFAULT_TIMEOUT = 10;

export function ProbePanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const probe = useApp((s) => s.probe);
  const running = probe?.state === 'running';
  const [command, setCommand] = useState(probe?.command ?? EXAMPLE);
  const [timeoutText, setTimeoutText] = useState(String(probe?.timeoutSeconds ?? DEFAULT_TIMEOUT));
  const [scenarios, setScenarios] = useState<ProbeScenarioInfo[]>([]);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  useEffect(() => {
    api.probeScenarios().then(
      (list) => {
        setScenarios(list);
        setChosen((before) => before ?? new Set(probe?.scenarios ?? list.map((s) => s.name)));
      },
      (e: Error) => setError(e.message),
    );
    // The last probe's choice is read once, when the panel opens.
  }, [api]);
  const picked = chosen ?? new Set<string>();
  const seconds = Number(timeoutText);
  const badTimeout = !(seconds >= 0.5 && seconds <= 600);
  const noUrl = !command.includes('{url}');
  const run = () => {
    setError(null);
    setStarting(true);
    const only = picked.size === scenarios.length ? undefined : [...picked];
    api.probe({ command, ...(only ? { only } : {}), timeoutSeconds: seconds }).then(
      () => undefined,
      (e: Error) => setError(e.message),
    ).finally(() => setStarting(false));
  };
  const cancel = () => probe && void api.cancelProbe({ id: probe.id }).catch((e: Error) => setError(e.message));
  const toggle = (name: string, on: boolean) => setChosen(new Set([...picked].filter((n) => n !== name).concat(on ? [name] : [])));
  const done = probe?.results.length ?? 0;
  const asExpected = probe?.results.filter((r) => r.asExpected).length ?? 0;
  return (
    <aside className="side-panel probe-panel" data-testid="probe-panel" aria-label="Probe a client">
      <header>
        <h2>Probe a client</h2>
        <button type="button" className="icon" data-testid="probe-close" aria-label="Close the Probe panel" onClick={onClose} title="Close (a probe running goes on)">
          ✕
        </button>
      </header>
      <p className="hint">
        Your client, run once per scenario against a lab server that breaks the framing, through Chunkscope (its exchanges are captured, tagged with the command). Does it report the error, hang, spin? Put <code>{'{url}'}</code> where the URL goes; the command runs without a shell.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!running && !noUrl && !badTimeout && picked.size > 0) run();
        }}
      >
        <input data-testid="probe-command" aria-label="Command" value={command} aria-invalid={noUrl} onChange={(event) => setCommand(event.target.value)} spellCheck={false} disabled={running} />
        <label className="field timeout" title="Kill the command (and everything it started) after this long, per scenario">
          <span>timeout (s)</span>
          <input data-testid="probe-timeout" type="number" min={0.5} max={600} step={0.5} value={timeoutText} aria-invalid={badTimeout} onChange={(event) => setTimeoutText(event.target.value)} disabled={running} />
        </label>
        {running ? (
          <button type="button" data-testid="probe-cancel" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="submit" data-testid="probe-run" disabled={starting || noUrl || badTimeout || picked.size === 0}>
            Run
          </button>
        )}
      </form>
      {noUrl ? <p className="problem">The command needs {'{url}'} where the URL goes, as in {EXAMPLE}</p> : null}
      {api.desktop ? null : <p className="hint">In a browser, this runs a program on the machine of chunkscope serve: it needs serve --allow-commands.</p>}
      <details className="probe-scenarios" open={!probe}>
        <summary>
          Scenarios: {picked.size} of {scenarios.length}{' '}
          <button type="button" className="link" data-testid="probe-all" onClick={() => setChosen(new Set(scenarios.map((s) => s.name)))} disabled={running}>
            all
          </button>{' '}
          <button type="button" className="link" data-testid="probe-none" onClick={() => setChosen(new Set())} disabled={running}>
            none
          </button>
        </summary>
        <ul>
          {scenarios.map((s) => (
            <li key={s.name} title={`A careful client ${s.careful}`}>
              <label>
                <input type="checkbox" data-testid="probe-scenario" value={s.name} checked={picked.has(s.name)} disabled={running} onChange={(event) => toggle(s.name, event.target.checked)} />
                <code>{s.name}</code> <span className="hint">expects {s.expected}</span>
              </label>
            </li>
          ))}
        </ul>
      </details>
      {error ? (
        <p className="problem" data-testid="probe-error">
          {error}
        </p>
      ) : null}
      {probe ? (
        <p className={`probe-state ${probe.state}`} data-testid="probe-state">
          {probe.state === 'running'
            ? `Running ${probe.current ?? '…'} (${done + 1} of ${probe.scenarios.length}), timeout ${duration(probe.timeoutSeconds)} each${probe.lab ? `, lab ${probe.lab}` : ''}…`
            : probe.state === 'done'
              ? `${groupDigits(asExpected)} of ${plural(done, 'verdict')} as expected: ${probe.command}`
              : `${probe.state === 'cancelled' ? 'Cancelled' : 'Failed'}: ${probe.error}${done > 0 ? ` (${groupDigits(asExpected)} of ${plural(done, 'verdict')} as expected before)` : ''}`}
        </p>
      ) : null}
      {probe && probe.results.length > 0 ? <ProbeResults results={probe.results} /> : null}
    </aside>
  );
}
