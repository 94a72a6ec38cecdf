// The engine behind the app: the proxy and its lifecycle, the sessions, and the API of
// shared/api.ts that both transports (Electron IPC, the WebSocket bridge) serve. Sessions
// are sessions.ts, what the UI is sent updates.ts, files in and out files.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExchangeId } from '../../shared/exchange-id';
import type { ApiRequests, ExchangeDetail, ExchangeRow, ExportedSelection, ExportSelection, RawSlice, SessionInfo, UpdateBatch } from '../../shared/api';
import { isRule, parseRule, type Rule } from '../../shared/rules';
import { startLab, type Lab } from '../lab/lab';
import { samples, sendSample } from '../lab/try';
import type { Origin } from '../proxy/forward-gate';
import { Recorder, monotonicClock, type Clock } from '../analysis/recorder';
import { ProxyServer } from '../proxy/server';
import { https, type HttpsOptions } from '../tls';
import { webSocketMessages } from './websocket';
import { ClientSupport, type ClientSupportOptions } from '../clients/support';
import { EngineBreakpoints } from './breakpoints';
import { dataDir } from '../tls/data-dir';
import { EngineError } from './errors';
import { Workbench } from './workbench';
import * as files from './files';
import { Finding } from './finding';
import { Probing } from './probing';
import { markOwner, recoverLeftovers } from './leftovers';
import type { Session } from './session';
import { Sessions } from './sessions';
import { StreamViews } from './stream';
import { FLUSH_MS, Updates } from './updates';

export { EngineError } from './errors';

export interface EngineOptions {
  proxyHost: string;
  proxyPort: number;
  reverse: Origin | null;
  stallSeconds: number;
  /** A capture to show at start, beside the live session. */
  open?: string | null;
  /** HTTPS interception of CONNECT (forward mode); opaque tunnels when absent. */
  https?: HttpsOptions | null;
  /** Fault and rewrite rules at start (--rule). */
  rules?: Rule[];
  /** `serve`: its UI's port, whose traffic through the proxy is never recorded (ProxyOptions.uiPort). */
  uiPort?: () => number | null;
  /** Launched clients (main/clients): `advertise` lets `chunkscope run` and `browser` find this engine (the app, `serve`). */
  clients?: Partial<ClientSupportOptions>;
  /** Seconds after which a message held at a breakpoint that nobody steps is released (default 300). */
  releaseAfterSeconds?: number;
}

export class Engine {
  private proxy: ProxyServer | null = null;
  private proxyUrl: string | null = null;
  private capturing = true;
  private readonly clock: Clock = monotonicClock();
  private readonly dir = mkdtempSync(join(tmpdir(), 'chunkscope-'));
  private readonly passthrough: Recorder;
  private closed = false;
  private ca: SessionInfo['ca'] = null;
  private rules: Rule[] = [];
  /** Captures of earlier runs that ended abruptly, kept in the data folder. */
  private recovered: string[] = [];
  private lab: Lab | null = null;
  private proxyAddress: { host: string; port: number } | null = null;
  /** Stream views of the exchanges looked at last, fed as their bodies arrive; new when another session is shown. */
  private streamViews = new StreamViews();
  private readonly sessions: Sessions;
  private readonly updates: Updates;
  /** Launched clients: ports of their own, browsers, the system proxy (the API's clientSetup, launchBrowser, setSystemProxy). */
  readonly clients: ClientSupport;
  /** Searches and body slices of the current session (the API's search, cancelSearch, body). */
  readonly finding = new Finding({ session: () => this.session, emit: (batch) => this.updates.emit(batch) });
  /** "Probe a client": main/probe's scenarios against a command, through a port of its own (the API's probe, cancelProbe). */
  readonly probing: Probing;
  /** Set at start when system proxy settings a crashed Chunkscope left were put back: said once. */
  notice: string | null = null;
  /** Messages held at breakpoints, and the API's steps (held in the live session only, listed whichever tab is shown). */
  readonly breakpoints: EngineBreakpoints;
  /** The composer and the replay origin (composeFrom, parsePlan, formatPlan, send, resend, serveReplay, stopReplay). */
  readonly workbench: Workbench;

