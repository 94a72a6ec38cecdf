// The API between the engine (main/) and the UI (renderer/): written once, carried by
// two transports (Electron IPC through the preload, and the loopback WebSocket bridge of
// `chunkscope serve`). Types only: main validates every payload at run time.

import type { BodySlice, BodySliceArgs } from './body';
import type { HeldData, HeldMessage, StepArgs } from './breakpoints';
import type { ClientSetup, LaunchedBrowserInfo, SystemProxyState } from './clients';
import type { PlanCheck, ReplayOrigin, ResendResult, SendResult } from './compose';
import type { ExchangeDetail, RawSlice, RawStream, StreamViewResult, WebSocketMessagesResult } from './detail';
import type { Direction } from './http1';
import type { ExportedSelection, ExportSelection, RecentFile } from './kept';
import type { ConnectionPlan } from './plan';
import type { ProbeArgs, ProbeScenarioInfo, ProbeStarted } from './probe';
import type { ExchangeRow, RuleEntry, SessionInfo, UpdateBatch } from './rows';
import type { SearchArgs, SearchStarted } from './search';

// The types the API's methods answer with live beside it: the lists (rows.ts) and one exchange (detail.ts).
export type * from './rows';
export type * from './detail';
export type { WebSocketMessage, WebSocketRow } from './websocket';
export type { ExchangeMark, ExportedSelection, ExportSelection, RecentFile } from './kept';

/**
 * A method of the API: its argument and its answer (types only), and where it can run:
 * `desktop` for the ones that take a path on this machine or run a program there (a
 * browser uploads and downloads instead; the bridge refuses them). `runs`: it runs a
 * program of the caller's choosing; `chunkscope serve --allow-commands` lets the bridge
 * take these (and no other desktop method).
 */
export interface Method<Args, Result> {
  readonly where: 'anywhere' | 'desktop';
  readonly runs?: boolean;
  /** Never set: carries the types. */
  readonly types?: { args: Args; result: Result };
}

function method<Args, Result>(where: Method<Args, Result>['where'] = 'anywhere', runs = false): Method<Args, Result> {
  return runs ? { where, runs } : { where };
}

/**
 * Every request the UI can make: the one map the engine's dispatcher, the Electron preload
 * and the WebSocket transport are all derived from (shared/api-client.ts).
 */
