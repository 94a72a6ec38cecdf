// The app's probe in the engine's worker thread (main/engine/probing.ts starts it): the
// lab, the command's processes and their /proc sampling all live on this thread's event
// loop, never on the relay's. Each step goes back as a message; a `cancel` message kills
// the command's processes and ends the run, the lab closed, nothing left running.

import type { ProbeReport, ProbeResult } from '../../shared/probe';
import { CouldNotProbe, Interrupted, runProbe } from './probe';
import { PROBE_SCENARIOS } from './scenarios';

export interface ProbeTask {
  task: 'probe';
  command: string[];
  /** Scenario names, in the order to run them. */
  scenarios: string[];
  timeoutSeconds: number;
  /** `chunkscope run`'s environment, naming the client's own proxy port. */
  env: NodeJS.ProcessEnv;
  relayPort: number;
}

export type ProbeMessage =
  | { type: 'started'; lab: string }
  | { type: 'scenario'; name: string }
  | { type: 'result'; result: ProbeResult }
  | { type: 'done'; report: ProbeReport }
  | { type: 'cancelled'; done: number; message: string }
  | { type: 'failed'; message: string };

export async function runProbeTask(task: ProbeTask, post: (message: ProbeMessage) => void, signal: AbortSignal): Promise<void> {
  const scenarios = task.scenarios.map((name) => PROBE_SCENARIOS.find((s) => s.name === name)!);
  try {
    const report = await runProbe({
      command: task.command,
      https: false,
      timeoutSeconds: task.timeoutSeconds,
      scenarios,
      signal,
      throughProxy: { env: task.env, relayPort: task.relayPort },
      onStart: (lab) => post({ type: 'started', lab }),
      onScenario: (scenario) => post({ type: 'scenario', name: scenario.name }),
      onResult: (result) => post({ type: 'result', result }),
    });
    post({ type: 'done', report });
  } catch (error) {
    if (error instanceof Interrupted) return post({ type: 'cancelled', done: error.done, message: error.message });
    post({ type: 'failed', message: error instanceof CouldNotProbe || error instanceof Error ? error.message : String(error) });
  }
}
