// The list's menu on a right-click (or the context-menu key): copy from the exchange, Edit
// and resend it, pin or unpin the ones chosen, resend them or serve them as a replay origin,
// export them alone. Closes on a click outside, Escape, or after
// an action; kept inside the window.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { plural } from '../../../../shared/words';
import { useApp } from '../../context';
import { COPY_ITEMS } from '../../model/copy';
import { useCaptureFiles } from '../use-capture-files';
import { useCopy } from '../use-copy';
import { useMarks } from '../use-marks';
import { useReplayActions } from '../replay/use-replay-actions';
import { inSessionOrder } from '../../store/workbench';

export interface RowMenuAt {
  row: ExchangeRow;
  /** The exchanges it acts on: the ones chosen (the row among them). */
  rows: ExchangeRow[];
  x: number;
  y: number;
}

export function RowMenu({ at, onClose }: { at: RowMenuAt; onClose: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  const copy = useCopy();
  const { togglePins } = useMarks();
  const { exportSelected } = useCaptureFiles();
  const harMaxBody = useApp((s) => s.harMaxBody);
  const replay = useReplayActions();
  const order = useApp((s) => s.rows);
  const [place, setPlace] = useState({ left: at.x, top: at.y });
  useLayoutEffect(() => {
    const box = root.current?.getBoundingClientRect();
    if (!box) return;
    setPlace({ left: Math.max(0, Math.min(at.x, window.innerWidth - box.width - 4)), top: Math.max(0, Math.min(at.y, window.innerHeight - box.height - 4)) });
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [at]);
  useEffect(() => {
    const outside = (event: PointerEvent) => !root.current?.contains(event.target as Node) && onClose();
    const escape = (event: KeyboardEvent) => event.key === 'Escape' && (event.preventDefault(), onClose());
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [onClose]);
  const act = (run: () => unknown) => () => {
    onClose();
    void run();
  };
  const ids = at.rows.map((r) => r.id);
  // Sent again in the order they were captured.
  const sent = () => inSessionOrder(ids, order.map((r) => r.id));
  const many = at.rows.length > 1 ? ` (${plural(at.rows.length, 'exchange')})` : '';
  const pinned = at.rows.every((r) => r.mark?.pinned);
  return (
    <div ref={root} className="menu-items row-menu" role="menu" data-testid="row-menu" style={{ position: 'fixed', left: place.left, top: place.top, right: 'auto', bottom: 'auto' }}>
      <span className="menu-heading">Copy from c{at.row.connection} #{at.row.index + 1}</span>
      {COPY_ITEMS.map((item) => (
        <button key={item.id} type="button" role="menuitem" data-testid={`row-${item.id}`} onClick={act(() => copy(at.row, item))}>
          {item.label}
        </button>
      ))}
      <hr />
      <button type="button" role="menuitem" data-testid="row-pin" onClick={act(() => togglePins(at.rows))}>
        {pinned ? 'Unpin' : 'Pin'}
        {many}
      </button>
      <hr />
      <button type="button" role="menuitem" data-testid="menu-edit-resend" onClick={act(() => replay.editAndResend(at.row.id))}>
        Edit and resend…
      </button>
      <button type="button" role="menuitem" data-testid="menu-resend-original" onClick={act(() => replay.resend(sent(), 'original'))}>
        Resend, original timing{many}
      </button>
      <button type="button" role="menuitem" data-testid="menu-resend-fast" onClick={act(() => replay.resend(sent(), 'fast'))}>
        Resend, fast{many}
      </button>
      <button type="button" role="menuitem" data-testid="menu-serve" onClick={act(() => replay.serve(sent()))}>
        Serve as a replay origin{many}
      </button>
      <hr />
      <button type="button" role="menuitem" data-testid="export-selected-capture" onClick={act(() => exportSelected({ ids, format: 'capture' }))}>
        Export selected as a capture…{many}
      </button>
      <button type="button" role="menuitem" data-testid="export-selected-har" onClick={act(() => exportSelected({ ids, format: 'har', maxBodyBytes: harMaxBody }))}>
        Export selected as HAR…{many}
      </button>
    </div>
  );
}
