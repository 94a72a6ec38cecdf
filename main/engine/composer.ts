// The composer behind the app (the API's composeFrom, parsePlan, formatPlan, send,
// resend): plans read and written, a captured exchange (of the session shown) as its plan,
// and plans sent on our own client connection, always recorded in the live session,
// whichever session is shown. Sent directly, the connection is recorded through the live
// session's recorder as a connection Chunkscope made (a `client` event of `launched:
// 'chunkscope'`), so it shows, and is saved, as any other; sent through the proxy, on a
// proxy port of its own with the same tag, it is captured as any client's.

import type { PlanCheck, ResendResult, SendResult } from '../../shared/compose';
import { exchangeId, parseExchangeId } from '../../shared/exchange-id';
import { DEFAULT_END, type ConnectionPlan } from '../../shared/plan';
import type { ApiRequests } from '../../shared/api';
import { ConnectionAnalyzer } from '../analysis/connection';
import { ClientConnection, recorded } from '../client/connection';
import { CouldNotConnect } from '../client/open';
import { destination, forProxy, NoDestination } from '../compose/destination';
import { formatPlan } from '../compose/format';
import { sendWire, stoppedSentence, type SendOutcome } from '../compose/send';
import { parsePlan, plainText, PlanError } from '../compose/text';
import { planNotes, planWire, PlanTooLarge, type Wire } from '../compose/wire';
import type { ProxyServer } from '../proxy/server';
import { offThread } from './off-thread';
import { EngineError } from './errors';
import { captureFile } from './files';
import type { Session } from './session';
import { resendAll, type CapturedGroup } from './resend';

/** Seconds without a byte from the server before a send stops waiting for it. */
const TIMEOUT_SECONDS = 10;
/**
 * Once every byte of a plan is written, how long the API waits for the connection to be
 * over before it answers anyway (an answer that streams on): the exchanges are in the
 * session, and their rows show the rest as it comes.
 */
const ANSWER_WAIT_MS = 3000;

/** A send carried out: its outcome, or (still running) what it had started. */
type Carried = { outcome: SendOutcome; running: false } | { outcome: null; running: true; requests: number; local: string | null };

export interface ComposerHost {
  /** The session shown now (a file being viewed, or live traffic): where captured requests are read. */
  shown(): Session;
  /** The live session, capturing (turned on if it was off): where sends are recorded. */
  live(): Session;
  proxy(): ProxyServer | null;
  mode: 'forward' | 'reverse';
  /** Origins' certificates are not verified (--insecure-upstream): direct sends do the same. */
  insecure: boolean;
  /** Chunkscope's CA (PEM): a send through the intercepting proxy trusts it. */
  caPem(): string | null;
}

export class Composer {
  /** Sends still running: ended when the engine closes. */
  private readonly running = new Set<ClientConnection>();

  constructor(private readonly host: ComposerHost) {}

  /** Chunkscope closes: so do the connections of sends still running. */
  close(): void {
    for (const client of this.running) {
      client.end('fin');
      client.finish();
    }
    this.running.clear();
  }

  /** A plan checked: its text, the faults it sends on purpose, its size. */
  check(plan: ConnectionPlan): PlanCheck {
    let wire: Wire;
    try {
      wire = planWire(plan);
    } catch (error) {
      if (error instanceof PlanTooLarge) return { plan, text: formatPlan(plan), error: { line: 1, column: 1, offset: 0, reason: error.message }, notes: [], bytes: 0, requests: 0 };
      throw error;
    }
    return { plan, text: formatPlan(plan), error: null, notes: planNotes(plan), bytes: wire.length, requests: wire.requests };
  }

  parsePlan({ text }: ApiRequests['parsePlan']['args']): PlanCheck {
    try {
      return this.check(parsePlan(plainText(text)));
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      return { plan: null, text, error: { line: error.line, column: error.column, offset: error.offset, reason: error.reason }, notes: [], bytes: 0, requests: 0 };
    }
  }

  formatPlan({ plan }: ApiRequests['formatPlan']['args']): PlanCheck {
    return this.check(plan);
  }

  /** The plan that sends captured exchange `id` again, byte for byte, to where it went. */
  async composeFrom({ id }: ApiRequests['composeFrom']['args']): Promise<PlanCheck> {
    const [group] = await this.captured([id], false);
    const found = group!.found;
    return this.check({ to: found.to, pipeline: false, requests: [found.requests[0]!.plan], end: found.end ?? DEFAULT_END });
  }

  /** Captured requests of `session`, grouped by connection, read in the worker thread (the relay goes on meanwhile). */
  async captured(ids: string[], timing: boolean, session = this.host.shown()): Promise<CapturedGroup[]> {
    const byConnection = new Map<number, number[]>();
    for (const id of ids) {
      const ref = parseExchangeId(id);
      if (!ref) throw new EngineError(`no exchange "${id}"`);
      byConnection.set(ref.connection, [...(byConnection.get(ref.connection) ?? []), ref.index]);
    }
    const capture = await captureFile(session);
    const groups: CapturedGroup[] = [];
    for (const [connection, indexes] of byConnection) {
      if (!session.records.has(connection)) throw new EngineError(`no connection c${connection} in this session`);
      try {
        groups.push({ connection, found: await offThread({ task: 'requests', capture, connection, indexes, timing }) });
      } catch (error) {
        throw new EngineError(error instanceof Error ? error.message : String(error));
      }
    }
    return groups;
  }

