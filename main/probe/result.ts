// One scenario's result: what the command did (run-command.ts) and what the lab saw
// (record.ts), judged against what a careful client does. Pure: the same facts give the
// same verdict and the same sentence.

import { SPINNING, type ProbeConnection, type ProbeExpectation, type ProbeOutcome, type ProbeResult } from '../../shared/probe';
import { duration, plural } from '../../shared/words';
import type { ConnectionLog } from '../lab/record';
import type { CommandRun } from './run-command';
import type { ProbeScenario } from './scenarios';

/** The lab's record of a connection, in seconds since the command started. */
/** Seconds to the millisecond: the JSON says what was measured, not the float noise. */
const toMs = (seconds: number) => Math.round(seconds * 1000) / 1000;

export function probeConnection(log: ConnectionLog, startedAt: number): ProbeConnection {
  const since = (at: number) => toMs(Math.max(0, (at - startedAt) / 1000));
  return {
    openedAt: since(log.openedAt),
    requests: log.requests,
    bytesSent: log.bytesSent,
    labEnd: log.labEnd && { how: log.labEnd.how, at: since(log.labEnd.at) },
    clientEnd: log.clientEnd && { how: log.clientEnd.how, at: since(log.clientEnd.at) },
    tlsFailure: log.tlsFailure,
  };
}

export function outcomeOf(run: Pick<CommandRun, 'hung' | 'exitStatus' | 'signal'>): ProbeOutcome {
  if (run.hung) return 'hung';
  if (run.exitStatus === null) return 'crashed';
  return run.exitStatus === 0 ? 'accepted' : 'reported-error';
}

export function isSpinning(run: Pick<CommandRun, 'waitingSeconds' | 'waitingCpuSeconds'>): boolean {
  if (run.waitingSeconds === null || run.waitingCpuSeconds === null) return false;
  return run.waitingSeconds >= SPINNING.minWaitingSeconds && run.waitingCpuSeconds >= SPINNING.share * run.waitingSeconds;
}

function meets(expected: ProbeExpectation, outcome: ProbeOutcome): boolean {
  if (outcome === 'hung' || outcome === 'crashed') return false;
  return expected === 'either' || (expected === 'accept') === (outcome === 'accepted');
}

/** What it did, first words of the verdict: "reported an error (exit 18)". */
function did(outcome: ProbeOutcome, run: Pick<CommandRun, 'exitStatus' | 'signal'>, timeoutSeconds: number): string {
  switch (outcome) {
    case 'accepted':
      return 'accepted it (exit 0)';
    case 'reported-error':
      return `reported an error (exit ${run.exitStatus})`;
    case 'crashed':
      return `crashed (${run.signal})`;
    case 'hung':
      return `hung: still running after ${duration(timeoutSeconds)}, killed with everything it started`;
  }
}

function spinWords(run: Pick<CommandRun, 'waitingSeconds' | 'waitingCpuSeconds'>): string {
  return `${duration(run.waitingCpuSeconds ?? 0)} of CPU in ${duration(run.waitingSeconds ?? 0)} of waiting`;
}

/** What the lab saw that the verdict needs: did a request arrive, did TLS fail. */
export interface LabSaw {
  requests: number;
  tlsFailure: string | null;
}

/** The sentence: what it did, then what was wrong with that, if anything. */
export function verdictSentence(scenario: ProbeScenario, run: CommandRun, timeoutSeconds: number, saw: LabSaw): string {
  const outcome = outcomeOf(run);
  const spinning = isSpinning(run);
  const parts = [did(outcome, run, timeoutSeconds)];
  if (spinning) parts.push(`it spun while it waited for the server: ${spinWords(run)}`);
  else if (outcome === 'hung' && run.waitingSeconds !== null) {
    parts.push(
      run.waitingSeconds >= SPINNING.minWaitingSeconds
        ? `blocked, not spinning: ${spinWords(run)}`
        : `${duration(run.cpuSeconds ?? 0)} of CPU, not waiting for the server (it had bytes still to read, or no connection open)`,
    );
  }
  if (saw.requests === 0) {
    parts.push(
      saw.tlsFailure
        ? `the TLS handshake failed (${saw.tlsFailure}): does the command trust the run's CA? (SSL_CERT_FILE and the others are set; some clients need {ca})`
        : 'it sent no request to the lab: is {url} in the command where the URL goes?',
    );
  } else if (outcome !== 'hung' && !meets(scenario.expected, outcome)) parts.push(`a careful client ${scenario.careful}`);
  if (run.leftBehind > 0) parts.push(`it left ${plural(run.leftBehind, 'process', 'processes')} running, killed since`);
  if (run.survivors > 0) parts.push(`${plural(run.survivors, 'process', 'processes')} of it could not be killed (stuck in the kernel: see ps)`);
  return parts.join('; ');
}

export function probeResult(scenario: ProbeScenario, url: string, run: CommandRun, logs: ConnectionLog[], timeoutSeconds: number): ProbeResult {
  const outcome = outcomeOf(run);
  const spinning = isSpinning(run);
  const connections = logs.map((log) => probeConnection(log, run.startedAt));
  const saw = { requests: connections.reduce((sum, c) => sum + c.requests, 0), tlsFailure: connections.find((c) => c.tlsFailure)?.tlsFailure ?? null };
  return {
    scenario: scenario.name,
    url,
    expected: scenario.expected,
    careful: scenario.careful,
    outcome,
    exitStatus: run.exitStatus,
    signal: run.signal,
    wallSeconds: toMs(run.wallSeconds),
    cpuSeconds: run.cpuSeconds,
    waitingSeconds: run.waitingSeconds === null ? null : toMs(run.waitingSeconds),
    waitingCpuSeconds: run.waitingCpuSeconds,
    hung: run.hung,
    spinning,
    bytesSent: connections.reduce((sum, c) => sum + c.bytesSent, 0),
    connections,
    leftBehind: run.leftBehind,
    // A client that never asked the lab anything was not tested, whatever its exit status.
    asExpected: saw.requests > 0 && meets(scenario.expected, outcome) && !spinning,
    verdict: verdictSentence(scenario, run, timeoutSeconds, saw),
    stderr: run.stderr,
  };
}
