// Starting, cancelling and stepping through a search, for the search box, the bar and the keys.
import { useMemo } from 'react';
import { useApi, useAppStore } from '../../context';
import { searchArgs, startedRun, stepMatch } from '../../model/search';
import { listOrder } from '../list/visible';

export interface SearchActions {
  start(): void;
  cancel(): void;
  /** The next (1) or previous (-1) match, as the list orders the exchanges. */
  step(delta: 1 | -1): void;
  /** Enter in a search box: a new query starts a search; the same one goes to the next match. */
  submit(backwards: boolean): void;
}

export function useSearch(): SearchActions {
  const api = useApi();
  const store = useAppStore();
  return useMemo(() => {
    const start = () => {
      const { searchQuery, searchOptions } = store.getState();
      const asked = searchArgs(searchQuery, searchOptions);
      if ('problem' in asked) {
        store.getState().notify(`search: ${asked.problem}`);
        return;
      }
      const previous = store.getState().searchRun;
      if (previous?.state === 'running') void api.cancelSearch({ id: previous.id });
      api.search(asked.args).then(
        ({ id, total }) => store.getState().beginSearch(id, asked.args, total),
        // Refused at once (a regular expression that does not compile): said in the bar.
        (error: Error) => store.setState({ searchRun: { ...startedRun('', asked.args, 0), state: 'failed', error: error.message }, currentMatch: null }),
      );
    };
    const step = (delta: 1 | -1) => {
      const state = store.getState();
      if (!state.searchRun) return;
      const next = stepMatch(state.searchRun, listOrder(state), state.currentMatch?.match ?? (state.selectedId ? { id: state.selectedId } : null), delta);
      if (next) state.goToMatch(next);
      else state.notify(state.searchRun.matchCount === 0 ? 'search: no match' : 'search: no match in the exchanges the list shows');
    };
    return {
      start,
      step,
      cancel: () => {
        const run = store.getState().searchRun;
        if (run?.state === 'running') void api.cancelSearch({ id: run.id });
      },
      submit: (backwards) => {
        const { searchRun, searchQuery, searchOptions } = store.getState();
        const asked = searchArgs(searchQuery, searchOptions);
        const same = searchRun && 'args' in asked && JSON.stringify(searchRun.args) === JSON.stringify(asked.args) && searchRun.state !== 'failed' && searchRun.state !== 'cancelled';
        if (same && searchRun.matches.length > 0) step(backwards ? -1 : 1);
        else if (!same) start();
      },
    };
  }, [api, store]);
}
