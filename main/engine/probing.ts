// The app's "Probe a client" (the API's probe, cancelProbe, probeScenarios): main/probe's
// scenarios run against a command typed in the app, in the engine's worker thread (its
// lab, processes and /proc sampling off the relay's event loop). The command goes through
// a proxy port of its own, tagged with it, so each scenario's traffic is in the live
// session: each result carries the exchanges its connections made. One probe at a time.

import { Worker } from 'node:worker_threads';
import type { ExchangeRow, UpdateBatch } from '../../shared/api';
import { exchangeId } from '../../shared/exchange-id';
import type { ProbeArgs, ProbeResult, ProbeScenarioInfo, ProbeStarted, ProbeUpdate } from '../../shared/probe';
import type { ClientSupport } from '../clients/support';
import { commandWords } from '../probe/command-line';
import { commandProblem } from '../probe/environment';
import { chooseScenarios, PROBE_SCENARIOS, unknownNames } from '../probe/scenarios';
import type { ProbeMessage, ProbeTask } from '../probe/worker-side';
import type { ClientPort } from '../proxy/server';
import { EngineError } from './errors';
import { workerPath } from './off-thread';

export const DEFAULT_PROBE_TIMEOUT = 10;
/** How long a cancelled probe's thread may take to kill its command and close its lab before it is ended. */
const CANCEL_MS = 10_000;
/** How long a result waits for its connections' rows (made within the session's FLUSH_MS). */
const ROWS_MS = 1500;
/** The longest tag kept, as `chunkscope run`'s. */
const TAG_MAX = 2000;

export interface ProbingHost {
  clients: ClientSupport;
  /** A row of the live session, by exchange id. */
  liveRow(id: string): ExchangeRow | undefined;
  emit(batch: UpdateBatch): void;
}

interface Run {
  state: ProbeUpdate;
  worker: Worker;
  port: ClientPort;
  /** Connections made from its port, by the scenario that was running. */
  connections: Map<string, number[]>;
  /** Results are told in order, each once its exchanges are known. */
  told: Promise<void>;
  ended: Promise<void>;
  cancelling: boolean;
}

export class Probing {
  private run: Run | null = null;
  /** A probe between its checks and its run (opening its port): a second one waits for nothing, it is refused. */
  private starting: Promise<unknown> | null = null;
  private probes = 0;

  constructor(private readonly host: ProbingHost) {}

  scenarios(): ProbeScenarioInfo[] {
    return PROBE_SCENARIOS.map((s) => ({ name: s.name, expected: s.expected, careful: s.careful }));
  }

  async start(args: ProbeArgs): Promise<ProbeStarted> {
    // The last probe said it ended and is letting go of its thread and port: the next one waits for that, not for a second cancel.
    if (this.run && this.run.state.state !== 'running') await this.run.ended;
    if (this.run) throw new EngineError(`a probe of ${this.run.state.command} is running: cancel it first`);
    if (this.starting) throw new EngineError('another probe is starting: cancel it first');
    const starting = this.begin(args);
    this.starting = starting;
    try {
      return await starting;
    } finally {
      this.starting = null;
    }
  }

