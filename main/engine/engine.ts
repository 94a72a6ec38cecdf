// The engine behind the app: the proxy, the current session, and the API of
// shared/api.ts that both transports (Electron IPC, the WebSocket bridge) serve.

import { appendFileSync, closeSync, copyFileSync, truncateSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExchangeId } from '../../shared/exchange-id';
import type { ApiRequests, ConnectionRow, ExchangeDetail, ExchangeRow, RawSlice, SessionInfo, UpdateBatch } from '../../shared/api';
import { isRule, parseRule, type Rule } from '../../shared/rules';
import { startLab, type Lab } from '../lab/lab';
import { samples, sendSample } from '../lab/try';
import { CaptureWriter } from '../capture/writer';
import type { Origin } from '../proxy/forward-gate';
import { Recorder, monotonicClock, type Clock } from '../analysis/recorder';
import { ProxyServer } from '../proxy/server';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { https, type HttpsOptions } from '../tls';
import { encodeEvent } from '../capture/format';
import { fileStart } from '../capture/file-pieces';
import { sourceKind } from '../import/source';
import { curlBodyDir } from './background';
import { markOwner, recoverLeftovers } from './leftovers';
import { loadCapture } from './load';
import { offThread } from './off-thread';
import { StreamViews } from './stream';
import { Session } from './session';
import { ClientSupport, type ClientSupportOptions } from '../clients/support';
import { EngineBreakpoints } from './breakpoints';
import { dataDir } from '../tls/data-dir';

export interface EngineOptions {
  proxyHost: string;
  proxyPort: number;
  reverse: Origin | null;
  stallSeconds: number;
  /** A capture to show at start instead of live traffic. */
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

/** How often changed rows are sent: the UI batches them again per frame. */
const FLUSH_MS = 100;
/** Rows per update message when a whole session is sent. */
const BATCH_ROWS = 5000;
/** Longest stretch of making rows before the relay gets a turn. */
const FLUSH_SLICE_MS = 8;

export class EngineError extends Error {}

export class Engine {
  private proxy: ProxyServer | null = null;
  private proxyUrl: string | null = null;
  private session!: Session;
  private capturing = true;
  private loading: SessionInfo['loading'] = null;
  private readonly clock: Clock = monotonicClock();
  private readonly dir = mkdtempSync(join(tmpdir(), 'chunkscope-'));
  private readonly listeners = new Set<(batch: UpdateBatch) => void>();
  private readonly passthrough: Recorder;
  private timer: NodeJS.Timeout | null = null;
  private sessions = 0;
  private closed = false;
  private ca: SessionInfo['ca'] = null;
  private rules: Rule[] = [];
  /** Captures of earlier runs that ended abruptly, kept in the data folder. */
  private recovered: string[] = [];
  private lab: Lab | null = null;
  private proxyAddress: { host: string; port: number } | null = null;
  /** Stream views of the exchanges looked at last, fed as their bodies arrive; new per session. */
  private streamViews = new StreamViews();
  /** Launched clients: ports of their own, browsers, the system proxy (the API's clientSetup, launchBrowser, setSystemProxy). */
  readonly clients: ClientSupport;
  /** Set at start when system proxy settings a crashed Chunkscope left were put back: said once. */
  notice: string | null = null;
  /** Messages held at breakpoints, and the API's steps (held in the live session shown only). */
  readonly breakpoints: EngineBreakpoints;

