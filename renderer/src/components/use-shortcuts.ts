// The app's keys, wherever the focus is: Ctrl/Cmd+O opens, +S saves, +F (or /) focuses the
// filter, +Shift+F the search, F3 (Shift+F3, or Ctrl/Cmd+G) the next (previous) match, ?
// shows the keys, Escape returns focus to the list. A key typed into a field is the
// field's, except the Ctrl/Cmd ones and F3.
import { useEffect } from 'react';

export const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable);
}

/** The list of the current view (exchanges or connections), to give the focus back to. */
export function focusList(): void {
  document.querySelector<HTMLElement>('[data-testid="sessions"], [data-testid="lane-rows"]')?.focus();
}

export function focusFilter(): void {
  const filter = document.querySelector<HTMLInputElement>('[data-testid="filter"]');
  filter?.focus();
  filter?.select();
}

/** Focus the search box; in a narrow window it is in the search bar, there from the next frame once the bar is opened. */
export function focusSearch(): void {
  const focus = () => {
    const box = document.querySelector<HTMLInputElement>('[data-testid="search"]');
    box?.focus();
    box?.select();
    return !!box;
  };
  if (!focus()) requestAnimationFrame(() => void focus());
}

export function useShortcuts(actions: { open(): void; save(): void; toggleKeys(): void; closeKeys(): boolean; openSearch(): void; stepMatch(delta: 1 | -1): void }): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if ((mod && event.shiftKey && key === 'f') || event.key === 'F3' || (mod && key === 'g')) {
        event.preventDefault();
        if (key === 'f') actions.openSearch();
        else actions.stepMatch(event.shiftKey ? -1 : 1);
        return;
      }
      if (mod && !event.altKey && (key === 'o' || key === 's' || key === 'f')) {
        event.preventDefault();
        if (key === 'o') actions.open();
        else if (key === 's') actions.save();
        else focusFilter();
        return;
      }
      if (mod || event.altKey) return;
      if (event.key === 'Escape') {
        if (actions.closeKeys()) return event.preventDefault();
        // The list handles its own Escape (it closes the detail).
        const inList = (event.target as HTMLElement | null)?.closest?.('[data-testid="sessions"], [data-testid="lane-rows"]');
        if (!inList) {
          event.preventDefault();
          focusList();
        }
        return;
      }
      if (typing(event.target)) return;
      if (event.key === '/') {
        event.preventDefault();
        focusFilter();
      } else if (event.key === '?') {
        event.preventDefault();
        actions.toggleKeys();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
