// Light or dark: the user's choice, or the system's (prefers-color-scheme) and its changes.
// Set on <html> before the store says so, so a canvas redrawn for the new theme reads the
// new colours.
import type { AppStore } from './store/store';

export function followTheme(store: AppStore): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    const { theme } = store.getState();
    const resolved = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
    if (store.getState().resolvedTheme !== resolved) store.getState().setResolvedTheme(resolved);
  };
  apply();
  media.addEventListener('change', apply);
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.theme !== previous.theme) apply();
  });
  return () => {
    media.removeEventListener('change', apply);
    unsubscribe();
  };
}

/** The colours a canvas draws with, read from the stylesheet's custom properties (--c-*), so both themes live in CSS. */
export function palette(): Record<string, string> {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(`--${name}`).trim();
  const names = ['text', 'muted', 'line', 'grid', 'accent', 'accent-fill', 'request', 'bad', 'ok', 'live', 'live-fill', 'select', 'panel', 'faint'];
  return Object.fromEntries(names.map((n) => [n, read(n) || '#888']));
}
