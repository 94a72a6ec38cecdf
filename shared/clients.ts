// The "Connect a client" panel's view of the engine (shared/api.ts: clientSetup,
// launchBrowser, setSystemProxy): the ways to send a client's traffic through Chunkscope.

/**
 * The client Chunkscope launched that made a connection (the capture's `client` event):
 * `launched` is `run`, `browser` or `probe` (a reader shows any other as it is); `tag` is
 * the command line as typed, or the browser's name.
 */
export interface LaunchedClient {
  launched: string;
  tag: string;
}

/** "launched by chunkscope run" (or browser, probe); the composer's own connections are Chunkscope's. */
export function launchedHow(client: LaunchedClient): string {
  return client.launched === 'chunkscope' ? "made by Chunkscope's composer" : `launched by chunkscope ${client.launched}`;
}

/** "launched by chunkscope run: curl -sS http://…": how a launched client is told, in the app and in inspect. */
export function launchedLine(client: LaunchedClient): string {
  return `${launchedHow(client)}: ${client.tag}`;
}

export type ShellName = 'bash' | 'zsh' | 'fish' | 'powershell' | 'cmd';

export interface ClientVariableView {
  name: string;
  value: string;
  /** Who reads it, in words. */
  readBy: string;
}

export interface SystemProxyState {
  on: boolean;
  /** A plan exists here (Windows, macOS, GNOME, KDE). */
  supported: boolean;
  /** "GNOME (gsettings org.gnome.system.proxy)" */
  platform: string | null;
  /** While on: what was changed, in words. */
  changes: string | null;
  /** When not supported: why, and what to use instead. */
  reason: string | null;
}

export interface ClientSetup {
  /** The proxy clients use, when one runs. */
  proxy: string | null;
  /** The CA's certificate file, its SPKI hash (Chromium), and the bundle of the system's roots and the CA. */
  ca: { path: string; spki: string; bundle: string };
  /** What `chunkscope run` sets, in order (empty while no proxy runs). */
  variables: ClientVariableView[];
  /** The same for a terminal already open: the lines (null where that shell cannot carry a value), and how to apply and undo `chunkscope env`. */
  shells: { shell: ShellName; lines: string | null; apply: string; off: string }[];
  /** The command that runs a client tagged: "chunkscope run -- COMMAND". */
  run: string;
  /** Browsers found here, for "Launch a browser". */
  browsers: { name: string; path: string }[];
  systemProxy: SystemProxyState;
  /** Trusting the CA system-wide (`chunkscope ca --install`): what it changes and the commands, or why there is none. */
  trustCa: { store: string | null; changes: string | null; commands: string[]; reason: string | null };
}

export interface LaunchedBrowserInfo {
  browser: string;
  path: string;
  pid: number;
  /** Its fresh profile, removed when it closes. */
  profile: string;
  /** The browser's own proxy port: its exchanges are tagged with its name. */
  proxy: string;
  /** What the launch did that the user should know, in words. */
  notes: string[];
}
