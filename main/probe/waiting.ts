// Is the client waiting for the lab right now? It is when one of its connections is
// open, the lab has nothing left to write, and the client has read every byte the lab
// sent: then a careful client sits blocked, and CPU time it uses is spinning. The last
// condition needs the kernel's socket queues (socket-queues.ts), which are slow to
// read: they are read at most every CHECK_MS, off the event loop, and only while the
// lab is idle; once they showed nothing unread, that holds until the lab writes again.

import type { LabRecorder } from '../lab/record';
import { unreadBytes } from './socket-queues';

const CHECK_MS = 250;

export class WaitWatch {
  /** When a read of the queues that found nothing unread started, and for which connections. */
  private drained: { at: number; ports: Set<number> } | null = null;
  private checking = false;
  private lastCheck = -Infinity;
  /** The queues cannot be read here (not Linux): waiting cannot be told. */
  private blind = false;

  constructor(
    private readonly labPort: number,
    private readonly recorder: LabRecorder,
    private readonly unread: typeof unreadBytes = unreadBytes,
    /** The client's own port on Chunkscope's proxy, when it goes through it (the app's probe). */
    private readonly relayPort: number | null = null,
  ) {}

  waiting(): boolean | null {
    if (this.blind) return null;
    const live = this.recorder.live();
    if (live.length === 0 || live.some((log) => log.queued > 0)) return false;
    const lastSent = Math.max(...live.map((log) => log.lastSentAt ?? log.openedAt));
    const ports = live.map((log) => log.clientPort);
    const drained = this.drained;
    if (drained && drained.at >= lastSent && ports.every((port) => drained.ports.has(port))) return true;
    if (!this.checking && performance.now() - this.lastCheck >= CHECK_MS) void this.check(new Set(ports));
    return false;
  }

  private async check(ports: Set<number>): Promise<void> {
    this.checking = true;
    const at = performance.now();
    this.lastCheck = at;
    const unread = await this.unread(this.labPort, ports, this.relayPort);
    if (unread === null) this.blind = true;
    else if (unread === 0) this.drained = { at, ports };
    this.checking = false;
  }
}
