// `chunkscope probe`: how a client handled each misbehaving scenario of the lab. Plain
// data: the CLI prints it as a table, as JSON (this shape: extend it, never rename) and
// as JUnit XML; the app can show the same report. Times are seconds since the command
// of that scenario started.

/** What a careful client does with a scenario. */
export type ProbeExpectation =
  /** Reads it and exits 0: a valid variant of the framing. */
  | 'accept'
  /** Exits non-zero: truncated or malformed framing must be reported. */
  | 'error'
  /** Either, as long as it neither hangs nor spins (the RFC allows both). */
  | 'either';

/** What the client did. */
export type ProbeOutcome =
  /** Exited 0. */
  | 'accepted'
  /** Exited with a non-zero status. */
  | 'reported-error'
  /** Still running at the timeout: the probe killed its whole process group. */
  | 'hung'
  /** Ended by a signal the probe did not send (SIGSEGV, SIGABRT, …). */
  | 'crashed';

/** One connection the client opened to the lab, as the lab saw it. */
export interface ProbeConnection {
  openedAt: number;
  /** Requests the lab read whole on it. */
  requests: number;
  /** Bytes the lab sent on it: what the client could read (inside TLS, the HTTP bytes). */
  bytesSent: number;
  /** How the lab ended it, when it did: `fin` (inside TLS, close_notify then FIN) or `rst`. */
  labEnd: { how: 'fin' | 'rst'; at: number } | null;
  /**
   * How the client ended its side: a FIN, an RST (a client that closes with unread
   * bytes, or is killed with them, resets), or another socket error. Null when it never
   * did while the lab watched.
   */
  clientEnd: { how: 'fin' | 'rst' | 'error'; at: number } | null;
  /** Inside TLS: why the handshake failed (the client did not trust the run's CA, …). */
  tlsFailure: string | null;
}

export interface ProbeResult {
  /** The lab's name for the scenario (`no-terminator`, `malformed/bare-lf`). */
  scenario: string;
  /** The URL that replaced {url} in the command. */
  url: string;
  expected: ProbeExpectation;
  /** What a careful client does here, in words. */
  careful: string;
  outcome: ProbeOutcome;
  /** The command's exit status; null when a signal ended it. */
  exitStatus: number | null;
  /** The signal that ended it: SIGKILL from the probe when it hung, or its own crash. */
  signal: string | null;
  wallSeconds: number;
  /**
   * User plus system CPU time of the command and every process it started. Null where
   * it cannot be measured (no /proc: not Linux).
   */
  cpuSeconds: number | null;
  /**
   * Time the client spent waiting for the lab: a connection open, and every byte the lab
   * sent already read. Null where it cannot be measured.
   */
  waitingSeconds: number | null;
  /** CPU time it used while it waited. */
  waitingCpuSeconds: number | null;
  /** Killed at the timeout. */
  hung: boolean;
  /** Used the CPU while it waited (see SPINNING): the feed reader's bug. */
  spinning: boolean;
  /** Bytes the lab sent on all its connections. */
  bytesSent: number;
  connections: ProbeConnection[];
  /** Processes still running after the command ended, killed by the probe. */
  leftBehind: number;
  asExpected: boolean;
  /** What it did, against what a careful client does: one sentence. */
  verdict: string;
  /** The end of what the command wrote on stderr (at most 2,000 characters). */
  stderr: string;
}

export interface ProbeReport {
  /** The command as given, with {url} (and {ca}) still in it. */
  command: string[];
  https: boolean;
  timeoutSeconds: number;
  /** The lab origin started for the run. */
  lab: string;
  results: ProbeResult[];
  asExpected: number;
  notAsExpected: number;
}

/**
 * A client spins when, waiting at least `minWaitingSeconds` in all, it used the CPU for
 * at least `share` of that time (a client blocked in poll or read uses next to none).
 */
export const SPINNING = { share: 0.25, minWaitingSeconds: 0.5 } as const;

/** A scenario as the app's "Probe a client" panel lists it. */
export interface ProbeScenarioInfo {
  name: string;
  expected: ProbeExpectation;
  careful: string;
}

/** The app's probe (shared/api.ts `probe`): the command as typed, with {url}; its scenarios (names or globs, all by default). */
export interface ProbeArgs {
  command: string;
  only?: string[];
  timeoutSeconds?: number;
}

export interface ProbeStarted {
  id: string;
  /** The scenarios it runs, in order. */
  scenarios: string[];
}

/** A scenario's result in the app, with the exchanges its command made (in the live session). */
export interface ProbeRow extends ProbeResult {
  /** Exchange ids (shared/exchange-id.ts), in order; empty when the client did not go through the proxy. */
  exchanges: string[];
}

/** A probe's state, whole, in the update stream (UpdateBatch.probe) after each step. */
export interface ProbeUpdate {
  id: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  /** The command as typed: also the tag of its exchanges. */
  command: string;
  timeoutSeconds: number;
  /** The lab started for the run, once it listens. */
  lab: string | null;
  scenarios: string[];
  /** The scenario whose command runs now. */
  current: string | null;
  results: ProbeRow[];
  /** Why it failed or stopped, in words. */
  error: string | null;
}
