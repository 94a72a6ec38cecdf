// A menu behind one button: the toolbar's less frequent actions when the window is narrow.
// Closes on a click outside, on Escape (focus back to its button) and after an action.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function Menu({ label, title, children, testId }: { label: string; title: string; testId: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
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
    <div className="menu" ref={root}>
      <button ref={button} type="button" aria-haspopup="menu" aria-expanded={open} data-testid={testId} title={title} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open ? (
        <div className="menu-items" role="menu">
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}