  constructor(private readonly options: EngineOptions) {
    this.rules = options.rules ?? [];
    // Say this folder is ours: if this run ends abruptly, the next one keeps its capture.
    markOwner(this.dir);
    // A client launched to be captured is: capturing starts if it was off (as Try it does).
    const launched = () => void (this.capturing || this.setCapturing({ on: true }));
    this.clients = new ClientSupport({ dataDir: options.https?.dir ?? dataDir(), advertise: false, launched, reverse: options.reverse !== null, ...options.clients });
    this.passthrough = new Recorder(null, this.clock, { keepChunks: false, stallSeconds: options.stallSeconds });
    this.breakpoints = new EngineBreakpoints({ owner: () => this.session?.recorder ?? null, emit: (batch) => this.emit(batch), info: () => this.info() }, options.releaseAfterSeconds);
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
      recorder: () => (this.capturing && this.session.recorder ? this.session.recorder : this.passthrough),
    });
    const listening = await this.proxy.listen();
    this.proxyUrl = listening.url;
    this.proxyAddress = { host: listening.host, port: listening.port };
    if (this.options.open) await this.openCapture({ path: this.options.open });
    else this.newLiveSession();
    // Once a session exists: a launched client's port can be asked for from here on.
    this.notice = await this.clients.start(this.proxy, listening.url);
    return { proxy: this.proxyUrl };
  }

  info(): SessionInfo {
    return {
      proxy: this.proxyUrl,
      mode: this.options.reverse ? 'reverse' : 'forward',
      capturing: this.capturing,
      viewing: this.session.kind === 'file' ? this.session.source : null,
      imported: this.session.imported,
      startedAt: this.session.startedAt,
      loading: this.loading,
      ca: this.ca,
      insecureUpstream: this.ca !== null && this.options.https?.insecureUpstream === true,
      rules: this.rules.map((r) => ({ text: r.text, enabled: r.enabled })),
      releaseAfter: this.breakpoints.releaseAfterSeconds,
      lab: this.lab?.url ?? null,
      recovered: this.recovered,
      capturePath: this.session.kind === 'live' ? this.session.path : null,
      captureError: this.session.writer?.failure?.message ?? null,
    };
  }

  /** Listen to updates: the whole session first, in batches, then changes as they come. */
  onUpdate(listener: (batch: UpdateBatch) => void): () => void {
    this.listeners.add(listener);
    setImmediate(() => {
      if (!this.listeners.has(listener)) return;
      for (const batch of this.wholeSession()) listener(batch);
    });
    return () => this.listeners.delete(listener);
  }

  private *wholeSession(): Generator<UpdateBatch> {
    const rows = this.session.allRows();
    yield { reset: true, session: this.info(), connections: [...this.session.connections.values()], rows: rows.slice(0, BATCH_ROWS), held: this.breakpoints.list() };
    for (let at = BATCH_ROWS; at < rows.length; at += BATCH_ROWS) yield { rows: rows.slice(at, at + BATCH_ROWS) };
  }

  private emit(batch: UpdateBatch): void {
    for (const listener of this.listeners) listener(batch);
  }

  // ---- sessions -------------------------------------------------------------------------

  private newLiveSession(): void {
    const path = join(this.dir, `session-${++this.sessions}.cscap`);
    const writer = new CaptureWriter(path);
    const recorder = new Recorder(writer, this.clock, { keepChunks: false, stallSeconds: this.options.stallSeconds });
    const session = new Session(path, 'live', new Date().toISOString(), writer, recorder);
    session.stallSeconds = this.options.stallSeconds;
    // A full disk stops the capture, not the relay: the UI says so at once.
    writer.onFailure(() => this.session === session && this.emit({ session: this.info() }));
    recorder.session({ type: 'session', version: 1, startedAt: session.startedAt, tool: 'chunkscope 0.1.0', mode: this.options.reverse ? 'reverse' : 'forward', listen: this.proxyUrl ?? '', reverse: null, stallSeconds: this.options.stallSeconds });
    recorder.observer = {
      opened: (a) => session.opened(a, { type: 'open', connection: a.number, time: a.openedAt, client: a.client, mode: a.mode }),
      data: (a, stream, bytes, time, generated, position) => session.data(a.number, stream, generated, time, bytes.length, position),
      event: (a, event) => session.event(a.number, event),
      retired: (a) => session.changed(a.number),
    };
    this.replace(session);
  }

  /** Make `session` current; the previous one finishes its live connections, then goes. */
  private replace(session: Session): void {
    const previous = this.session as Session | undefined;
    this.session = session;
    session.onDirty = () => this.scheduleFlush();
    if (previous) previous.onDirty = null;
    this.loading = null; // a file still loading stops (its progress sees it was replaced)
    this.streamViews = new StreamViews();
    if (previous) this.retire(previous);
    this.emit({ reset: true, session: this.info(), rows: [], connections: [] });
    this.breakpoints.sessionChanged();
  }

  private retire(session: Session): void {
    session.close();
    const finish = () => {
      void session.writer?.close().then(() => {
        if (session.kind === 'live') rmSync(session.path, { force: true });
      });
    };
    const recorder = session.recorder;
    if (!recorder || recorder.live.size === 0) return finish();
    recorder.observer = { retired: () => recorder.live.size === 0 && finish() };
  }

  // ---- the API --------------------------------------------------------------------------

  hello(): SessionInfo {
    return this.info();
  }

  setCapturing({ on }: ApiRequests['setCapturing']['args']): SessionInfo {
    if (on && this.session.kind === 'file') this.newLiveSession(); // from viewing a file back to live traffic
    this.capturing = on;
    this.emit({ session: this.info() });
    return this.info();
  }

  clear(): SessionInfo {
    if (this.session.kind === 'file') this.capturing = false;
    this.newLiveSession();
    return this.info();
  }

  async exchangeDetail({ id, chunksFrom }: ApiRequests['exchangeDetail']['args']): Promise<ExchangeDetail> {
    const { detail, connection, index } = await this.exchangeAt(id);
    return detail.exchange(index, this.session.seqOf(connection, index), { now: this.now() }, chunksFrom);
  }

  /** The analysis of the connection of exchange `id`, and where the exchange is on it. */
  private async exchangeAt(id: string) {
    const ref = parseExchangeId(id);
    if (!ref) throw new EngineError(`no exchange "${id}"`);
    const detail = await this.session.detail(ref.connection);
    if (ref.index >= detail.analyzer.exchangeCount()) throw new EngineError(`no exchange #${ref.index + 1} on c${ref.connection}`);
    return { detail, ...ref };
  }

  /** The clock of live rows and stalls; a file is read as it stands. */
  private now(): number | null {
    return this.session.kind === 'live' ? this.clock() : null;
  }

  async streamView({ id, from }: ApiRequests['streamView']['args']): Promise<ApiRequests['streamView']['result']> {
    const { detail, index } = await this.exchangeAt(id);
    return detail.streamView(this.streamViews, index, from ?? 0, this.now());
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
    this.emit({ session: this.info() });
    return this.info();
  }

  async tryLab(): Promise<ApiRequests['tryLab']['result']> {
    if (this.options.reverse) throw new EngineError('Try it needs the forward proxy: in reverse mode every connection goes to the one origin');
    if (!this.proxyAddress) throw new EngineError('the proxy is not running');
    this.lab ??= await startLab({ host: '127.0.0.1', port: 0 });
    if (!this.capturing) this.setCapturing({ on: true });
    this.emit({ session: this.info() });
    const list = samples(this.lab.url);
    const proxy = { host: this.proxyAddress.host === '::' ? '127.0.0.1' : this.proxyAddress.host, port: this.proxyAddress.port };
    // Started a little apart, so the list reads in order.
    await Promise.all(list.map((sample, i) => new Promise<void>((resolve) => setTimeout(() => void sendSample(proxy, sample).then(resolve), i * 150))));
    return { lab: this.lab.url, requests: list.map((s) => s.label) };
  }

  /** `shownAs`: the name the user knows the file by (an upload's own name, not where it was put). */
  async openCapture({ path }: ApiRequests['openCapture']['args'], shownAs: string = path): Promise<SessionInfo> {
    // A HAR or a packet capture is imported first: turned into a capture beside the sessions.
    const kind = sourceKind(readStart(path));
    if (!kind) throw new EngineError(`${shownAs} is not a capture, a HAR or a pcap/pcapng file`);
    let capture = path;
    let imported: Session['imported'] = null;
    if (kind !== 'capture') {
      // Parsed whole (a HAR is one JSON text): in a worker thread, so the relay goes on meanwhile.
      capture = join(this.dir, `import-${++this.sessions}.cscap`);
      const { notes } = await offThread({ task: 'import', kind, path, capture });
      imported = { kind, notes };
    }
    this.capturing = false;
    const session = new Session(capture, 'file', new Date().toISOString(), null, null);
    session.source = shownAs;
    session.imported = imported;
    this.replace(session);
    this.loading = { done: 0, total: statSync(capture).size };
    this.emit({ session: this.info() });
    try {
      // Rows go out as they are made, every FLUSH_MS, between two slices of reading (the
      // timer leaves a loading file alone): making a connection's rows costs as much as its
      // messages, so not after every slice, and never in the same turn as one.
      let flushed = performance.now();
      const result = await loadCapture(capture, session, (done) => {
        if (this.session !== session) return false;
        this.loading = { done, total: this.loading?.total ?? done };
        if (performance.now() - flushed >= FLUSH_MS) {
          this.flush();
          flushed = performance.now();
        }
        return true;
      });
      if (result.startedAt) session.startedAt = result.startedAt;
    } finally {
      // The last rows (all, or those before a damaged record), a slice at a time.
      while (this.session === session && this.flush()) await nextTurn();
      if (this.session === session) {
        this.loading = null;
        this.emit({ session: this.info() });
      }
    }
    return this.info();
  }

  /** The current session's capture, complete so far, for saving or downloading. */
  async captureFile(): Promise<string> {
    await this.session.writer?.flush();
    return this.session.path;
  }

  async saveCapture({ path }: ApiRequests['saveCapture']['args']): Promise<{ path: string; bytes: number }> {
    const copy = await this.captureCopy();
    if (copy.path !== path) {
      copyFileSync(copy.path, path);
      truncateSync(path, copy.size);
      appendFileSync(path, copy.tail);
    }
    return { path, bytes: statSync(path).size };
  }

  /**
   * The session's capture as a whole file as of now: its first `size` bytes, then `tail`.
   * A live capture gets an `end` record in the copy, so it opens as ended cleanly, with the
   * connections still open then read as open (not as a capture cut short).
   */
  async captureCopy(): Promise<{ path: string; size: number; tail: Uint8Array }> {
    const path = await this.captureFile();
    const size = statSync(path).size;
    return { path, size, tail: this.session.kind === 'live' ? encodeEvent({ type: 'end', time: this.clock() }) : new Uint8Array() };
  }

  /**
   * The current session as a HAR 1.2 file (bodies over `maxBodyBytes` cut, and marked so),
   * built in the worker thread, for a download: removed once `done` is called.
   */
  async harFile(maxBodyBytes?: number): Promise<{ path: string; done: () => void }> {
    const path = join(this.dir, `download-${++this.sessions}.har`);
    await this.saveHar({ path, maxBodyBytes });
    return { path, done: () => rmSync(path, { force: true }) };
  }

  /** Built, turned into text and written in a worker thread: the relay goes on meanwhile. */
  async saveHar({ path, maxBodyBytes }: ApiRequests['saveHar']['args']): Promise<ApiRequests['saveHar']['result']> {
    const capture = await this.captureFile();
    const { entries } = await offThread({ task: 'har', capture, path, maxBodyBytes });
    return { path, entries };
  }

  async curlCommand({ id }: ApiRequests['curlCommand']['args']): Promise<ApiRequests['curlCommand']['result']> {
    const ref = parseExchangeId(id);
    if (!ref) throw new EngineError(`no exchange "${id}"`);
    const { connection, index } = ref;
    const capture = await this.captureFile();
    // The capture is read up to that request in a worker thread: the relay goes on meanwhile.
    const curl = await offThread({ task: 'curl', capture, connection, index, bodyDir: curlBodyDir() });
    if (!curl) throw new EngineError(`no request #${index + 1} on c${connection}`);
    return curl;
  }

  // ---- live updates ------------------------------------------------------------------------

  /** Changes go out within FLUSH_MS; with nothing changing, no timer runs (a laptop may sleep). While a file loads, its loader sends them. */
  private scheduleFlush(): void {
    if (this.timer || this.closed || this.loading !== null) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Send what changed: rows of connections that moved or (live) still run. Rows are made
   * for FLUSH_SLICE_MS at most; true when some are left for the next call.
   */
  private flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return false;
    // A file's rows do not change with time; a live one's do while something runs: look again soon.
    if (this.session.kind === 'live' && this.session.markRunning()) this.scheduleFlush();
    const retire = (a: ConnectionAnalyzer) => a.ended && a.outstanding() === 0 && (this.session.kind === 'file' || !this.session.recorder?.live.has(a.number));
    const { rows, connections } = this.session.takeChanges({ now: this.now() }, retire, performance.now() + FLUSH_SLICE_MS);
    this.send(rows, connections);
    if (this.session.changesWaiting) this.scheduleFlush();
    return this.session.changesWaiting;
  }

  private send(rows: ExchangeRow[], connections: ConnectionRow[]): void {
    if (rows.length === 0 && connections.length === 0) return;
    for (let at = 0; at < rows.length; at += BATCH_ROWS) {
      this.emit({ rows: rows.slice(at, at + BATCH_ROWS), connections: at === 0 ? connections : undefined });
    }
    if (rows.length === 0) this.emit({ connections });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.breakpoints.close();
    await this.clients.close();
    await this.proxy?.close();
    await this.lab?.close();
    // A proxy that could not listen (the port in use) leaves no session to close.
    const session = this.session as Session | undefined;
    session?.recorder?.end();
    session?.close();
    await session?.writer?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Let the relay (and everything else waiting) run before going on. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function readStart(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    return fileStart(fd);
  } finally {
    closeSync(fd);
  }
}
