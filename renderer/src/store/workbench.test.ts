import { describe, expect, it } from 'vitest';
import { row } from '../test-support/rows';
import { createAppStore } from './store';
import { inSessionOrder } from './workbench';

describe('the pane beside the detail', () => {
  it('another session shown forgets what was chosen, and selects the exchange asked for in it', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row()] }]);
    store.getState().choose(['1:0'], '1:0');
    store.getState().selectAfterNextReset('7:0');
    store.getState().ingest([{ reset: true, rows: [row({ connection: 7 })] }]);
    expect(store.getState().selectedId).toBe('7:0');
    expect(store.getState().chosen).toEqual(['7:0']);
    store.getState().ingest([{ reset: true }]);
    expect(store.getState().selectedId).toBeNull();
  });

  it('the composer opens on a new seed each time, keeps its draft out of sight, and closes back to the list', () => {
    const store = createAppStore();
    store.getState().compose(null);
    const first = store.getState().seed.nonce;
    store.getState().compose(null, '1:0');
    expect(store.getState()).toMatchObject({ pane: 'composer', seed: { from: '1:0', nonce: first + 1 } });
    // Out of sight, it keeps its draft; a draft of a composer opened before is not kept.
    const draft = { plan: null, text: 'GET / HTTP/1.1\n', error: null, notes: [], bytes: 18, requests: 1 };
    store.getState().keepDraft(first, draft);
    expect(store.getState().seed.check).toBeNull();
    store.getState().keepDraft(first + 1, draft);
    expect(store.getState().seed).toMatchObject({ check: draft, from: '1:0', nonce: first + 1 });
    store.getState().closePane();
    expect(store.getState().pane).toBe('list');
  });

  it('Resend and Serve take the exchanges chosen in session order, whatever order they were chosen in', () => {
    expect(inSessionOrder(['3:0', '1:1', '9:0'], ['1:0', '1:1', '2:0', '3:0'])).toEqual(['1:1', '3:0']);
  });
});