  constructor(private readonly options: EngineOptions) {
    this.rules = options.rules ?? [];
    // Say this folder is ours: if this run ends abruptly, the next one keeps its capture.
    markOwner(this.dir);
    // A client launched to be captured is: capturing starts if it was off (as Try it does).
    const launched = () => void (this.capturing || this.setCapturing({ on: true }));
    this.clients = new ClientSupport({ dataDir: options.https?.dir ?? dataDir(), advertise: false, launched, reverse: options.reverse !== null, ...options.clients });
    this.probing = new Probing({ clients: this.clients, liveRow: (id) => this.sessions.live.rows.get(id), emit: (batch) => this.updates.emit(batch) });
    this.passthrough = new Recorder(null, this.clock, { keepChunks: false, stallSeconds: options.stallSeconds });
    this.sessions = new Sessions({
      dir: this.dir,
      clock: this.clock,
      stallSeconds: options.stallSeconds,
      mode: options.reverse ? 'reverse' : 'forward',
      listen: () => this.proxyUrl ?? '',
      dirty: (session) => this.updates.dirtied(session),
      changed: () => this.updates.emit({ session: this.info() }),
    });
    this.updates = new Updates({
      current: () => this.sessions.current,
      all: () => this.sessions.all(),
      info: () => this.info(),
      now: (session) => this.now(session),
      held: () => this.breakpoints.list(),
    });
    // The live session's messages are held (whichever tab is shown: a held client waits for
    // whoever looks); before start() there is no live session yet.
    const owner = () => (this.sessions.live as Session | undefined)?.recorder ?? null;
    this.breakpoints = new EngineBreakpoints({ owner, emit: (batch) => this.updates.emit(batch), info: () => this.info() }, options.releaseAfterSeconds);
    // A send is recorded in the live session whichever is shown; capturing turns on (a send through the proxy needs it).
    this.workbench = new Workbench({ shown: () => this.session, live: () => ((this.capturing = true), this.sessions.live), proxy: () => this.proxy, mode: options.reverse ? 'reverse' : 'forward', insecure: options.https?.insecureUpstream === true, caPath: () => this.ca?.path ?? null, changed: () => this.updates.emit({ session: this.info() }) });
  }

  /** The session shown. */
  private get session(): Session {
    return this.sessions.current;
  }

  async start(): Promise<{ proxy: string }> {
    this.recovered = recoverLeftovers();
    const tls = this.options.https && !this.options.reverse ? await https(this.options.https) : null;
    if (tls) this.ca = { path: tls.ca.certPath, spki: tls.ca.spki() };
    this.proxy = new ProxyServer({
      intercept: tls?.intercept,
      host: this.options.proxyHost,
      port: this.options.proxyPort,
      reverse: this.options.reverse,
      capture: null,
      stallSeconds: this.options.stallSeconds,
      keepChunks: false,
      rules: () => this.rules,
      stepping: this.breakpoints.stepping,
      uiPort: this.options.uiPort,
      recorder: () => (this.capturing && this.sessions.live.recorder ? this.sessions.live.recorder : this.passthrough),
    });
    const listening = await this.proxy.listen();
    this.proxyUrl = listening.url;
    this.proxyAddress = { host: listening.host, port: listening.port };
    this.sessions.startLive();
    if (this.options.open) await this.openCapture({ path: this.options.open });
    // Once a session exists: a launched client's port can be asked for from here on.
    this.notice = await this.clients.start(this.proxy, listening.url);
    return { proxy: this.proxyUrl };
  }

  info(): SessionInfo {
    const session = this.session;
    const live = this.sessions.live;
    return {
      proxy: this.proxyUrl,
      mode: this.options.reverse ? 'reverse' : 'forward',
      capturing: this.capturing,
      sessions: this.sessions.tabs(),
      current: session.id,
      viewing: session.kind === 'file' ? session.source : null,
      imported: session.imported,
      startedAt: session.startedAt,
      loading: session.loading,
      ca: this.ca,
      insecureUpstream: this.ca !== null && this.options.https?.insecureUpstream === true,
      rules: this.rules.map((r) => ({ text: r.text, enabled: r.enabled })),
      releaseAfter: this.breakpoints.releaseAfterSeconds,
      lab: this.lab?.url ?? null,
      recovered: this.recovered,
      capturePath: live.path,
      captureError: live.writer?.failure?.message ?? null,
      replay: this.workbench.replays.info(),
    };
  }

  /** Listen to updates: the current session whole first, in batches, then changes as they come. */
  onUpdate(listener: (batch: UpdateBatch) => void): () => void {
    return this.updates.listen(listener);
  }

  // ---- the API --------------------------------------------------------------------------

  hello(): SessionInfo {
    return this.info();
  }

