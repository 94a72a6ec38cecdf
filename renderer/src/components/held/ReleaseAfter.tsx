import { useState } from 'react';
import { MAX_HOLD_SECONDS } from '../../../../shared/breakpoints';
import { duration } from '../../../../shared/words';
import { useApi, useApp } from '../../context';

/**
 * The breakpoints' timeout: a held message nobody steps for this long is released (the
 * rest goes on as its sender sends it). It applies to what is held now too.
 */
export function ReleaseAfter({ testId = 'release-after' }: { testId?: string }) {
  const api = useApi();
  const seconds = useApp((s) => s.session?.releaseAfter ?? null);
  // What is being typed; null: the engine's value.
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const value = text ?? (seconds === null ? '' : String(seconds));
  const wanted = Number(value);
  const problem = value.trim() === '' || !Number.isFinite(wanted) || wanted <= 0 ? 'a number of seconds above 0' : wanted > MAX_HOLD_SECONDS ? `at most ${duration(MAX_HOLD_SECONDS)}` : null;
  const set = () => {
    if (problem) return;
    setError(null);
    api.setReleaseAfter({ seconds: wanted }).then(
      () => setText(null),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <form
      className="release-after"
      onSubmit={(event) => {
        event.preventDefault();
        set();
      }}
      title="A held message nobody steps for this long is released: the rest goes on as its sender sends it, and the app says so"
    >
      <label>
        release untouched after{' '}
        <input data-testid={testId} type="number" min="0" step="any" value={value} aria-invalid={text !== null && problem !== null} onChange={(event) => setText(event.target.value)} /> s
      </label>
      {text !== null && text !== String(seconds) ? (
        <button type="submit" data-testid={`${testId}-set`} disabled={problem !== null}>
          Set
        </button>
      ) : seconds !== null ? (
        <span className="hint">({duration(seconds)})</span>
      ) : null}
      {text !== null && problem ? <span className="problem">{problem}</span> : null}
      {error ? <span className="problem">{error}</span> : null}
    </form>
  );
}
