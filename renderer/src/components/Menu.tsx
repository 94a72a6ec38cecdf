// A menu behind one button: the toolbar's less frequent actions when the window is narrow.
// Closes on a click outside, on Escape (focus back to its button) and after an action.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';

/**
 * `fixed`: the items are placed on the window, under the button (over it when there is no
 * room below), for a menu inside a panel that scrolls and would cut them off.
 */
export function Menu({ label, title, children, testId, className = '', fixed = false }: { label: string; title: string; testId: string; className?: string; fixed?: boolean; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<CSSProperties | undefined>(undefined);
  useLayoutEffect(() => {
    if (!open || !fixed) return setPlace(undefined);
    const at = button.current!.getBoundingClientRect();
    const box = items.current!.getBoundingClientRect();
    const below = at.bottom + 4 + box.height <= window.innerHeight;
    setPlace({
      position: 'fixed',
      left: Math.max(4, Math.min(at.left, window.innerWidth - box.width - 4)),
      top: below ? at.bottom + 4 : Math.max(4, at.top - 4 - box.height),
      right: 'auto',
      bottom: 'auto',
    });
  }, [open, fixed]);
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    root.current?.addEventListener('keydown', escape);
    const element = root.current;
    return () => {
      document.removeEventListener('pointerdown', outside);
      element?.removeEventListener('keydown', escape);
    };
  }, [open]);
  return (
    <div className={`menu ${className}`} ref={root}>
      <button ref={button} type="button" aria-haspopup="menu" aria-expanded={open} data-testid={testId} title={title} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open ? (
        <div className="menu-items" role="menu" ref={items} style={place}>
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}
