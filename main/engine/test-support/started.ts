// An engine started in reverse mode before a scripted origin (or none), and what a UI
// would hold from its updates: rows and connections by key, the session, the resets.

import type { ConnectionRow, ExchangeRow, SessionInfo, UpdateBatch } from '../../../shared/api';
import { withWholeSpans } from '../../../shared/lane-spans';
import { origin, type Step } from '../../proxy/test-support/origin';
import { Engine } from '../engine';

export async function startedEngine(steps: Step[] | null, cleanups: (() => Promise<unknown>)[], options: { stallSeconds?: number } = {}) {
  const server = steps ? await origin(steps) : null;
  if (server) cleanups.push(() => server.close());
  const engine = new Engine({
    proxyHost: '127.0.0.1',
    proxyPort: 0,
    reverse: server ? { host: '127.0.0.1', port: server.port } : null,
    stallSeconds: options.stallSeconds ?? 2,
  });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const ui = { rows: new Map<string, ExchangeRow>(), connections: new Map<number, ConnectionRow>(), session: null as SessionInfo | null, resets: 0 };
  engine.onUpdate((batch: UpdateBatch) => {
    if (batch.reset) {
      ui.rows.clear();
      ui.connections.clear();
      ui.resets++;
    }
    if (batch.session) ui.session = batch.session;
    for (const row of batch.rows ?? []) ui.rows.set(row.id, row);
    for (const c of batch.connections ?? []) ui.connections.set(c.number, withWholeSpans(ui.connections.get(c.number), c));
  });
  return { engine, proxy, server, ui, row: (id: string) => ui.rows.get(id) };
}