  /** Recording of new connections into the live session, on or off; turning it on shows the live session. */
  setCapturing({ on }: ApiRequests['setCapturing']['args']): SessionInfo {
    this.capturing = on;
    if (on && this.session !== this.sessions.live) return this.selectSession({ id: this.sessions.live.id });
    this.updates.emit({ session: this.info() });
    return this.info();
  }

  clear(): SessionInfo {
    const shown = this.session === this.sessions.live;
    this.sessions.startLive();
    this.breakpoints.sessionChanged(); // what the cleared session held goes on
    if (shown) this.showCurrent();
    else this.updates.emit({ session: this.info() });
    return this.info();
  }

  selectSession({ id }: ApiRequests['selectSession']['args']): SessionInfo {
    const before = this.session;
    this.sessions.select(id);
    if (this.session !== before) this.showCurrent();
    return this.info();
  }

  closeSession({ id }: ApiRequests['closeSession']['args']): SessionInfo {
    const before = this.session;
    this.sessions.close(id);
    if (this.session !== before) this.showCurrent();
    else this.updates.emit({ session: this.info() });
    return this.info();
  }

  /** Another session is shown: its rows replace the ones shown. */
  private showCurrent(): void {
    this.streamViews = new StreamViews();
    this.updates.resend();
  }

  async exchangeDetail({ id, chunksFrom }: ApiRequests['exchangeDetail']['args']): Promise<ExchangeDetail> {
    const { detail, connection, index, session } = await this.exchangeAt(id);
    const answer = detail.exchange(index, session.seqOf(connection, index), { now: this.now(session) }, chunksFrom);
    answer.row.mark = session.marks.get(id);
    return answer;
  }

  /** Pin or comment an exchange of the session shown; its tab then has a change to save. */
  setMark({ id, pinned, comment }: ApiRequests['setMark']['args']): ExchangeRow {
    const ref = parseExchangeId(id);
    const row = ref && this.session.mark(ref, { pinned, comment }, this.clock());
    if (!row) throw new EngineError(`no exchange "${id}" in this session`);
    this.updates.emit({ session: this.info() });
    return row;
  }

  /** The analysis of the connection of exchange `id` in the session shown, and where the exchange is on it. */
  private async exchangeAt(id: string) {
    const ref = parseExchangeId(id);
    if (!ref) throw new EngineError(`no exchange "${id}"`);
    const session = this.session;
    const detail = await session.detail(ref.connection);
    if (ref.index >= detail.analyzer.exchangeCount()) throw new EngineError(`no exchange #${ref.index + 1} on c${ref.connection}`);
    return { detail, session, ...ref };
  }

  /** The clock of live rows and stalls; a file is read as it stands. */
  private now(session: Session): number | null {
    return session.kind === 'live' ? this.clock() : null;
  }

  async streamView({ id, from }: ApiRequests['streamView']['args']): Promise<ApiRequests['streamView']['result']> {
    const { detail, index, session } = await this.exchangeAt(id);
    return detail.streamView(this.streamViews, index, from ?? 0, this.now(session));
  }

  async webSocketMessages({ id, from }: ApiRequests['webSocketMessages']['args']): Promise<ApiRequests['webSocketMessages']['result']> {
    const { detail, index } = await this.exchangeAt(id);
    return webSocketMessages(detail.analyzer, index, id, from ?? 0);
  }

  async raw({ connection, stream, offset, length }: ApiRequests['raw']['args']): Promise<RawSlice> {
    const detail = await this.session.detail(connection);
    return detail.raw(stream, offset, Math.min(length, 1024 * 1024));
  }

  setRules({ rules }: ApiRequests['setRules']['args']): SessionInfo {
    const parsed: Rule[] = [];
    rules.forEach((entry, i) => {
      const rule = parseRule(entry.text, entry.enabled);
      if (!isRule(rule)) throw new EngineError(`rule ${i + 1} ("${entry.text}"): ${rule.error}`);
      parsed.push(rule);
    });
    this.rules = parsed;
    this.updates.emit({ session: this.info() });
    return this.info();
  }

