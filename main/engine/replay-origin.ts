// Replay from the app (the API's serveReplay, stopReplay): the selected exchanges, or the
// whole session, served as a replay origin on a loopback port, exactly as `replay --serve`
// serves a capture file: same bytes, same reads, same gaps, same end. Each connection is
// analysed from the session's file in slices, so the relay runs meanwhile; the bytes stay
// in the file and are read as they are served.

import type { ReplayOrigin } from '../../shared/compose';
import { parseExchangeId } from '../../shared/exchange-id';
import { CapturedSession, capturedConnection, type CapturedConnection } from '../replay/captured';
import { startReplayServer, type ReplayServer } from '../replay/serve';
import { EngineError } from './errors';
import type { Session } from './session';

export class ReplayOrigins {
  private current: { server: ReplayServer; replay: CapturedSession; info: ReplayOrigin } | null = null;

  constructor(
    private readonly session: () => Session,
    /** Told when the origin starts or stops (the session info shows it). */
    private readonly changed: () => void,
  ) {}

  info(): ReplayOrigin | null {
    return this.current?.info ?? null;
  }

  async serve({ ids }: { ids?: string[] }): Promise<ReplayOrigin> {
    const session = this.session();
    const selected = ids ? new Set<string>() : null;
    const numbers = new Set<number>();
    for (const id of ids ?? []) {
      const ref = parseExchangeId(id);
      if (!ref || !session.records.has(ref.connection)) throw new EngineError(`no exchange "${id}" in this session`);
      selected!.add(`${ref.connection}:${ref.index}`);
      numbers.add(ref.connection);
    }
    const connections: CapturedConnection[] = [];
    for (const number of ids ? numbers : session.records.keys()) {
      const { analyzer, records } = await session.analyse(number);
      analyzer.finish();
      connections.push(capturedConnection(analyzer.report(), [...records.clientReads()], records.open.time, [records.bytesOf(0), records.bytesOf(1)]));
    }
    const exchanges = selected ? selected.size : connections.reduce((n, c) => n + c.exchanges.filter((e) => e.method !== null && e.method !== 'CONNECT').length, 0);
    if (exchanges === 0) throw new EngineError('the session has no exchange to serve yet');
    await this.stop(false);
    const replay = CapturedSession.over(session.path, connections);
    let server: ReplayServer;
    try {
      server = await startReplayServer(replay, { host: '127.0.0.1', port: 0, exchanges: selected ? (c, i) => selected.has(`${c}:${i}`) : null });
    } catch (error) {
      replay.close();
      throw error;
    }
    this.current = { server, replay, info: { url: server.url, port: server.port, connections: connections.length, exchanges } };
    this.changed();
    return this.current.info;
  }

  async stop(tell = true): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    await current.server.close();
    current.replay.close();
    if (tell) this.changed();
  }
}
