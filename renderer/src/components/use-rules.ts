// Adding a rule from anywhere in the app (the Rules panel, an exchange's "Break on this
// path"): the live proxy's list with one more, said in one notice.
import { useCallback } from 'react';
import { useApi, useAppStore } from '../context';

/** The notice once a rule is added. */
export function ruleAdded(text: string): string {
  return `rule added: ${text} (new connections get it)`;
}

export function useAddRule(): (text: string) => Promise<void> {
  const api = useApi();
  const store = useAppStore();
  return useCallback(
    async (text: string) => {
      // Asked of the engine: the list shown may be a moment old.
      const rules = (await api.hello()).rules;
      if (rules.some((r) => r.text === text && r.enabled)) return store.getState().notify(`already a rule: ${text}`);
      try {
        await api.setRules({ rules: [...rules.filter((r) => r.text !== text), { text, enabled: true }] });
        store.getState().notify(ruleAdded(text));
      } catch (error) {
        store.getState().notify(error instanceof Error ? error.message : String(error));
      }
    },
    [api, store],
  );
}
