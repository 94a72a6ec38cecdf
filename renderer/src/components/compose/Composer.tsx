// The composer: a request (or several on one connection) written as it is to be sent,
// framing and faults included, in a form or as the plan's text (the two kept in step),
// sent directly or through the proxy over http or https. What it made is an exchange of
// the live session, selected, so the detail beside shows its ledger and its account.

import { useEffect, useState } from 'react';
import type { SendResult } from '../../../../shared/compose';
import { exchangeName, parseExchangeId } from '../../../../shared/exchange-id';
import { DEFAULT_END, type ConnectionPlan, type EndPlan } from '../../../../shared/plan';
import { byteCount, plural } from '../../../../shared/words';
import { useApi, useApp, useAppStore } from '../../context';
import type { ComposerSeed } from '../../store/workbench';
import { useReplayActions } from '../replay/use-replay-actions';
import { NumberInput } from './fields';
import { PlanText } from './PlanText';
import { RequestForm } from './RequestForm';
import { usePlan } from './use-plan';

function newPlan(to: string | null): ConnectionPlan {
  const host = destination(to)?.host ?? '127.0.0.1:8080';
  return {
    to: to ?? 'http://127.0.0.1:8080',
    pipeline: false,
    requests: [{ pauseBefore: 0, head: { kind: 'lines', startLine: 'POST /upload HTTP/1.1', fields: [`Host: ${host}`, 'Transfer-Encoding: chunked'] }, body: [
      { step: 'chunk', size: '5', extensions: '', lineEnd: '\r\n', data: [{ bytes: 'hello' }], dataEnd: '\r\n' },
      { step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers: [], end: '\r\n' },
    ] }],
    end: DEFAULT_END,
  };
}

function name(id: string): string {
  const ref = parseExchangeId(id);
  return ref ? exchangeName(ref) : id;
}

/** `http://host:port` read, or null when it is not one. */
function destination(to: string | null): URL | null {
  try {
    return to ? new URL(to) : null;
  } catch {
    return null;
  }
}

/** Where to connect, and how the connection ends. */
function Connection({ plan, setPlan }: { plan: ConnectionPlan; setPlan: (update: (plan: ConnectionPlan) => ConnectionPlan) => void }) {
  const url = destination(plan.to);
  const [problem, setProblem] = useState<string | null>(null);
  const setTo = (scheme: string, host: string) => {
    const to = host.trim() ? destination(`${scheme}//${host.trim()}`) : null;
    if (host.trim() && (!to || to.pathname !== '/' || to.username || to.search)) return setProblem(`"${host.trim()}" is not a host and port (127.0.0.1:8080)`);
    setProblem(null);
    setPlan((p) => ({ ...p, to: to ? `${to.protocol}//${to.host}` : null }));
  };
  const end = plan.end;
  const setEnd = (next: Partial<EndPlan>) => setPlan((p) => ({ ...p, end: { ...p.end, ...next } }));
  return (
    <div className="compose-connection">
      <label>
        To{' '}
        <select data-testid="compose-scheme" aria-label="http or https" value={url?.protocol ?? 'http:'} onChange={(event) => setTo(event.target.value, url?.host ?? '')}>
          <option value="http:">http</option>
          <option value="https:">https</option>
        </select>
      </label>
      <input data-testid="compose-host" aria-label="Host and port" aria-invalid={problem !== null} placeholder="127.0.0.1:8080" defaultValue={url?.host ?? ''} key={plan.to ?? ''} onBlur={(event) => setTo(url?.protocol ?? 'http:', event.target.value)} onKeyDown={(event) => event.key === 'Enter' && setTo(url?.protocol ?? 'http:', event.currentTarget.value)} />
      <label className="check" title="Write each request without waiting for the answer to the one before">
        <input type="checkbox" data-testid="compose-pipeline" checked={plan.pipeline} onChange={(event) => setPlan((p) => ({ ...p, pipeline: event.target.checked }))} />
        pipelined
      </label>
      <label title="How Chunkscope ends the connection">
        End{' '}
        <select data-testid="compose-end-how" aria-label="End with" value={end.how} onChange={(event) => setEnd({ how: event.target.value as EndPlan['how'] })}>
          <option value="fin">FIN</option>
          <option value="rst">RST</option>
        </select>{' '}
        <select
          data-testid="compose-end-after"
          aria-label="End when"
          value={typeof end.after === 'object' ? 'byte' : end.after}
          onChange={(event) => setEnd({ after: event.target.value === 'byte' ? { byte: 0 } : (event.target.value as 'answers' | 'written') })}
        >
          <option value="answers">after the answers</option>
          <option value="written">once all is written</option>
          <option value="byte">after byte…</option>
        </select>
      </label>
      {typeof end.after === 'object' ? <NumberInput data-testid="compose-end-byte" aria-label="End after this many bytes" value={end.after.byte} onValue={(byte) => setEnd({ after: { byte } })} /> : null}
      {problem ? <p className="problem">{problem}</p> : null}
    </div>
  );
}

function Result({ result, onShow }: { result: SendResult; onShow: (id: string) => void }) {
  return (
    <div className="compose-result" data-testid="compose-result">
      <p>
        Sent{result.running ? ' (the answer is still arriving)' : ''}:{' '}
        {result.exchanges.map((id) => (
          <button key={id} type="button" className="link" data-testid="compose-result-exchange" onClick={() => onShow(id)}>
            {name(id)}
          </button>
        ))}
        {result.exchanges.length === 0 ? 'no exchange' : null}
      </p>
      {result.rewrites.map((r) => (
        <p key={r} className="hint">
          Fitted to the proxy: {r}
        </p>
      ))}
      {result.stopped ? <p className="problem">{result.stopped}</p> : null}
    </div>
  );
}

