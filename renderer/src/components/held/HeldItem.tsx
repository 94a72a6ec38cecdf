// One held message in the Held panel: which exchange, where it stands, what goes next
// (its size token), what is queued, how long it has been held, how either side ended
// meanwhile; and the steps.

import { useState } from 'react';
import { partName, type HeldMessage, type StepAction } from '../../../../shared/breakpoints';
import { useApp } from '../../context';
import { exchangeLabel, heldFacts } from '../../model/held';
import { ChunkEditor, HeadEditor } from './HeldEditor';

export interface HeldItemProps {
  held: HeldMessage;
  now: number;
  focused: boolean;
  /** The last step refused, in words. */
  error: string | null;
  onFocus(): void;
  /** Take a step; false when it was refused (the error says why). */
  onStep(action: StepAction): Promise<boolean>;
  onShow(): void;
}

export function HeldItem({ held, now, focused, error, onFocus, onStep, onShow }: HeldItemProps) {
  // Its row, when the live session (whose messages are held) is the one shown: a file's rows have ids of their own.
  const row = useApp((s) => {
    const at = s.session?.current === 'live' ? s.index.get(held.id) : undefined;
    return at === undefined ? undefined : s.rows[at];
  });
  const [editing, setEditing] = useState(false);
  const facts = heldFacts(held, now);
  const beforeHead = held.before === 'head';
  const canEdit = beforeHead ? held.head !== null : held.next !== null && (held.next.part === 'chunk' || held.next.part === 'last-chunk');
  const step = (action: StepAction) => void onStep(action);
  const sender = held.direction === 'response' ? 'server' : 'client';
  return (
    <li className={`held-item ${focused ? 'focused' : ''} ${held.state}`} data-testid="held" data-id={held.id} data-direction={held.direction} aria-current={focused} onClick={onFocus}>
      <div className="held-line">
        <button type="button" className="link" data-testid="held-exchange" onClick={onShow} title="Show this exchange in the list">
          {exchangeLabel(held.id)}
        </button>
        <span className="held-direction">{held.direction}</span>
        {row ? (
          <code className="held-target" title={`${row.method ?? ''} ${row.host ?? ''}${row.path ?? ''}`}>
            {row.method} {row.path}
          </code>
        ) : null}
        <strong data-testid="held-where">{held.where}</strong>
        <span data-testid="held-state" className="held-state">
          {facts.state}
        </span>
      </div>
      <div className="held-facts">
        <span data-testid="held-next">{facts.next}</span>
        <span data-testid="held-queued">{facts.queued}</span>
        {facts.timeout ? <span data-testid="held-timeout">{facts.timeout}</span> : null}
        {facts.edited ? (
          <span data-testid="held-edited" className="held-edited">
            {facts.edited}
          </span>
        ) : null}
        {held.senderEnded ? <span data-testid="held-sender-ended">{held.senderEnded}</span> : null}
        {held.receiverEnded ? (
          <span data-testid="held-receiver-ended" className="held-receiver-ended">
            {held.receiverEnded}
          </span>
        ) : null}
      </div>
      <div className="held-actions" role="group" aria-label={`Steps for ${exchangeLabel(held.id)} ${held.direction}`}>
        <button type="button" data-testid="held-next-chunk" className="primary" onClick={() => step({ action: 'next' })} title={`Release ${partName(held.before, held.chunk)} as the ${sender} sent it${held.edited ? ', as edited' : ''} (key: N)`}>
          Next chunk
        </button>
        <button type="button" data-testid="held-rest" onClick={() => step({ action: 'rest' })} title="Release everything, as the sender sends it: the breakpoint lets go">
          Release rest
        </button>
        <button type="button" data-testid={beforeHead ? 'held-edit-head' : 'held-edit'} disabled={!canEdit} aria-pressed={editing} onClick={() => setEditing(!editing)} title={beforeHead ? 'Edit the head before it goes' : "Edit the next chunk's size line and data"}>
          {beforeHead ? 'Edit head' : 'Edit next chunk'}
        </button>
        <button type="button" data-testid="held-drop-last" onClick={() => step({ action: 'drop-last-chunk' })} title="Send the chunks as they come, then a FIN instead of the zero-length last chunk and trailers">
          Drop last chunk
        </button>
        <button type="button" data-testid="held-stall" disabled={held.state === 'stalled'} onClick={() => step({ action: 'stall' })} title="Keep holding with the timeout off, until the next step or the connection ends">
          Stall
        </button>
        <button type="button" data-testid="held-end-fin" onClick={() => step({ action: 'end', how: 'fin' })} title="End the connection now: a FIN to the receiver">
          End FIN
        </button>
        <button type="button" data-testid="held-end-rst" className="danger-outline" onClick={() => step({ action: 'end', how: 'rst' })} title="End the connection now: an RST to both sides">
          End RST
        </button>
      </div>
      {editing && canEdit ? (
        beforeHead ? (
          <HeadEditor key={`${held.id}/head`} held={held} onSave={(edit, send) => void save(edit, send)} onCancel={() => setEditing(false)} />
        ) : (
          <ChunkEditor key={`${held.id}/${held.chunk}`} held={held} onSave={(edit, send) => void save(edit, send)} onCancel={() => setEditing(false)} />
        )
      ) : null}
      {error ? (
        <p className="problem" role="alert" data-testid="held-error">
          {error}
        </p>
      ) : null}
    </li>
  );

  async function save(edit: Omit<Extract<StepAction, { action: 'edit' }>, 'action'>, send: boolean): Promise<void> {
    if (!(await onStep({ action: 'edit', ...edit }))) return;
    setEditing(false);
    if (send) await onStep({ action: 'next' });
  }
}