  async tryLab(): Promise<ApiRequests['tryLab']['result']> {
    if (this.options.reverse) throw new EngineError('Try it needs the forward proxy: in reverse mode every connection goes to the one origin');
    if (!this.proxyAddress) throw new EngineError('the proxy is not running');
    this.lab ??= await startLab({ host: '127.0.0.1', port: 0 });
    this.setCapturing({ on: true });
    const list = samples(this.lab.url);
    const proxy = { host: this.proxyAddress.host === '::' ? '127.0.0.1' : this.proxyAddress.host, port: this.proxyAddress.port };
    // Started a little apart, so the list reads in order.
    await Promise.all(list.map((sample, i) => new Promise<void>((resolve) => setTimeout(() => void sendSample(proxy, sample).then(resolve), i * 150))));
    return { lab: this.lab.url, requests: list.map((s) => s.label) };
  }

  /**
   * Open a file in a session of its own, shown at once and filled as it is read; the live
   * session goes on recording. `shownAs`: the name the user knows the file by (an upload's
   * own name, not where it was put).
   */
  async openCapture({ path }: ApiRequests['openCapture']['args'], shownAs: string = path): Promise<SessionInfo> {
    let flushed = -Infinity;
    let opened: Session | null = null;
    try {
      opened = await this.sessions.open(path, shownAs, (session) => {
        if (!opened) {
          opened = session;
          this.showCurrent();
        }
        // Rows go out as they are made, every FLUSH_MS, between two slices of reading:
        // making a connection's rows costs as much as its messages, so not after every slice.
        if (performance.now() - flushed >= FLUSH_MS) {
          if (this.session === session) this.updates.flush();
          this.updates.emit({ session: this.info() });
          flushed = performance.now();
        }
      });
    } finally {
      // The last rows (all, or those before a damaged record), a slice at a time.
      if (opened && this.session === opened) {
        if (flushed === -Infinity) this.showCurrent();
        while (this.session === opened && this.updates.flush()) await nextTurn();
      }
      this.updates.emit({ session: this.info() });
    }
    return this.info();
  }

  /** The shown session's capture file, complete so far. */
  async captureFile(): Promise<string> {
    return files.captureFile(this.session);
  }

  /** The shown session's capture, complete so far, for downloading: the session counts as saved once it is sent. */
  async captureCopy(): Promise<{ path: string; size: number; tail: Uint8Array; sent: () => void }> {
    const session = this.session;
    const copy = await files.captureCopy(session, this.clock());
    const exchanges = session.rows.size;
    return {
      ...copy,
      sent: () => {
        session.saved("your browser's downloads", exchanges);
        this.updates.emit({ session: this.info() });
      },
    };
  }

  async saveCapture({ path }: ApiRequests['saveCapture']['args']): Promise<{ path: string; bytes: number }> {
    const saved = await files.saveCapture(this.session, path, this.clock());
    this.updates.emit({ session: this.info() });
    return saved;
  }

  /** The shown session as a HAR 1.2 file, built in the worker thread, for a download: removed once `done` is called. */
  async harFile(maxBodyBytes?: number): Promise<{ path: string; done: () => void }> {
    const path = join(this.dir, `download-${Date.now()}-${Math.random().toString(36).slice(2)}.har`);
    await this.saveHar({ path, maxBodyBytes });
    return { path, done: () => rmSync(path, { force: true }) };
  }

  async saveHar({ path, maxBodyBytes }: ApiRequests['saveHar']['args']): Promise<ApiRequests['saveHar']['result']> {
    return files.saveHar(this.session, path, maxBodyBytes);
  }

  async exportSelected(args: ApiRequests['exportSelected']['args']): Promise<ExportedSelection> {
    return files.exportSelected(this.session, args);
  }

  /** Some exchanges alone, for a download (the bridge): the file is removed once `done` is called. */
  async exportFile(selection: ExportSelection): Promise<ExportedSelection & { done: () => void }> {
    const path = join(this.dir, `export-${Date.now()}-${Math.random().toString(36).slice(2)}.${selection.format === 'har' ? 'har' : 'cscap'}`);
    const exported = await this.exportSelected({ ...selection, path });
    return { ...exported, done: () => rmSync(path, { force: true }) };
  }

  async curlCommand({ id }: ApiRequests['curlCommand']['args']): Promise<ApiRequests['curlCommand']['result']> {
    return files.curlCommand(this.session, id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.breakpoints.close();
    this.updates.close();
    await this.finding.close();
    await this.probing.close();
    await this.clients.close();
    await this.workbench.close();
    await this.proxy?.close();
    await this.lab?.close();
    // A proxy that could not listen (the port in use) leaves no session to close.
    if (this.proxyUrl) await this.sessions.closeAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Let the relay (and everything else waiting) run before going on. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