export const API = {
  hello: method<void, SessionInfo>(),
  setCapturing: method<{ on: boolean }, SessionInfo>(),
  /** Empty the live session (its capture so far is removed: the app asks first when it is not saved). */
  clear: method<void, SessionInfo>(),
  /** Show another session: the update that follows resets the rows to its own. */
  selectSession: method<{ id: string }, SessionInfo>(),
  /** Close a file's session (the live session is cleared, not closed). */
  closeSession: method<{ id: string }, SessionInfo>(),
  /** `chunksFrom`: the chunk ledgers only from these chunks on (the caller has the ones before). */
  exchangeDetail: method<{ id: string; chunksFrom?: { request: number; response: number } }, ExchangeDetail>(),
  raw: method<{ connection: number; stream: RawStream; offset: number; length: number }, RawSlice>(),
  /**
   * Pin or comment an exchange of the session shown (an unpinned mark without a comment
   * takes the mark away); saved in the capture as a `mark` event. Its row, marked.
   */
  setMark: method<{ id: string; pinned: boolean; comment: string }, ExchangeRow>(),
  /** Replace the live proxy's rules (each checked with shared/rules.ts parseRule); new connections get them. */
  setRules: method<{ rules: RuleEntry[] }, SessionInfo>(),
  /**
   * One step on a message held at a breakpoint (a `break-response` or `break-request` rule,
   * set with setRules): release the next part, the rest, edit, drop the last chunk, stall,
   * or end the connection (shared/breakpoints.ts). Its state after the step; null once it
   * is not held any more. A step that cannot be taken is refused with why.
   */
  step: method<StepArgs, HeldMessage | null>(),
  /** What arrived so far of a held message's next part (its data, for an editor). */
  heldData: method<{ id: string; direction: Direction }, HeldData>(),
  /** Seconds after which a held message nobody steps is released (for those held now too). */
  setReleaseAfter: method<{ seconds: number }, SessionInfo>(),
  /** Start the built-in lab server (once) and send a sample of its scenarios through the proxy. */
  tryLab: method<void, { lab: string; requests: string[] }>(),
  /** Open a capture file by path (Electron: from the menu or a drop) in a session of its own; the live capture goes on. */
  openCapture: method<{ path: string }, SessionInfo>('desktop'),
  /** Save the current session's capture to a path (Electron). */
  saveCapture: method<{ path: string }, { path: string; bytes: number }>('desktop'),
  /** Save the current session as HAR 1.2 to a path (Electron); bodies over maxBodyBytes are cut. */
  saveHar: method<{ path: string; maxBodyBytes?: number }, { path: string; entries: number }>('desktop'),
  /**
   * Exchanges `ids` of the current session alone, as a capture (one that opens, in which
   * each reads as it did: export/excerpt.ts) or as HAR, written to a path (Electron; a
   * browser downloads them from the bridge instead).
   */
  exportSelected: method<ExportSelection & { path: string }, ExportedSelection>('desktop'),
  /** A curl command that sends a captured request again; a binary body is written to `bodyFile` first. */
  curlCommand: method<{ id: string }, { command: string; bodyFile: string | null }>(),
  /** The Stream view of an exchange's response (feed items, events, JSON values, lines). */
  streamView: method<{ id: string; from?: number }, StreamViewResult>(),
  /** The messages of the WebSocket an exchange's 101 began, from message #from on (both sides, in the order they completed). */
  webSocketMessages: method<{ id: string; from?: number }, WebSocketMessagesResult>(),
  /**
   * Search the session's headers and bodies (as sent and decoded) on disk, in a worker
   * thread: answers at once with the search's id; matches come in UpdateBatch.search.
   */
  search: method<SearchArgs, SearchStarted>(),
  /** Stop a search; its last update says so. `cancelled` is false when it had already ended. */
  cancelSearch: method<{ id: string }, { cancelled: boolean }>(),
  /** A slice of an exchange's request or response body, as sent or decoded, read from disk (shared/body.ts). */
  body: method<BodySliceArgs, BodySlice>(),
  /** "Connect a client": the proxy, the CA, the variables and shell lines of `chunkscope env`, browsers found, the system proxy, trusting the CA system-wide. */
  clientSetup: method<void, ClientSetup>(),
  /** Open a browser (a name from clientSetup's browsers, or the first found) with a fresh profile on a proxy port of its own; its exchanges are tagged with it. */
  launchBrowser: method<{ browser?: string; url?: string }, LaunchedBrowserInfo>(),
  /** Set the operating system's proxy to Chunkscope's (on), or put back what was there (off); put back when Chunkscope stops, or at its next start after a crash. */
  setSystemProxy: method<{ on: boolean }, SystemProxyState>(),
  /** The composer: the plan that sends captured exchange `id` again byte for byte (framing included), with its text. */
  composeFrom: method<{ id: string }, PlanCheck>(),
  /** A plan's text form read: the plan, or the mistake with its line, column and byte. */
  parsePlan: method<{ text: string }, PlanCheck>(),
  /** A plan written in its text form, with the faults it sends on purpose and its size. */
  formatPlan: method<{ plan: ConnectionPlan }, PlanCheck>(),
  /**
   * Send a plan: through the proxy (captured as any client's exchange), or directly (recorded
   * in the live session as a connection Chunkscope made); `tls` overrides the scheme of the
   * plan's `to`. Answers with the new exchanges' ids.
   */
  send: method<{ plan: ConnectionPlan; via: 'proxy' | 'direct'; tls?: boolean }, SendResult>(),
  /** Send captured requests again (each connection's on a new one), with their original timing or fast; a framing diff per request. */
  resend: method<{ ids: string[]; timing: 'original' | 'fast' }, ResendResult>(),
  /** Serve the selected exchanges (or the whole session) as a replay origin on a loopback port; replaces one already running. */
  serveReplay: method<{ ids?: string[] }, ReplayOrigin>(),
  /** Stop the replay origin. */
  stopReplay: method<void, SessionInfo>(),
  /** The scenarios "Probe a client" can run, with what a careful client does in each. */
  probeScenarios: method<void, ProbeScenarioInfo[]>(),
  /**
   * "Probe a client": run the command (as typed, with {url}) once per scenario against a
   * lab, through a proxy port of its own (its exchanges tagged with it); each step in
   * UpdateBatch.probe. It runs a program: the desktop app only (or serve --allow-commands).
   */
  probe: method<ProbeArgs, ProbeStarted>('desktop', true),
  /** Stop the probe: its command's processes killed, its lab closed. `cancelled` is false when it had already ended. */
  cancelProbe: method<{ id: string }, { cancelled: boolean }>('desktop', true),
} as const;

