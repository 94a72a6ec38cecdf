// `chunkscope probe`: a lab origin for the run (https with a CA made for it), then the
// command once per scenario, one after the other, each judged as it ends. Nothing of a
// run stays behind: the command's processes, the lab, the CA's directory.

import type { ProbeReport, ProbeResult } from '../../shared/probe';
import { startLab } from '../lab/lab';
import { LabRecorder } from '../lab/record';
import { clientEnvironment, substitute } from './environment';
import { probeResult } from './result';
import { runCa, type RunCa } from './run-ca';
import { CouldNotStart, runCommand } from './run-command';
import type { ProbeScenario } from './scenarios';
import { WaitWatch } from './waiting';

export interface ProbeOptions {
  command: string[];
  https: boolean;
  timeoutSeconds: number;
  scenarios: ProbeScenario[];
  /** The lab listens: its URL. */
  onStart?: (lab: string) => void;
  /** A scenario was judged. */
  onResult?: (result: ProbeResult) => void;
  /** A scenario's command is about to start. */
  onScenario?: (scenario: ProbeScenario) => void;
  /** Ctrl-C: the command's processes are killed, and the run ends. */
  signal?: AbortSignal;
  /**
   * Through Chunkscope's proxy (the app's probe, its traffic captured): the command's
   * environment (`chunkscope run`'s, naming the client's own proxy port) instead of one
   * that keeps it away from any proxy, and that port, whose queues count in "waiting".
   */
  throughProxy?: { env: NodeJS.ProcessEnv; relayPort: number };
}

/** The run could not happen: the lab, the CA or the command could not start. */
export class CouldNotProbe extends Error {}

export class Interrupted extends Error {
  constructor(readonly done: number) {
    super(`interrupted after ${done} scenario${done === 1 ? '' : 's'}; the command's processes were killed`);
  }
}

const HOST = '127.0.0.1';
/** How long the lab may wait for a client's FIN or RST once the client has exited. */
const SETTLE_MS = 500;

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  let ca: RunCa | null = null;
  if (options.https) {
    try {
      ca = await runCa(HOST);
    } catch (error) {
      throw new CouldNotProbe(`cannot make a CA for the https run: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const recorder = new LabRecorder();
  let lab;
  try {
    lab = await startLab({ host: HOST, port: 0, tls: ca?.context, recorder });
  } catch (error) {
    ca?.remove();
    throw new CouldNotProbe(`cannot start the lab on ${HOST}: ${error instanceof Error ? error.message : String(error)}`);
  }
  options.onStart?.(lab.url);
  const env = options.throughProxy?.env ?? clientEnvironment(process.env, ca?.caFile ?? null);
  const results: ProbeResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      const url = `${lab.url}${scenario.target(options.timeoutSeconds)}`;
      recorder.take();
      const watch = new WaitWatch(lab.port, recorder, undefined, options.throughProxy?.relayPort ?? null);
      options.onScenario?.(scenario);
      let run;
      try {
        run = await runCommand(substitute(options.command, { url, ca: ca?.caFile ?? null }), {
          env,
          timeoutMs: options.timeoutSeconds * 1000,
          waiting: () => watch.waiting(),
          signal: options.signal,
        });
      } catch (error) {
        if (error instanceof CouldNotStart) throw new CouldNotProbe(error.message);
        throw error;
      }
      if (run.interrupted) throw new Interrupted(results.length);
      await recorder.settled(SETTLE_MS);
      const result = probeResult(scenario, url, run, recorder.take(), options.timeoutSeconds);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    await lab.close();
    ca?.remove();
  }
  const asExpected = results.filter((r) => r.asExpected).length;
  return {
    command: options.command,
    https: options.https,
    timeoutSeconds: options.timeoutSeconds,
    lab: lab.url,
    results,
    asExpected,
    notAsExpected: results.length - asExpected,
  };
}
