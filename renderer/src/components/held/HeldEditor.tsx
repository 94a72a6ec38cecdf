// Editing what a held message sends next: its head (while it is held before the head), or
// the next chunk's size line and data. The data shows as text when it is text and as hex
// always, so any byte can be written; only what was changed is sent (data without a new
// size line gets one that says its length, in the sender's case).

import { useEffect, useState } from 'react';
import { HELD_DATA_LIMIT, type HeldData, type HeldMessage, type StepAction } from '../../../../shared/breakpoints';
import { byteCount, size } from '../../../../shared/words';
import { useApi } from '../../context';
import { asText, fromBase64, parseHex, sameBytes, textBytes, toBase64, toHex } from '../../model/held';

type Edit = Extract<StepAction, { action: 'edit' }>;

export interface EditorProps {
  held: HeldMessage;
  /** Take the edit, and with `send` the next step too. */
  onSave(edit: Omit<Edit, 'action'>, send: boolean): void;
  onCancel(): void;
}

export function HeadEditor({ held, onSave, onCancel }: EditorProps) {
  const [head, setHead] = useState(held.head ?? '');
  const changed = head !== held.head;
  return (
    <form className="held-editor" data-testid="held-head-editor" onSubmit={(event) => event.preventDefault()}>
      <label>
        The head, one line a line (CRLFs and the empty line after it are added)
        <textarea data-testid="held-head" value={head} rows={Math.min(8, head.split('\n').length + 1)} spellCheck={false} onChange={(event) => setHead(event.target.value)} />
      </label>
      <Buttons changed={changed} onSave={(send) => onSave({ head }, send)} onCancel={onCancel} />
    </form>
  );
}

export function ChunkEditor({ held, onSave, onCancel }: EditorProps) {
  const api = useApi();
  const [original, setOriginal] = useState<{ data: HeldData; bytes: Uint8Array } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.heldData({ id: held.id, direction: held.direction }).then(
      (data) => !cancelled && setOriginal({ data, bytes: fromBase64(data.data) }),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [api, held.id, held.direction]);
  if (error) return <p className="problem" role="alert">{error}</p>;
  if (!original) return <p className="hint">Reading what arrived of it…</p>;
  return <ChunkForm original={original.data} bytes={original.bytes} onSave={onSave} onCancel={onCancel} />;
}

function ChunkForm({ original, bytes, onSave, onCancel }: { original: HeldData; bytes: Uint8Array } & Omit<EditorProps, 'held'>) {
  const asSent = asText(bytes);
  const [mode, setMode] = useState<'text' | 'hex'>(asSent === null ? 'hex' : 'text');
  const [sizeLine, setSizeLine] = useState(original.sizeLine ?? '');
  const [content, setContent] = useState(asSent ?? toHex(bytes));
  const [modeProblem, setModeProblem] = useState<string | null>(null);
  const hasData = original.part === 'chunk';
  const parsed = mode === 'text' ? textBytes(content) : parseHex(content);
  const problem = 'error' in parsed ? parsed.error : null;
  const data = 'error' in parsed ? null : parsed;
  const dataChanged = hasData && data !== null && !sameBytes(data, bytes);
  const lineChanged = sizeLine !== (original.sizeLine ?? '');
  const toMode = (next: 'text' | 'hex') => {
    if (next === mode || !data) return;
    const text = next === 'text' ? asText(data) : toHex(data);
    if (text === null) return setModeProblem('these bytes are not text (control characters, or not UTF-8): they stay in hex');
    setModeProblem(null);
    setMode(next);
    setContent(text);
  };
  const edit: Omit<Edit, 'action'> = { ...(lineChanged ? { sizeLine } : {}), ...(dataChanged && data ? { data: toBase64(data) } : {}) };
  return (
    <form className="held-editor" data-testid="held-chunk-editor" onSubmit={(event) => event.preventDefault()}>
      <label className="held-size-line">
        size line <input data-testid="held-size-line" value={sizeLine} spellCheck={false} onChange={(event) => setSizeLine(event.target.value)} />
        <span className="hint">{dataChanged && !lineChanged ? 'as it is, it will say the new length' : 'without its CRLF; a size that lies on purpose is sent as written'}</span>
      </label>
      {hasData ? (
        <>
          <div className="held-data-head">
            <span>data</span>
            <span className="sides" role="group" aria-label="Show the data as">
              <button type="button" data-testid="held-as-text" className={mode === 'text' ? 'active' : ''} onClick={() => toMode('text')}>
                text
              </button>
              <button type="button" data-testid="held-as-hex" className={mode === 'hex' ? 'active' : ''} onClick={() => toMode('hex')}>
                hex
              </button>
            </span>
            <span className="hint" data-testid="held-data-size">
              {data ? byteCount(data.length) : ''}
              {original.complete ? '' : ` · still arriving: ${byteCount(original.queued)} so far`}
              {original.queued > HELD_DATA_LIMIT ? ` · the first ${size(HELD_DATA_LIMIT)} shown; an edit replaces it all` : ''}
            </span>
          </div>
          <textarea data-testid="held-data" className={mode} value={content} rows={6} spellCheck={false} aria-invalid={problem !== null} onChange={(event) => setContent(event.target.value)} />
        </>
      ) : (
        <p className="hint">The last chunk has no data: edit its size line, or drop it.</p>
      )}
      {problem || modeProblem ? <p className="problem">{problem ?? modeProblem}</p> : null}
      <Buttons changed={problem === null && (dataChanged || lineChanged)} onSave={(send) => onSave(edit, send)} onCancel={onCancel} />
    </form>
  );
}

function Buttons({ changed, onSave, onCancel }: { changed: boolean; onSave(send: boolean): void; onCancel(): void }) {
  return (
    <div className="held-editor-buttons">
      <button type="button" data-testid="held-edit-send" disabled={!changed} onClick={() => onSave(true)} title="Send it as edited now">
        Send edited
      </button>
      <button type="button" data-testid="held-edit-save" disabled={!changed} onClick={() => onSave(false)} title="Keep the edit: it goes with the next step">
        Keep for the next step
      </button>
      <button type="button" data-testid="held-edit-cancel" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