  private async begin(args: ProbeArgs): Promise<ProbeStarted> {
    if (process.platform === 'win32') throw new EngineError("probing a client runs on Linux and macOS (it kills the command's process group at the timeout)");
    const words = commandWords(args.command);
    if (!Array.isArray(words)) throw new EngineError(words.problem);
    const problem = commandProblem(words, false);
    if (problem) throw new EngineError(problem.replace('chunkscope probe -- ', ''));
    const only = args.only ?? [];
    const unknown = unknownNames(only);
    if (unknown.length > 0) throw new EngineError(`no scenario is named ${unknown.map((n) => `"${n}"`).join(', ')}`);
    const scenarios = chooseScenarios(only, []).map((s) => s.name);
    if (scenarios.length === 0) throw new EngineError('no scenario chosen');

    const id = `p${++this.probes}`;
    // The tag is the line as typed (`run` quotes its words; here the user's own quoting is the truth).
    const typed = args.command.trim();
    const tag = typed.length > TAG_MAX ? `${typed.slice(0, TAG_MAX - 1)}…` : typed;
    const connections = new Map<string, number[]>();
    let current: string | null = null;
    const port = await this.host.clients.openClientPort({ launched: 'probe', tag }, (connection) => {
      if (current) connections.get(current)!.push(connection);
    });
    const timeoutSeconds = args.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT;
    const task: ProbeTask = { task: 'probe', command: words, scenarios, timeoutSeconds, env: await this.host.clients.launchedEnvironment(port), relayPort: port.port };
    const worker = new Worker(workerPath(), { workerData: task });
    let ended!: () => void;
    const run: Run = {
      state: { id, state: 'running', command: typed, timeoutSeconds, lab: null, scenarios, current: null, results: [], error: null },
      worker,
      port,
      connections,
      told: Promise.resolve(),
      ended: new Promise<void>((resolve) => (ended = resolve)),
      cancelling: false,
    };
    this.run = run;
    const update = (change: Partial<ProbeUpdate>) => {
      run.state = { ...run.state, ...change };
      this.host.emit({ probe: run.state });
    };
    let over = false;
    const finish = (change: Partial<ProbeUpdate>) => {
      if (over) return;
      over = true;
      // Its last results first; then it is over.
      run.told = run.told.then(async () => {
        update({ ...change, current: null });
        await worker.terminate();
        await port.close();
        if (this.run === run) this.run = null;
        ended();
      });
    };
    worker.on('message', (message: ProbeMessage) => {
      switch (message.type) {
        case 'started':
          return update({ lab: message.lab });
        case 'scenario':
          current = message.name;
          connections.set(message.name, []);
          return update({ current: message.name });
        case 'result': {
          const made = connections.get(message.result.scenario) ?? [];
          run.told = run.told.then(async () => update({ results: [...run.state.results, { ...message.result, exchanges: await this.exchangesOf(made, message.result) }] }));
          return;
        }
        case 'done':
          return finish({ state: 'done' });
        case 'cancelled':
          return finish({ state: 'cancelled', error: message.message });
        case 'failed':
          return finish({ state: 'failed', error: message.message });
      }
    });
    worker.on('error', (error) => finish({ state: 'failed', error: `the probe stopped: ${error.message}` }));
    worker.on('exit', (code) => finish({ state: 'failed', error: `the probe's worker thread stopped (exit code ${code}) before it finished` }));
    update({});
    return { id, scenarios };
  }

  /** The exchanges of these connections in the live session, once their rows are made (as many requests as the lab read, or ROWS_MS). */
  private async exchangesOf(connections: number[], result: ProbeResult): Promise<string[]> {
    const requests = result.connections.reduce((n, c) => n + c.requests, 0);
    const deadline = performance.now() + ROWS_MS;
    for (;;) {
      const ids = connections.flatMap((connection) => {
        const found: string[] = [];
        for (let index = 0; this.host.liveRow(exchangeId(connection, index)); index++) found.push(exchangeId(connection, index));
        return found;
      });
      if (ids.length >= requests || performance.now() >= deadline) return ids;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stop the probe: its command's processes are killed, its lab closed; its last update says so. */
  cancel({ id }: { id: string }): { cancelled: boolean } {
    const run = this.run;
    if (!run || run.state.id !== id || run.state.state !== 'running') return { cancelled: false };
    if (!run.cancelling) {
      run.cancelling = true;
      run.worker.postMessage({ type: 'cancel' });
      // A thread that does not answer is ended: its command dies with its process group's kill, sent from the thread; nothing else is left to wait for.
      setTimeout(() => this.run === run && void run.worker.terminate(), CANCEL_MS).unref();
    }
    return { cancelled: true };
  }

  /** The engine closes: a running probe is cancelled and waited for. */
  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const run = this.run;
    if (!run) return;
    this.cancel({ id: run.state.id });
    await run.ended;
  }
}
