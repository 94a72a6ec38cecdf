// The API between the engine (main/) and the UI (renderer/): written once, carried by
// two transports (Electron IPC through the preload, and the loopback WebSocket bridge of
// `chunkscope serve`). Types only: main validates every payload at run time.

import type { AccountEnd, AccountStall, ConnectionAccount, ExchangeAccount } from './account';
import type { AnomalyCode } from './anomalies';
import type { HeldData, HeldMessage, HeldTimedOut, StepArgs } from './breakpoints';
import type { CloseRecord, RuleRecord, TlsReport } from './capture';
import type { ClientSetup, LaunchedBrowserInfo, LaunchedClient, SystemProxyState } from './clients';
import type { PlanCheck, ReplayOrigin, ResendResult, SendResult } from './compose';
import type { ConnectionPlan } from './plan';
import type { Direction, Framing, RawReason } from './http1';
import type { MessageRecord } from './ledger';
import type { StreamReport } from './stream';
import type { DeflateParams, WebSocketAccount, WebSocketMessage, WebSocketRow, WsSender } from './websocket';

export type { WebSocketMessage, WebSocketRow } from './websocket';
import type { BodySlice, BodySliceArgs } from './body';
import type { SearchArgs, SearchStarted, SearchUpdate } from './search';
import type { ProbeArgs, ProbeScenarioInfo, ProbeStarted, ProbeUpdate } from './probe';
import type { ExchangeMark, ExportedSelection, ExportSelection, RecentFile } from './kept';

export type { ExchangeMark, ExportedSelection, ExportSelection, RecentFile } from './kept';
import type { EndHow, Party } from './words';

/** Who ended a connection first, and how: the account's first end, timed on the session's clock. */
export interface ConnectionEnd {
  who: Party;
  how: EndHow;
  /** Inside TLS: a FIN without close_notify (a truncation). */
  truncation: boolean;
  /** Seconds since the session started. */
  at: number;
}

export type TerminatorState = 'present' | 'missing' | 'streaming' | 'none';

/** One exchange (request and its response) as the sessions list shows it. */
export interface ExchangeRow {
  /** `${connectionNumber}:${index}` */
  id: string;
  /** Position in the session, in the order requests started (1-based). */
  seq: number;
  connection: number;
  /** Request #index on its connection (0-based). */
  index: number;
  method: string | null;
  host: string | null;
  path: string | null;
  status: number | null;
  reason: string | null;
  framing: Framing | null;
  /** How the request's body was framed (chunked requests are the IIS 6 story). */
  requestFraming: Framing | null;
  chunks: number;
  terminator: TerminatorState;
  /** Decoded body bytes of the response so far. */
  bodyBytes: number;
  /** Wire bytes of the request and of the response. */
  requestBytes: number;
  responseBytes: number;
  /** Seconds since the session started when the request's first byte arrived. */
  startedAt: number;
  /** From the request's first byte to the response's last byte (so far). */
  duration: number | null;
  state: 'waiting' | 'streaming' | 'complete' | 'incomplete';
  /** How the connection ended, when it ended during or right after this exchange. */
  ended: ConnectionEnd | null;
  /** The connection went on to further requests after this one. */
  keptAlive: boolean;
  anomalies: { count: number; errors: number; codes: AnomalyCode[] };
  /** The longest stall of this exchange: still running, or over (it stays on the row). */
  stalled: { seconds: number; ongoing: boolean } | null;
  /** The account's headline and tone (shared/account.ts). */
  headline: string;
  tone: ExchangeAccount['tone'];
  /** Records of the connection this row was derived from: a later row of the same exchange has more. */
  version: number;
  /** Bytes per second of the response while it streams. */
  rate: number | null;
  generated: boolean;
  tunnel: boolean;
  /** Decrypted HTTPS (an intercepted CONNECT). */
  tls: boolean;
  /** A CONNECT Chunkscope intercepted: its TLS session became connection `via`'s decrypted one, or failed. */
  interception: 'decrypted' | 'failed' | null;
  /** Changes fault and rewrite rules made to this exchange (0: it went through unchanged). */
  rules: number;
  /** The exchange's 101 began a WebSocket: its messages so far (webSocketMessages lists them); null or absent otherwise. */
  webSocket?: WebSocketRow | null;
  /** The client Chunkscope launched that made it (`run`, a browser, a probe); null or absent otherwise. */
  clientTag?: LaunchedClient | null;
  /** Pinned or commented by the user (saved in the capture); absent when neither. */
  mark?: ExchangeMark | null;
}