  async send({ plan, via, tls }: ApiRequests['send']['args']): Promise<SendResult> {
    let to: URL;
    try {
      to = destination(plan, null);
    } catch (error) {
      throw new EngineError(error instanceof NoDestination ? error.message : String(error));
    }
    if (tls !== undefined) to = new URL(`${tls ? 'https' : 'http'}://${to.host}`);
    return via === 'direct' ? this.direct(plan, to) : this.throughProxy(plan, to);
  }

  resend(args: ApiRequests['resend']['args']): Promise<ResendResult> {
    return resendAll(this, this.host, args);
  }

  private wire(plan: ConnectionPlan): Wire {
    try {
      return planWire(plan);
    } catch (error) {
      throw new EngineError(error instanceof Error ? error.message : String(error));
    }
  }

  /** On a connection of Chunkscope's own, recorded in the live session. */
  private async direct(plan: ConnectionPlan, to: URL): Promise<SendResult> {
    const wire = this.wire(plan);
    const recorder = this.host.live().recorder!;
    // Recorded from its first record on: a connection that could not be made leaves nothing behind.
    const analyzer = recorder.open('chunkscope send', 'reverse', true, { launched: 'chunkscope', tag: 'send' });
    const client = new ClientConnection(recorded(recorder, analyzer), recorder.clock);
    const carried = await this.carryOut(wire, client, { url: to, insecure: this.host.insecure }, () => recorder.unrecord(analyzer));
    const requests = carried.running ? carried.requests : carried.outcome.requests;
    const exchanges = Array.from({ length: Math.min(requests, analyzer.exchangeCount()) }, (_, k) => exchangeId(analyzer.number, k));
    return { exchanges, connections: [analyzer.number], notes: planNotes(plan), rewrites: [], ...this.stopped(carried, wire) };
  }

  private stopped(carried: Carried, wire: Wire): Pick<SendResult, 'stopped' | 'running'> {
    return carried.running ? { stopped: null, running: true } : { stopped: stoppedSentence(carried.outcome, wire, TIMEOUT_SECONDS), running: false };
  }

  /** Through the proxy, on a port of its own: the proxy captures it as any client's. */
  private async throughProxy(plan: ConnectionPlan, to: URL): Promise<SendResult> {
    const proxy = this.host.proxy();
    if (!proxy) throw new EngineError('the proxy is not running');
    const session = this.host.live();
    const port = await proxy.listenForClient({ launched: 'chunkscope', tag: 'send' });
    let carried: Carried;
    let rewrites: string[] = [];
    let wire: Wire;
    try {
      // A reverse proxy is the origin to its clients; a forward proxy needs absolute-form targets over http.
      const reverse = this.host.mode === 'reverse';
      if (!reverse) ({ plan, rewrites } = forProxy(plan, to));
      wire = this.wire(plan);
      const analyzer = new ConnectionAnalyzer(1, 'chunkscope send', 'reverse', 0, { keepChunks: false, clientIsChunkscope: true });
      const started = performance.now();
      const client = new ClientConnection(analyzer, () => (performance.now() - started) / 1000);
      const ca = this.host.caPem();
      const options = reverse ? { url: new URL(port.url) } : { url: to, proxy: new URL(port.url), ca: ca ? [ca] : [] };
      carried = await this.carryOut(wire, client, options, () => undefined);
    } finally {
      // No new connection comes to it; one still running goes on.
      await port.close();
    }
    // The proxy recorded the connection (and, for https, its decrypted session) from our end's address.
    const local = carried.running ? carried.local : carried.outcome.local;
    const numbers = [...session.records.values()].filter((r) => r.open.client === local).map((r) => r.number);
    const exchanges: string[] = [];
    const connections: number[] = [];
    for (const n of numbers) {
      const { analyzer } = await session.detail(n);
      if (analyzer.tunnel && numbers.length > 1) continue; // the CONNECT of a session decrypted in another
      connections.push(n);
      for (let k = 0; k < analyzer.exchangeCount(); k++) exchanges.push(exchangeId(n, k));
    }
    return { exchanges, connections, notes: planNotes(plan), rewrites, ...this.stopped(carried, wire) };
  }

  /** Carry out the plan; answer when it is over, or a while after its last byte went out (it then runs on). */
  private async carryOut(wire: Wire, client: ClientConnection, options: { url: URL; proxy?: URL; ca?: string[]; insecure?: boolean }, failed: () => void): Promise<Carried> {
    let written!: () => void;
    const allWritten = new Promise<void>((resolve) => (written = resolve));
    const done = sendWire(wire, client, { ...options, timeoutSeconds: TIMEOUT_SECONDS, written });
    this.running.add(client);
    const settled = done.then(
      (outcome) => ({ outcome, running: false as const }),
      (error: unknown) => {
        failed();
        throw error instanceof CouldNotConnect ? new EngineError(error.message) : error;
      },
    );
    void settled.finally(() => this.running.delete(client)).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = allWritten.then(
      () =>
        new Promise<Carried>((resolve) => {
          timer = setTimeout(() => resolve({ outcome: null, running: true, requests: wire.requests, local: client.local }), ANSWER_WAIT_MS);
        }),
    );
    try {
      return await Promise.race([settled, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
