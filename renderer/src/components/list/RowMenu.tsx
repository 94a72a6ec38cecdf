// A row's context menu: Edit and resend the exchange clicked; Resend or Serve the exchanges
// picked. Closes on a click outside, on Escape and after an action; kept inside the window.

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { plural } from '../../../../shared/words';
import { usePicked } from '../replay/ReplayPanel';
import { useReplayActions } from '../replay/use-replay-actions';

export function RowMenu({ id, x, y, onClose }: { id: string; x: number; y: number; onClose: () => void }) {
  const actions = useReplayActions();
  const picked = usePicked();
  const root = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState({ left: x, top: y });
  useLayoutEffect(() => {
    const box = root.current?.getBoundingClientRect();
    if (box) setAt({ left: Math.max(4, Math.min(x, innerWidth - box.width - 4)), top: Math.max(4, Math.min(y, innerHeight - box.height - 4)) });
    root.current?.querySelector<HTMLElement>('button')?.focus();
  }, [x, y]);
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
  const act = (work: () => unknown) => () => {
    onClose();
    void work();
  };
  const ids = picked.includes(id) ? picked : [id];
  const some = plural(ids.length, 'request');
  return (
    <div ref={root} className="menu-items row-menu" role="menu" data-testid="row-menu" style={{ left: at.left, top: at.top }}>
      <button type="button" role="menuitem" data-testid="menu-edit-resend" onClick={act(() => actions.editAndResend(id))}>
        Edit and resend…
      </button>
      <hr />
      <button type="button" role="menuitem" data-testid="menu-resend-original" onClick={act(() => actions.resend(ids, 'original'))}>
        Resend {some}, original timing
      </button>
      <button type="button" role="menuitem" data-testid="menu-resend-fast" onClick={act(() => actions.resend(ids, 'fast'))}>
        Resend {some}, fast
      </button>
      <button type="button" role="menuitem" data-testid="menu-serve" onClick={act(() => actions.serve(ids))}>
        Serve {plural(ids.length, 'exchange')} as a replay origin
      </button>
    </div>
  );
}