/** One connection, as its lane shows it. */
export interface ConnectionRow {
  number: number;
  id: string;
  client: string;
  upstream: string | null;
  /** Seconds since the session started. */
  openedAt: number;
  lastActivity: number;
  requests: number;
  responses: number;
  bytesSent: number;
  bytesReceived: number;
  closes: CloseRecord[];
  /** The first end of the connection: the one that matters for "who closed". */
  ended: ConnectionEnd | null;
  tunnel: boolean;
  upstreamFailure: string | null;
  tls: TlsReport | null;
  /** Start and end of each exchange, flat: [start0, end0, start1, end1, ...] (seconds since the session started). */
  spans: number[];
  /** How the connection went, in one sentence (shared/account.ts). */
  headline: string;
  tone: ConnectionAccount['tone'];
  /** Requests sent and never answered (0-based). */
  unanswered: number[];
  /** Every end of either side, in order, with who made it and whether Chunkscope only passed it on. */
  ends: AccountEnd[];
  /** Stalls, with `since` in seconds since the connection opened. */
  stalls: AccountStall[];
  /** The client Chunkscope launched that opened it (`client` is its address); null or absent otherwise. */
  clientTag?: LaunchedClient | null;
}

/** A session the app holds, shown as a tab: the live capture, or a file opened. */
export interface SessionTab {
  id: string;
  kind: 'live' | 'file';
  /** "Live", or the file's name. */
  title: string;
  /** The file opened (its full path, or an upload's name); null for the live session. */
  source: string | null;
  exchanges: number;
  /** Exchanges of the live session not in any saved copy: closing or clearing loses them. */
  unsaved: number;
  /** Exchanges whose pin or comment changed since the session was last saved: closing or clearing loses those changes. */
  unsavedMarks: number;
  /** Where the live session's capture is being written (a temporary file until saved). */
  capturePath: string | null;
  /** Where it was saved last, if it was. */
  savedTo: string | null;
  loading: { done: number; total: number } | null;
}

export interface SessionInfo {
  /** The proxy's address clients should use, when one runs. */
  proxy: string | null;
  mode: 'forward' | 'reverse';
  /** Whether the live session records new connections (it goes on while a file is viewed). */
  capturing: boolean;
  /** Every session, the live one first; the rows sent are the current one's. */
  sessions: SessionTab[];
  current: string;
  /** The current session's file when it is one (null for the live session). */
  viewing: string | null;
  /** Wall-clock time the session started (ISO 8601). */
  startedAt: string;
  /** The file opened was a HAR or a packet capture, imported: what it could not carry over. */
  imported?: { kind: 'har' | 'pcap'; notes: string[] } | null;
  /** Set when a loaded capture is still being read. */
  loading: { done: number; total: number } | null;
  /** HTTPS interception: where the CA is and its SPKI hash (null when off). */
  ca: { path: string; spki: string } | null;
  /** Origin certificates are not verified (--insecure-upstream): shown while on. */
  insecureUpstream: boolean;
  /** The fault and rewrite rules of the live proxy (shared/rules.ts syntax), in order; breakpoints are rules too. */
  rules: RuleEntry[];
  /** Seconds after which a message held at a breakpoint that nobody steps is released (setReleaseAfter). */
  releaseAfter: number;
  /** The built-in lab server, once "Try it" started it. */
  lab: string | null;
  /** Captures of earlier runs that ended abruptly (a crash, kill -9), kept in the data folder. */
  recovered?: string[];
  /** Where the live session is captured to until it is saved (a temporary file). */
  capturePath?: string | null;
  /**
   * Set when writing the live session's capture failed (a full disk, an I/O error): the
   * capture stopped there, traffic is still relayed and shown. In words, for the user.
   */
  captureError?: string | null;
  /** The replay origin serving captured responses (serveReplay), while it runs. */
  replay?: ReplayOrigin | null;
}

export interface RuleEntry {
  text: string;
  enabled: boolean;
}

