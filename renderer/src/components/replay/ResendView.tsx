// Requests sent again, each beside its captured self: the framing of the answer then and
// now (status, framing, chunk sizes as sent, the last chunk) and what differs, in the words
// `replay --to` prints; per connection sent again whole, how the server ended it then and
// now. A click on the new exchange shows it (in the live session) in the detail.

import { exchangeName, parseExchangeId } from '../../../../shared/exchange-id';
import { plural } from '../../../../shared/words';
import { useApp, useAppStore } from '../../context';
import type { ResendShown } from '../../store/workbench';
import { useReplayActions } from './use-replay-actions';

function name(id: string): string {
  const ref = parseExchangeId(id);
  return ref ? exchangeName(ref) : id;
}

export function ResendView({ shown }: { shown: ResendShown }) {
  const store = useAppStore();
  const actions = useReplayActions();
  const current = useApp((s) => s.session?.current ?? 'live');
  const { result, timing } = shown;
  const changed = result.requests.filter((r) => r.diff.differences.length > 0).length;
  return (
    <section className="resend-view" data-testid="resend-view" aria-label="Framing diff of the requests sent again">
      <header className="composer-head">
        <h2>Resent</h2>
        <span className="hint" data-testid="resend-summary">
          {plural(result.requests.length, 'request')}, {timing === 'fast' ? 'fast' : 'with their original timing'}: {changed === 0 ? 'the framing of every answer is the same' : `${plural(changed, 'answer')} framed differently`}
        </span>
        <button type="button" className="icon" data-testid="resend-close" aria-label="Close the framing diff" title="Back to the list" onClick={() => store.getState().closePane()}>
          ✕
        </button>
      </header>
      <div className="resend-table" role="table">
        <div className="resend-row header" role="row">
          <span role="columnheader">request</span>
          <span role="columnheader">captured</span>
          <span role="columnheader">now</span>
          <span role="columnheader">what differs</span>
        </div>
        {result.requests.map((r) => (
          <div key={r.id} className={`resend-row ${r.diff.differences.length > 0 ? 'differs' : 'same'}`} role="row" data-testid="resend-request">
            <span role="cell">
              {current === shown.from ? (
                <button type="button" className="link" title="Show the captured exchange" onClick={() => store.getState().select(r.id)}>
                  {name(r.id)}
                </button>
              ) : (
                name(r.id)
              )}
              <code className="resend-target">
                {r.diff.method} {r.diff.target}
              </code>
              {r.newId ? (
                <button type="button" className="link" data-testid="resend-new" title="Show the exchange sent now (live session)" onClick={() => actions.reveal(r.newId!)}>
                  → {name(r.newId)}
                </button>
              ) : (
                <span className="bad"> not sent</span>
              )}
            </span>
            <span role="cell" data-testid="resend-captured">
              {r.captured}
            </span>
            <span role="cell" data-testid="resend-now">
              {r.now}
              {r.running ? ' (still arriving)' : ''}
            </span>
            <span role="cell" data-testid="resend-differences" className={r.diff.differences.length > 0 ? 'bad' : 'ok'}>
              {r.diff.differences.length > 0 ? r.diff.differences.join('; ') : 'same framing'}
            </span>
          </div>
        ))}
      </div>
      {result.connections.length > 0 ? (
        <ul className="resend-connections" data-testid="resend-connections">
          {result.connections.map((c) => (
            <li key={c.connection} className={c.same ? 'ok' : 'bad'}>
              c{c.connection}
              {c.now !== null ? ` → c${c.now}` : ''}: {c.captured} then, {c.ended} now
            </li>
          ))}
        </ul>
      ) : null}
      {result.failures.map((f) => (
        <p key={f} className="problem">
          {f}
        </p>
      ))}
    </section>
  );
}
