// The results of "Probe a client": one row per scenario as it ends, the columns of
// `chunkscope probe`'s table in the same words (shared/probe-words.ts); a row opens the
// exchange its command made. The verdicts not as expected follow, each in full.
import type { ProbeRow } from '../../../../shared/probe';
import { probeClientClosed, probeExit, probeVerdict } from '../../../../shared/probe-words';
import { duration, size } from '../../../../shared/words';
import { exchangeName, parseExchangeId } from '../../../../shared/exchange-id';
import { useOpenExchange } from './use-open-exchange';

const COLUMNS = ['scenario', 'expects', 'exit', 'wall', 'CPU', 'hung', 'spin', 'received', 'client closed', 'verdict'];

/** The last non-empty line the command wrote on stderr. */
function lastWords(stderr: string): string | null {
  return stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.slice(0, 200) ?? null;
}

export function ProbeResults({ results }: { results: ProbeRow[] }) {
  const open = useOpenExchange();
  const failed = results.filter((r) => !r.asExpected);
  return (
    <>
      <div className="probe-table">
        <table data-testid="probe-results">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {results.map((r) => {
              const first = r.exchanges[0];
              const title = first ? `${r.verdict}\nClick to open its exchange (${exchangeName(parseExchangeId(first)!)}${r.exchanges.length > 1 ? ` and ${r.exchanges.length - 1} more` : ''})` : `${r.verdict}\nNo exchange was captured: the client did not go through the proxy`;
              return (
                <tr
                  key={r.scenario}
                  data-testid="probe-result"
                  data-scenario={r.scenario}
                  className={`${r.asExpected ? '' : 'not-expected'} ${first ? 'opens' : ''}`}
                  title={title}
                  tabIndex={first ? 0 : undefined}
                  onClick={() => first && void open(first)}
                  onKeyDown={(event) => event.key === 'Enter' && first && void open(first)}
                >
                  <td data-col="scenario">{r.scenario}</td>
                  <td data-col="expects">{r.expected}</td>
                  <td data-col="exit">{probeExit(r)}</td>
                  <td data-col="wall">{duration(r.wallSeconds)}</td>
                  <td data-col="cpu">{r.cpuSeconds === null ? 'n/a' : duration(r.cpuSeconds)}</td>
                  <td data-col="hung">{r.hung ? 'yes' : 'no'}</td>
                  <td data-col="spin">{r.spinning ? 'yes' : 'no'}</td>
                  <td data-col="received">{size(r.bytesSent)}</td>
                  <td data-col="closed">{probeClientClosed(r.connections)}</td>
                  <td data-col="verdict" className={r.asExpected ? 'ok' : 'bad'}>
                    {probeVerdict(r)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {failed.length > 0 ? (
        <ul className="probe-failures" data-testid="probe-failures">
          {failed.map((r) => (
            <li key={r.scenario}>
              <strong>{r.scenario}</strong>: {r.verdict}
              {lastWords(r.stderr) ? <span className="hint"> · stderr: {lastWords(r.stderr)}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
