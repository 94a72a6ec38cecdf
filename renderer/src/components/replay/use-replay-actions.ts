// What the app does with captured exchanges and sends: Edit and resend (the composer opened
// on the exchange's plan), Resend with the framing diff, Serve as a replay origin, Stop it,
// and show a new exchange, which is in the live session whichever session is shown.

import { useMemo } from 'react';
import { plural } from '../../../../shared/words';
import { useApi, useAppStore } from '../../context';

export interface ReplayActions {
  editAndResend(id: string): void;
  resend(ids: string[], timing: 'original' | 'fast'): Promise<void>;
  serve(ids: string[] | null): Promise<void>;
  stop(): void;
  /** Select exchange `id` of the live session, showing the live session first when another is shown. */
  reveal(id: string): void;
}

export function useReplayActions(): ReplayActions {
  const api = useApi();
  const store = useAppStore();
  return useMemo(() => {
    const notify = (text: string) => store.getState().notify(text);
    const failed = (what: string) => (error: Error) => notify(`${what}: ${error.message}`);
    return {
      editAndResend: (id) => {
        api.composeFrom({ id }).then((check) => store.getState().compose(check, id), failed('Edit and resend'));
      },
      resend: async (ids, timing) => {
        const from = store.getState().session?.current ?? 'live';
        notify(`Resending ${plural(ids.length, 'request')} (${timing === 'fast' ? 'fast' : 'original timing'})…`);
        await api.resend({ ids, timing }).then((result) => {
          store.getState().showResend({ result, timing, from });
          notify(`Resent ${plural(result.requests.length, 'request')}${result.failures.length > 0 ? `; ${plural(result.failures.length, 'connection')} could not be sent` : ''}`);
        }, failed('Resend'));
      },
      serve: async (ids) => {
        await api.serveReplay(ids ? { ids } : {}).then((origin) => notify(`Replay origin: ${plural(origin.exchanges, 'exchange')} served at ${origin.url}`), failed('Serve as replay origin'));
      },
      stop: () => {
        api.stopReplay().then(() => notify('Replay origin stopped'), failed('Stop the replay origin'));
      },
      reveal: (id) => {
        const state = store.getState();
        if (!state.session || state.session.current === 'live') return state.select(id);
        state.selectAfterNextReset(id);
        api.selectSession({ id: 'live' }).catch(failed('Show the live session'));
      },
    };
  }, [api, store]);
}
