import { describe, expect, it } from 'vitest';
import { row } from '../test-support/rows';
import { createAppStore } from './store';
import { pickedInOrder } from './workbench';

const order = ['1:0', '1:1', '2:0', '3:0', '4:0'];

describe('picking several exchanges', () => {
  it('a click picks one, Ctrl adds or takes away, Shift picks the range from the one shown', () => {
    const store = createAppStore();
    const { pick } = store.getState();
    pick('1:1', 'only', order);
    expect([...store.getState().picked]).toEqual(['1:1']);
    pick('3:0', 'toggle', order);
    expect(pickedInOrder(store.getState().picked, store.getState().selectedId, order)).toEqual(['1:1', '3:0']);
    expect(store.getState().selectedId).toBe('3:0');
    // Ctrl on the one shown takes it away: the detail goes back to one still picked.
    pick('3:0', 'toggle', order);
    expect(store.getState().selectedId).toBe('1:1');
    pick('4:0', 'range', order);
    expect(pickedInOrder(store.getState().picked, store.getState().selectedId, order)).toEqual(['1:1', '2:0', '3:0', '4:0']);
    store.getState().select('2:0');
    expect([...store.getState().picked]).toEqual(['2:0']);
  });

  it('another session shown forgets the pick, and selects the exchange asked for in it', () => {
    const store = createAppStore();
    store.getState().ingest([{ rows: [row()] }]);
    store.getState().pick('1:0', 'only', order);
    store.getState().selectAfterNextReset('7:0');
    store.getState().ingest([{ reset: true, rows: [row({ connection: 7 })] }]);
    expect(store.getState().selectedId).toBe('7:0');
    expect([...store.getState().picked]).toEqual(['7:0']);
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
});