export interface UpdateBatch {
  /** The session was replaced (clear, open): drop everything shown before. */
  reset?: boolean;
  session?: SessionInfo;
  rows?: ExchangeRow[];
  connections?: ConnectionRow[];
  /** What is held at breakpoints now, in the order it was held: the whole list, replacing the one before (sent when it changes). */
  held?: HeldMessage[];
  /** Held messages the timeout released since the last update (they are off `held`): for a notice. */
  heldTimedOut?: HeldTimedOut[];
  /** A search's new matches and state (shared/search.ts), for the search `search` answered with its id. */
  search?: SearchUpdate;
  /** The probe's state, whole, after each of its steps (shared/probe.ts). */
  probe?: ProbeUpdate;
}

/** The chunk ledger of a message in columns: compact for thousands of chunks. */
export interface ChunkColumns {
  offsets: number[];
  sizeTokens: string[];
  sizes: number[];
  extensions: string[];
  dataLengths: number[];
  crlf: boolean[];
  /** Seconds since the connection opened: size line's first byte, data's last byte. */
  firstTimes: number[];
  lastTimes: number[];
}

export interface MessageDetail extends Omit<MessageRecord, 'chunks' | 'timing'> {
  /** Chunks #chunkColumnsFrom on (0-based): a refresh asks only for those it has not got. */
  chunkColumns: ChunkColumns | null;
  chunkColumnsFrom: number;
  /** More chunks follow this answer: ask again from where it ends. */
  chunksMore: boolean;
  /** Only the first chunks are sent when there are very many. */
  chunksTruncated: boolean;
  first: number | null;
  last: number | null;
}

export interface ExchangeDetail {
  id: string;
  connection: number;
  index: number;
  request: MessageDetail | null;
  response: MessageDetail | null;
  /** Interim responses (1xx) before the final one: the first ones, and how many more there were. */
  informational: MessageDetail[];
  informationalOmitted?: number;
  /** Seconds since the session started when the connection opened. */
  connectionOpenedAt: number;
  closes: CloseRecord[];
  /** What happened, in order, and the headline: the one account every view reads. */
  account: ExchangeAccount;
  /** The row of this exchange derived from the same records, so the list and the detail agree. */
  row: ExchangeRow;
  upstreamFailure: string | null;
  tunnel: boolean;
  tls: TlsReport | null;
  /** Changes rules made to this exchange, in order. */
  rules: RuleRecord[];
  /**
   * When rules were on for the connection: the exchange as the origin saw it (its
   * original framing), beside what the client received (`request`, `response`).
   */
  original: { request: MessageDetail | null; response: MessageDetail | null } | null;
  /** The response is of a type the Stream view reads (feed, event stream, JSON lines, text). */
  stream?: boolean;
}

/** The Stream view of a response: its items, each with the chunks that carried it. */
export interface StreamViewResult extends StreamReport {
  /** The body is still arriving: items appear as their last byte does. */
  streaming: boolean;
  /** Where the view stopped on a very large body, in words. */
  limited: string | null;
  /** `items` are items #from on (the caller has the ones before); `total` items so far. */
  from: number;
  total: number;
}

/** The messages of an exchange's WebSocket, paged like streamView. */
export interface WebSocketMessagesResult {
  id: string;
  /** The handshake's choices, as the 101 gave them. */
  protocol: string | null;
  extensions: string | null;
  /** per-message-deflate in effect for each sender (RFC 7692), or null. */
  deflate: Record<WsSender, DeflateParams> | null;
  /** Messages #from on (the caller has the ones before), at most a page. */
  messages: WebSocketMessage[];
  from: number;
  /** Messages kept so far: the list pages through these. */
  kept: number;
  /** Messages counted beyond those kept (a long-lived socket): not listed. */
  omitted: number;
  /** The WebSocket's account: messages per side, the close handshake; and its headline. */
  account: WebSocketAccount;
  headline: string;
  tone: ExchangeAccount['tone'];
  /** The connection is still open: more may come. */
  open: boolean;
}

export type SpanKind = 'head' | 'size-line' | 'extension' | 'data' | 'crlf' | 'last-chunk' | 'trailer' | 'body' | 'raw' | 'leading';

export interface RawSpan {
  offset: number;
  length: number;
  kind: SpanKind;
  /** For raw spans: why they are not HTTP. */
  reason?: RawReason;
}

/** 0: the client sent, 1: the client received; with rules, 2: the origin received, 3: the origin sent. */
export type RawStream = 0 | 1 | 2 | 3;

export interface RawSlice {
  connection: number;
  stream: RawStream;
  /** Offset of the first byte returned, and the bytes (base64). */
  offset: number;
  bytes: string;
  /** Total bytes of the stream. */
  total: number;
  spans: RawSpan[];
}

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
