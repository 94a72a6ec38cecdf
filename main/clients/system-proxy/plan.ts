// The system proxy: what each platform's settings are, how they are read, set and put back.
// A plan is commands (a program and its arguments, run without a shell) and the parsing
// of their output: pure functions, tested for the exact commands; apply.ts runs them.

export interface Step {
  program: string;
  args: string[];
}

/** Runs a step, resolving with its standard output (rejecting with a sentence when it fails). */
export type Runner = (step: Step) => Promise<string>;

/** What the settings were, as read: kept in the state file until they are put back. */
export type Snapshot = Record<string, unknown>;

export interface ProxyAddress {
  host: string;
  port: number;
}

export interface SystemProxyPlatform {
  id: 'windows' | 'macos' | 'gnome' | 'kde';
  /** "GNOME (gsettings org.gnome.system.proxy)" */
  name: string;
  /** Read the settings as they are (reading may take steps that depend on earlier output). */
  read(run: Runner): Promise<Snapshot>;
  /** The steps that point the system at `proxy`. */
  set(proxy: ProxyAddress, before: Snapshot): Step[];
  /** The steps that put `before` back. */
  restore(before: Snapshot): Step[];
  /** Whether `now` is what `set(proxy)` made: after a crash, only our own settings are put back. */
  isOurs(now: Snapshot, proxy: ProxyAddress): boolean;
  /** What setting it changes, in words, for the user. */
  changes(proxy: ProxyAddress): string;
}