export function Composer({ seed }: { seed: ComposerSeed }) {
  const api = useApi();
  const store = useAppStore();
  const session = useApp((s) => s.session);
  const actions = useReplayActions();
  const model = usePlan({ plan: seed.check?.plan ?? newPlan(session?.lab ?? null), check: seed.check });
  const [tab, setTab] = useState<'form' | 'text'>('form');
  const [request, setRequest] = useState(0);
  const [via, setVia] = useState<'direct' | 'proxy'>('direct');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<{ result: SendResult | null; error: string | null }>({ result: null, error: null });
  const { plan, setPlan } = model;
  const shown = Math.min(request, plan.requests.length - 1);
  // Out of sight (the Connections view, another pane), the composer keeps its draft, a mistake in its text included.
  useEffect(() => {
    const draft = model.latest;
    return () => {
      const { plan, text, check, textError } = draft.current;
      if (check) store.getState().keepDraft(seed.nonce, { ...check, plan, text, error: textError });
    };
  }, [model.latest, store, seed.nonce]);

  const send = async () => {
    const ready = await model.settled();
    if (!ready) return setTab('text');
    setSending(true);
    setSent({ result: null, error: null });
    try {
      const result = await api.send({ plan: ready, via });
      setSent({ result, error: null });
      if (result.exchanges[0]) actions.reveal(result.exchanges[0]);
      store.getState().notify(`Sent ${plural(result.exchanges.length, 'request')} ${via === 'proxy' ? 'through the proxy' : 'directly'}`);
    } catch (error) {
      setSent({ result: null, error: error instanceof Error ? error.message : String(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="composer" data-testid="composer" aria-label="Composer">
      <header className="composer-head">
        <h2>Composer</h2>
        {seed.from ? <span className="hint">Edit and resend of {name(seed.from)}</span> : null}
        <button type="button" className="icon" data-testid="composer-close" aria-label="Close the composer" title="Back to the list" onClick={() => store.getState().closePane()}>
          ✕
        </button>
      </header>
      <Connection plan={plan} setPlan={setPlan} />
      <nav className="tabs composer-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'form'} className={tab === 'form' ? 'active' : ''} data-testid="composer-tab-form" onClick={() => setTab('form')}>
          Form
        </button>
        <button type="button" role="tab" aria-selected={tab === 'text'} className={tab === 'text' ? 'active' : ''} data-testid="composer-tab-text" onClick={() => setTab('text')}>
          Text{model.textError ? ' ⚠' : ''}
        </button>
      </nav>
      <div className="composer-body">
        {tab === 'form' ? (
          <>
            {model.textError ? <p className="problem">The text has a mistake at line {model.textError.line}: the form shows the plan as it last read, and a change here writes the text again.</p> : null}
            <div className="request-tabs" role="tablist" aria-label="Requests on the connection">
              {plan.requests.map((_, k) => (
                <button key={k} type="button" role="tab" aria-selected={k === shown} className={k === shown ? 'active' : ''} data-testid="compose-request-tab" onClick={() => setRequest(k)}>
                  #{k + 1}
                </button>
              ))}
              <button type="button" data-testid="add-request" title="Another request on the same connection" onClick={() => (setPlan((p) => ({ ...p, requests: [...p.requests, { ...p.requests.at(-1)!, pauseBefore: 0 }] })), setRequest(plan.requests.length))}>
                + request
              </button>
              {plan.requests.length > 1 ? (
                <button type="button" data-testid="remove-request" onClick={() => setPlan((p) => ({ ...p, requests: p.requests.filter((_, k) => k !== shown) }))}>
                  Remove #{shown + 1}
                </button>
              ) : null}
            </div>
            <RequestForm key={`${seed.nonce}:${shown}`} request={plan.requests[shown]!} onChange={(next) => setPlan((p) => ({ ...p, requests: p.requests.map((r, k) => (k === shown ? next : r)) }))} />
          </>
        ) : (
          <PlanText text={model.text} error={model.textError} onChange={model.setText} />
        )}
      </div>
      <footer className="composer-foot">
        {model.check && !model.textError ? (
          <p className="hint" data-testid="plan-summary">
            {plural(model.check.requests, 'request')}, {byteCount(model.check.bytes)}
          </p>
        ) : null}
        {model.check && !model.textError && model.check.notes.length > 0 ? (
          <ul className="plan-notes" data-testid="plan-notes" aria-label="Faults sent on purpose">
            {model.check.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}
        {model.problem ? <p className="problem">{model.problem}</p> : null}
        <div className="send-row">
          <select data-testid="compose-via" aria-label="Send it" value={via} onChange={(event) => setVia(event.target.value as 'direct' | 'proxy')}>
            <option value="direct">directly</option>
            <option value="proxy">through the proxy</option>
          </select>
          <button type="button" className="on" data-testid="compose-send" disabled={sending || model.textError !== null} onClick={() => void send()}>
            {sending ? 'Sending…' : 'Send'}
          </button>
        </div>
        {sent.error ? (
          <p className="problem" data-testid="compose-error">
            {sent.error}
          </p>
        ) : null}
        {sent.result ? <Result result={sent.result} onShow={actions.reveal} /> : null}
      </footer>
    </section>
  );
}
