// Breakpoints for the app: the proxy's held messages of the live session, in the update
// batches (`held`, the whole list when it changes, whichever tab is shown: a held client
// waits for whoever looks), and the API's step, heldData and setReleaseAfter. Messages
// of a live session cleared are released at once; nothing is held while capturing is off
// (the relay records into no session then), so every held message has its row.

import type { SessionInfo, UpdateBatch } from '../../shared/api';
import { DEFAULT_RELEASE_AFTER_SECONDS, HELD_DATA_LIMIT, type HeldData, type HeldMessage, type HeldTimedOut, type StepArgs } from '../../shared/breakpoints';
import { Stepping, StepRefused } from '../rules/stepping';
import type { HeldStep } from '../rules/held';

/** Changes within the list go out within this long (bytes arriving for a held message change it often). */
const LIST_MS = 100;

export interface BreakpointHost {
  /** The recorder of the live session (null: none yet), whose messages are held. */
  owner(): unknown;
  emit(batch: UpdateBatch): void;
  info(): SessionInfo;
}

export class EngineBreakpoints {
  readonly stepping: Stepping;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private lastSent = 0;
  /** Released by the timeout since the last update. */
  private timedOut: HeldTimedOut[] = [];

  constructor(
    private readonly host: BreakpointHost,
    releaseAfterSeconds = DEFAULT_RELEASE_AFTER_SECONDS,
  ) {
    this.stepping = new Stepping({
      releaseAfterMs: releaseAfterSeconds * 1000,
      holds: (owner) => owner !== null && owner === host.owner(),
      // A message held or let go shows at once (a burst of them in one update); bytes arriving for one are said within LIST_MS.
      changed: (membership) => (membership ? this.soon() : this.schedule()),
      // Its owner, not the list: a hundred timeouts firing together would each make the whole list.
      timedOut: (held, owner) => {
        if (owner !== null && owner === this.host.owner()) this.timedOut.push(held);
      },
    });
  }

  get releaseAfterSeconds(): number {
    return this.stepping.releaseAfterMs / 1000;
  }

  /** What the live session holds, in the order it was held. */
  list(): HeldMessage[] {
    const owner = this.host.owner();
    return owner === null ? [] : this.stepping.list(owner);
  }

  step(args: StepArgs): HeldMessage | null {
    const { id, direction, ...action } = args;
    let step: HeldStep;
    if (action.action === 'edit') {
      const data = action.data === undefined ? undefined : Buffer.from(action.data, 'base64');
      if (data && data.length > HELD_DATA_LIMIT) throw new StepRefused(`the edited data is ${data.length.toLocaleString('en-US')} bytes: an edit sends ${HELD_DATA_LIMIT.toLocaleString('en-US')} bytes at most`);
      step = { action: 'edit', head: action.head, sizeLine: action.sizeLine, data };
    } else step = action;
    const after = this.stepping.step({ id, direction }, step, this.ownerOrNone());
    this.send(); // at once: the step's answer and the list agree
    return after;
  }

  heldData({ id, direction }: { id: string; direction: StepArgs['direction'] }): HeldData {
    const { part, sizeLine, data, complete } = this.stepping.peek({ id, direction }, this.ownerOrNone());
    return { part, sizeLine, data: Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, HELD_DATA_LIMIT)).toString('base64'), queued: data.length, complete };
  }

  setReleaseAfter({ seconds }: { seconds: number }): SessionInfo {
    this.stepping.setReleaseAfter(seconds * 1000);
    this.host.emit({ session: this.host.info() });
    this.send();
    return this.host.info();
  }

  /** The live session was replaced (cleared): what the one before held goes on. */
  sessionChanged(): void {
    this.stepping.releaseOthers(this.host.owner());
    this.send();
  }

  close(): void {
    this.closed = true;
    this.cancel();
  }

  /** Steps find only what the live session holds. */
  private ownerOrNone(): unknown {
    const owner = this.host.owner();
    if (owner === null) throw new StepRefused('nothing is held: the proxy has not started');
    return owner;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.send(), LIST_MS);
    this.timer.unref();
  }

  /**
   * After the reads of this turn of the event loop: holds made by many connections at once go
   * in one update. Never more often than every LIST_MS: each update is the whole list (heads
   * included), and connections held one per turn would send it once per message.
   */
  private soon(): void {
    if (this.immediate || this.closed) return;
    if (Date.now() - this.lastSent < LIST_MS) return this.schedule();
    this.immediate = setImmediate(() => this.send());
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private send(): void {
    this.cancel();
    if (this.closed) return;
    this.lastSent = Date.now();
    const timedOut = this.timedOut.splice(0);
    this.host.emit(timedOut.length > 0 ? { held: this.list(), heldTimedOut: timedOut } : { held: this.list() });
  }
}