export type ApiMethod = keyof typeof API;

/** Each method's argument and answer, by name. */
export type ApiRequests = { [M in ApiMethod]: (typeof API)[M] extends Method<infer A, infer R> ? { args: A; result: R } : never };

export const API_METHODS = Object.keys(API) as ApiMethod[];

/** The methods as functions: what each transport gives the renderer. */
export type ApiMethods = {
  [M in ApiMethod]: ApiRequests[M]['args'] extends void ? () => Promise<ApiRequests[M]['result']> : (args: ApiRequests[M]['args']) => Promise<ApiRequests[M]['result']>;
};

/** What the renderer sees, whichever transport carries it. */
export type ChunkscopeApi = ApiMethods & {
  onUpdate(listener: (batch: UpdateBatch) => void): () => void;
  /** Desktop only: open and save through the system's dialogs; the path of a dropped file; the clipboard; recent files. */
  desktop?: {
    chooseCaptureToOpen(): Promise<SessionInfo | null>;
    chooseWhereToSave(): Promise<{ path: string; bytes: number } | null>;
    chooseWhereToSaveHar(maxBodyBytes?: number): Promise<{ path: string; entries: number } | null>;
    /** Some exchanges alone, to a file chosen in a dialog (the API's exportSelected). */
    chooseWhereToExport(selection: ExportSelection): Promise<ExportedSelection | null>;
    pathForFile(file: File): string;
    /** Put text on the system's clipboard (Electron's clipboard, in main). */
    copyText(text: string): Promise<void>;
    /** The files opened and saved last, newest first (kept in Electron's user data folder). */
    recentFiles(): Promise<RecentFile[]>;
    /** Open one of recentFiles again; a file no longer there is refused with a sentence. */
    openRecent(path: string): Promise<SessionInfo>;
  };
  /** Browser only: upload a capture's bytes, and the URL that downloads the current one. */
  browser?: {
    /** Open a file's bytes in a session of its own; `upload`: its id on the bridge, to open it again (reopenUpload). */
    uploadCapture(name: string, bytes: ArrayBuffer): Promise<{ session: SessionInfo; upload: string | null }>;
    /** Open again a file uploaded earlier (a recent file); gone once `chunkscope serve` has restarted. */
    reopenUpload(upload: string, name: string): Promise<SessionInfo>;
    downloadUrl(): string;
    /** The URL that downloads the current session as HAR, bodies cut at `maxBodyBytes`. */
    harUrl(maxBodyBytes?: number): string;
    /** Download some exchanges alone: the file's bytes and the name to give it. */
    exportSelected(selection: ExportSelection): Promise<{ blob: Blob; name: string }>;
  };
};



/** The WebSocket bridge's messages. */
export type BridgeRequest = { id: number; method: ApiMethod; args: unknown };
export type BridgeMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: string }
  | { type: 'update'; batch: UpdateBatch };

/** Electron IPC channel of each method, and of the update stream. */
export const IPC_PREFIX = 'chunkscope:';
export const IPC_UPDATE = 'chunkscope:update';
export const IPC_CHOOSE_OPEN = 'chunkscope:choose-open';
export const IPC_CHOOSE_SAVE = 'chunkscope:choose-save';
export const IPC_CHOOSE_SAVE_HAR = 'chunkscope:choose-save-har';
export const IPC_CHOOSE_EXPORT = 'chunkscope:choose-export';
export const IPC_COPY = 'chunkscope:copy';
export const IPC_RECENT = 'chunkscope:recent';
export const IPC_OPEN_RECENT = 'chunkscope:open-recent';
