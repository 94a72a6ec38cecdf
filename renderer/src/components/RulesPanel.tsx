import { useState } from 'react';
import type { RuleEntry } from '../../../shared/api';
import { RULE_ACTIONS, describeRule, isRule, parseRule } from '../../../shared/rules';
import { useApi, useApp, useAppStore } from '../context';
import { ReleaseAfter } from './held/ReleaseAfter';
import { ruleAdded } from './use-rules';

/**
 * The live proxy's fault and rewrite rules: the same one-line syntax as `--rule`, checked
 * as it is typed. Rules take effect on connections opened after the change.
 */
export function RulesPanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const store = useAppStore();
  const saved = useApp((s) => s.session?.rules);
  // Shown at once while the engine takes the change (then its list is the truth).
  const [pending, setPending] = useState<RuleEntry[] | null>(null);
  const rules = pending ?? saved ?? [];
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const parsed = text.trim() ? parseRule(text) : null;
  const problem = parsed && !isRule(parsed) ? parsed.error : null;

  const save = (next: RuleEntry[]) => {
    setError(null);
    setPending(next);
    api.setRules({ rules: next }).then(
      () => setPending(null),
      (e: Error) => {
        setPending(null);
        setError(e.message);
      },
    );
  };
  const add = () => {
    if (!parsed || !isRule(parsed)) return;
    save([...rules, { text: parsed.text, enabled: true }]);
    setText('');
    store.getState().notify(ruleAdded(parsed.text));
  };

  return (
    <aside className="rules-panel" data-testid="rules-panel" aria-label="Rules">
      <header>
        <h2>Rules</h2>
        <button type="button" className="icon" data-testid="rules-close" aria-label="Close the rules panel" onClick={onClose} title="Close the rules panel">
          ✕
        </button>
      </header>
      <p className="hint">Faults and rewrites on the live proxy, for connections opened from now on. Without rules every byte is relayed as it came.</p>
      {rules.length === 0 ? <p className="empty">No rules: the relay is byte-exact.</p> : null}
      <ul className="rules" data-testid="rules">
        {rules.map((rule, i) => {
          const r = parseRule(rule.text, rule.enabled);
          return (
            <li key={`${i}:${rule.text}`} data-testid="rule" className={rule.enabled ? '' : 'disabled'}>
              <label>
                <input
                  type="checkbox"
                  checked={rule.enabled}
                  data-testid="rule-enabled"
                  onChange={(event) => save(rules.map((x, j) => (j === i ? { ...x, enabled: event.target.checked } : x)))}
                />
                <code>{rule.text}</code>
              </label>
              <span className="what">{isRule(r) ? describeRule(r) : r.error}</span>
              <button type="button" className="link" data-testid="rule-remove" title="Remove this rule" onClick={() => save(rules.filter((_, j) => j !== i))}>
                remove
              </button>
            </li>
          );
        })}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add();
        }}
      >
        <input
          data-testid="rule-input"
          placeholder="drop-last-chunk path:/feed*"
          value={text}
          aria-invalid={problem !== null}
          onChange={(event) => setText(event.target.value)}
          spellCheck={false}
        />
        <button type="submit" data-testid="rule-add" disabled={!parsed || problem !== null}>
          Add
        </button>
      </form>
      {problem ? (
        <p className="problem" data-testid="rule-problem">
          {problem}
        </p>
      ) : parsed && isRule(parsed) ? (
        <p className="hint">{describeRule(parsed)}</p>
      ) : null}
      {error ? <p className="problem">{error}</p> : null}
      <section className="rules-breakpoints" aria-label="Breakpoints">
        <h3>Breakpoints</h3>
        <p className="hint">
          <code>break-response path:/feed*</code> holds each matching response before its head, <code>break-response:2</code> after two chunks, <code>break-request method:POST</code> a request&apos;s
          body; the Held panel at the bottom steps it. Or open an exchange and choose Break on this path.
        </p>
        <ReleaseAfter />
      </section>
      <details>
        <summary>Actions</summary>
        <dl className="rule-help">
          {RULE_ACTIONS.map((a) => (
            <div key={a.kind}>
              <dt>
                <code>{a.syntax}</code>
              </dt>
              <dd>{a.summary}</dd>
            </div>
          ))}
          <div>
            <dt>
              <code>host:GLOB path:GLOB method:M</code>
            </dt>
            <dd>which requests a rule applies to (all when none is given); * matches any run of characters</dd>
          </div>
        </dl>
      </details>
    </aside>
  );
}
