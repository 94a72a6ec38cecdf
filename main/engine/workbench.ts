// The composer and the replay origin as the engine holds them: one place that wires them to
// the sessions (read from the one shown, sent into the live one), the proxy and the CA, so
// the engine gives them its accessors and nothing else.

import { readFileSync } from 'node:fs';
import type { ProxyServer } from '../proxy/server';
import { Composer } from './composer';
import { ReplayOrigins } from './replay-origin';
import type { Session } from './session';

export interface WorkbenchHost {
  /** The session shown: where captured requests are read and served from. */
  shown(): Session;
  /** The live session, capturing: where sends are recorded. */
  live(): Session;
  proxy(): ProxyServer | null;
  mode: 'forward' | 'reverse';
  /** --insecure-upstream: direct sends do not verify origins either. */
  insecure: boolean;
  /** Chunkscope's CA certificate, when HTTPS is intercepted: a send through the proxy trusts it. */
  caPath(): string | null;
  /** What the session info shows changed (capturing turned on, a replay origin started or stopped). */
  changed(): void;
}

export class Workbench {
  /** composeFrom, parsePlan, formatPlan, send, resend. */
  readonly composer: Composer;
  /** serveReplay, stopReplay. */
  readonly replays: ReplayOrigins;

  constructor(host: WorkbenchHost) {
    this.replays = new ReplayOrigins(host.shown, host.changed);
    this.composer = new Composer({
      shown: host.shown,
      live: () => {
        const live = host.live();
        host.changed();
        return live;
      },
      proxy: host.proxy,
      mode: host.mode,
      insecure: host.insecure,
      caPem: () => {
        const path = host.caPath();
        return path ? readFileSync(path, 'utf8') : null;
      },
    });
  }

  /** Sends still running end; the replay origin stops. */
  async close(): Promise<void> {
    this.composer.close();
    await this.replays.stop(false);
  }
}
