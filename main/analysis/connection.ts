// One connection through the proxy, analysed from what the client sent and received:
// the two parsers (the response parser reads with the request methods), the ledgers,
// the read times and how each side ended. The live proxy and `inspect CAPTURE` both
// feed this, so what is shown live and what a capture says afterwards cannot differ.

import type { Direction, EndKind, Http1Event } from '../../shared/http1';
import type { CloseRecord, ConnectionReport, ExchangeRecord } from '../../shared/capture';
import type { DirectionReport, MessageRecord } from '../../shared/ledger';
import type { MessageLog } from '../http1/message-log';
import type { CaptureEvent, ClientStream, StreamId } from '../capture/format';
import { Http1Parser } from '../http1';
import { LedgerBuilder } from '../http1/ledger';
import type { Closer, Ending } from '../http1/sentences';
import type { AccountStall, AccountWaiting } from '../../shared/account';
import { connectionReport, exchangeRecord, exchangeRecords } from './report';
import { findings } from './findings';
import { hostFinding, upgradeFindings } from './routing';
import { ExchangeSpans, isInterim, Pairing } from './pairing';
import { ConnectionStreams } from './streams';
import { DEFAULT_STALL_SECONDS, type AnalyzerListener, type AnalyzerOptions } from './analyzer-options';
import { clientViewEnds, clientWentFirst, originViewEnds, receivedEndedBy } from './stream-ends';
import { silence, StallLog } from './stall-log';
import { KEPT_MESSAGES, WebSocketAnalysis, webSocketUpgrade, type WsFound } from './websocket';
import { closeHandshakeFinding } from './websocket-account';
import { OriginSide } from './origin-side';

const DIRECTION: Record<ClientStream, Direction> = { 0: 'request', 1: 'response' };
/** Bytes parsed at once (see read). */
const FEED_SLICE = 16 * 1024;
/** Requests waiting for their responses kept as records, with packWaiting; the rest are packed. */
const KEPT_WAITING = 1000;

export class ConnectionAnalyzer extends ConnectionStreams {
  readonly id: string;
  readonly closes: CloseRecord[] = [];
  /** With rules: the origin's side (origin-side.ts). */
  private readonly originSide = new OriginSide(
    () => new ConnectionAnalyzer(this.number, this.client, this.mode, this.openedAt, { keepChunks: this.keepChunks, stallSeconds: this.stallSeconds, keepSpans: this.exchangeSpans.keeps, packWaiting: this.packWaiting }),
  );
  private readonly keepChunks: boolean | number;
  /** WebSocket messages kept with their preview (the rest are counted). */
  private readonly keepMessages: number;

  private readonly parsers: [Http1Parser, Http1Parser];
  private readonly ledgers: [LedgerBuilder, LedgerBuilder];
  /** Exchanges before this one have ended (they end in order; the connection's end ends the rest). */
  private endedBelow = 0;
  private readonly pairing: Pairing;
  /** When each exchange began and ended, noted as it ends (lanes, idle gaps). */
  readonly exchangeSpans: ExchangeSpans;
  private completedResponses = 0;
  private readonly listener: AnalyzerListener;
  private readonly stallLog: StallLog;
  /** What each stream's parser waited for when the stream ended (where its bytes stopped). */
  private readonly endWaiting: [AccountWaiting | null, AccountWaiting | null] = [null, null];
  private readonly stallSeconds: number;
  private readonly packWaiting: boolean;
  /** Records fed so far (data and events): a row or a detail derived from fewer is older. */
  records = 0;
  /** The WebSocket a 101 began (main/analysis/websocket.ts). */
  webSocket: WebSocketAnalysis | null = null;

  constructor(
    readonly number: number,
    readonly client: string,
    readonly mode: 'forward' | 'reverse',
    /** Seconds since the capture started. */
    openedAt: number,
    options: AnalyzerOptions = {},
  ) {
    super(openedAt);
    this.id = `c${number}`;
    this.listener = options.listener ?? {};
    this.stallSeconds = options.stallSeconds ?? DEFAULT_STALL_SECONDS;
    this.clientIsChunkscope = options.clientIsChunkscope === true;
    this.stallLog = new StallLog(this.stallSeconds);
    this.exchangeSpans = new ExchangeSpans(options.keepSpans ?? true);
    this.packWaiting = options.packWaiting === true;
    const keepChunks = (this.keepChunks = options.keepChunks ?? true);
    this.keepMessages = keepChunks === true ? KEPT_MESSAGES : keepChunks === false ? 0 : keepChunks;
    this.parsers = [
      // A forward proxy answers CONNECT itself: a tunnel always follows (or the end).
      // Through a reverse proxy the origin answers, and its 2xx decides (see absorb).
      new Http1Parser('request', { assumeConnectTunnel: mode === 'forward', recordedBodyLength: (i) => this.imported?.recordedBodies?.request[i] ?? null }),
      new Http1Parser('response', {
        // Asked of the request the next response answers: never one let go (see release).
        requestMethod: (i) => (i < this.ledgers[0].messages.length ? (this.ledgers[0].messages.at(i)?.request?.method ?? null) : undefined),
        recordedBodyLength: (i) => this.imported?.recordedBodies?.response[i] ?? null,
      }),
    ];
    this.ledgers = [new LedgerBuilder('request', { keepChunks }), new LedgerBuilder('response', { keepChunks })];
    // A count-only analysis (live rows, the CLI) keeps only the interim responses it shows.
    this.pairing = new Pairing(this.ledgers[0], this.ledgers[1], keepChunks === false);
  }

  /**
   * A read of one stream, at `time` seconds since the capture started; `generated` when
   * the proxy wrote it itself.
   */
  data(stream: StreamId, bytes: Uint8Array, time: number, generated = false): Http1Event[] {
    const events: Http1Event[] = [];
    this.read(stream, bytes, time, generated, events);
    return events;
  }

  /**
   * A read, analysed without handing back its parser events (when `events` is null):
   * none outlives the slice it came from.
   */
  read(stream: StreamId, bytes: Uint8Array, time: number, generated = false, events: Http1Event[] | null = null): void {
    this.records++;
    if (stream === 2 || stream === 3) return this.originSide.get().read(stream === 2 ? 0 : 1, bytes, time, false, events);
    if (this.ends[stream]) return; // bytes after the stream ended cannot be interpreted
    if (bytes.length > 0) this.stallLog.beforeBytes(this, stream, time);
    const base = this.readIndex[stream].bytes;
    this.readIndex[stream].add(bytes.length, time);
    this.lastByteAt[stream] = time;
    // A slice at a time: the events and records of one slice die young, where those of a
    // whole 1 MiB read (240,000 events of `100 Continue`s) outlived a garbage collection
    // and piled up in the old generation.
    for (let at = 0; at === 0 || at < bytes.length; at += FEED_SLICE) {
      const slice = bytes.subarray(at, at + FEED_SLICE);
      const found = this.parsers[stream].feed(slice);
      this.absorb(stream, found);
      if (this.webSocket) this.absorbFound(this.webSocket.feed(stream, found, slice, base + at, this.timeAt(stream)));
      if (generated) {
        for (const e of found) if (e.type === 'message-start') this.ledgers[stream].messages.at(e.message)!.generated = true;
      }
      if (events) for (const e of found) events.push(e);
    }
  }

  event(event: CaptureEvent): void {
    if (event.type === 'session' || event.type === 'end' || event.type === 'open') return;
    this.records++;
    const at = event.time - this.openedAt;
    if (this.noteFact(event, at)) {
      if (event.type === 'upstream') this.originSide.switched();
      else if (event.type === 'tls-failed') this.listener.tlsFailed?.(this, event.side, event.reason);
      else if (event.type === 'rule') this.listener.ruleApplied?.(this, this.rules.at(-1)!);
      return;
    }
    switch (event.type) {
      case 'close':
        this.closes.push({ side: event.side, kind: event.kind, at, by: event.by, detail: event.detail });
        if (event.kind !== 'open') {
          // The first end of anything ends the silences still running: who did it says who gave up.
          this.stallLog.atEnd(this, event.time, { who: event.by === 'proxy' ? 'proxy' : event.side === 'client' ? 'client' : 'server', how: event.kind });
        }
        this.streamEndsFrom(event);
        if (event.side === 'upstream') this.originSide.upstreamClosed(event);
        // Once the client's side is over no other origin can follow: the ends are final.
        if (event.side === 'client' || this.ended) this.originSide.settle();
        break;
    }
  }

  /** The origin's side (origin-side.ts), once its first byte came. */
  get origin(): ConnectionAnalyzer | null {
    return this.originSide.analyzer;
  }

  /** On the origin's side: the upstream connection ended (the proxy is its client). */
  originEnded(close: Extract<CaptureEvent, { type: 'close' }>): void {
    if (close.kind === 'open') return this.finish();
    for (const step of originViewEnds(close)) this.endStream(step.stream, step.kind, step.by, step.tls);
  }

  /** The capture ended: streams still open end as `open` (nothing is truncated). */
  finish(): void {
    this.originSide.settle();
    this.origin?.finish();
    for (const stream of [0, 1] as const) if (!this.ends[stream]) this.endStream(stream, 'open', stream === 0 ? 'client' : 'server');
  }

  /** Requests whose final response has not completed yet. */
  outstanding(): number {
    return this.ledgers[0].messages.length - this.completedResponses;
  }

  /** What the parser of a stream waits for now (for stall reports). */
  waiting(stream: ClientStream) {
    return this.parsers[stream].waiting();
  }

  /** Where a stream's bytes stopped when it ended (null while it runs, or when it ended between messages). */
  stoppedAt(stream: ClientStream): AccountWaiting | null {
    return this.endWaiting[stream];
  }

  /** The stalls so far; with `now` (seconds since the capture started), the one still running too. */
  stalls(now: number | null = null): AccountStall[] {
    return this.stallLog.all(this, now);
  }

  get stallThreshold(): number {
    return this.stallSeconds;
  }

  /** The exchange a stream is on now: its message's request, or the first not answered yet. */
  exchangeOn(stream: ClientStream): number {
    if (stream === 0) return Math.max(0, this.ledgers[0].messages.length - 1);
    const w = this.parsers[1].waiting();
    const current = w.message !== null ? this.ledgers[1].messages.at(w.message)?.requestIndex : null;
    return current ?? this.completedResponses;
  }

  /** Final responses that arrived whole. */
  get answered(): number {
    return this.completedResponses;
  }

  /** A direction's messages and anomalies with its verdict. */
  ledgerReport(direction: Direction): DirectionReport {
    return this.ledgers[direction === 'request' ? 0 : 1].report();
  }

  /** Every message of a direction by index; a released one is no longer kept (see release). */
  messages(direction: Direction): MessageLog {
    return this.ledgers[direction === 'request' ? 0 : 1].messages;
  }

  /** Kept responses to requests #from on, newest first. */
  responsesNewestFirst(from: number): Generator<MessageRecord> {
    return this.pairing.newestFirst(from);
  }

  /** Interim responses to request #index that were counted and not kept. */
  forgottenInterim(index: number): { count: number; bytes: number } {
    return this.pairing.forgotten(index);
  }

  /**
   * The messages of exchanges before #before are of no more use to the caller (their rows
   * are final, their lines printed): forget them, so a live connection's analysis stays
   * bounded however many exchanges it carries.
   */
  release(before: number): void {
    // Only exchanges answered whole: one the connection's end cut short stays, for its account.
    this.pairing.release(Math.min(before, this.completedResponses));
    this.origin?.release(before);
    // The times of reads before the oldest message kept are of no more use either, nor the rewrites and rules before it.
    for (const stream of [0, 1] as const) this.readIndex[stream].dropBefore(this.ledgers[stream].messages.first()?.offset ?? this.readIndex[stream].bytes);
    const oldest = this.ledgers[0].messages.first();
    this.forgetFactsBefore(oldest?.offset ?? this.streamBytes(0), oldest?.index ?? this.ledgers[0].messages.length);
  }

  exchange(index: number): ExchangeRecord {
    return exchangeRecord(this, index);
  }

  exchanges(): ExchangeRecord[] {
    return exchangeRecords(this);
  }

  report(): ConnectionReport {
    return connectionReport(this);
  }

  /** The messages of an exchange as they are (no timing): cheap, for live rows. */
  exchangeMessages(index: number): { request: MessageRecord | null; response: MessageRecord | null; informational: MessageRecord[] } {
    const responses = this.responsesTo(index);
    return {
      request: this.ledgers[0].messages.at(index) ?? null,
      response: responses.filter((m) => !isInterim(m)).at(-1) ?? null,
      informational: responses.filter(isInterim),
    };
  }

  /** Every response to request #index kept, interim ones included, in order. */
  responsesTo(index: number): MessageRecord[] {
    return this.pairing.responsesTo(index);
  }

  exchangeCount(): number {
    return this.pairing.exchangeCount();
  }

  private absorb(stream: ClientStream, events: Http1Event[]): void {
    this.ledgers[stream].push(events);
    for (const e of events) {
      if (e.type === 'framing' && this.imported?.recordedBodies) {
        const recorded = this.imported.recordedBodies[DIRECTION[stream]][e.message];
        if (recorded !== null && recorded !== undefined) {
          const m = this.ledgers[stream].messages.at(e.message)!;
          m.framing = 'unknown';
          m.framingReason = this.imported.note;
          m.contentLength = null;
        }
      }
      if (stream === 0) {
        if (e.type === 'message-start') {
          this.exchangeSpans.started(e.message, this.timeAt(0)(e.offset));
        } else if (e.type === 'head-end') {
          const found = hostFinding(this.ledgers[0].messages.at(e.message)!);
          if (found) this.absorb(0, [found]);
        } else if (e.type === 'message-complete' && this.packWaiting && this.outstanding() > KEPT_WAITING) {
          this.ledgers[0].messages.pack(e.message);
        }
      } else if (e.type === 'framing' && e.tunnel) {
        // A 2xx to CONNECT or a 101: the client's next bytes are the tunnel's.
        this.parsers[0].tunnel();
      } else if (e.type === 'message-complete') {
        const m = this.ledgers[1].messages.at(e.message)!;
        const status = m.response?.status ?? 0;
        if (m.requestIndex !== null && (status >= 200 || status === 101)) {
          this.completedResponses++;
          const upgrade = this.webSocket ? null : webSocketUpgrade(this.ledgers[0].messages.at(m.requestIndex), m);
          if (upgrade) this.webSocket = new WebSocketAnalysis(upgrade, this.keepMessages);
          for (const found of upgradeFindings(this.ledgers[0].messages, m, (x, s) => this.timeAt(s)(x.offset))) this.absorb(found.stream, [found.event]);
          this.exchangeEnded(m.requestIndex, m);
        } else if (isInterim(m)) {
          this.pairing.interimCompleted(m);
        }
      }
      if (e.type === 'anomaly') this.listener.anomaly?.(this, DIRECTION[stream], e);
    }
  }

  private absorbFound(found: readonly (WsFound | null)[]): void {
    for (const f of found) if (f) this.absorb(f.stream, [f.event]);
  }

  /** Exchange #index ended, with its final response `final` when it came (and any before it not ended yet). */
  private exchangeEnded(index: number, final?: MessageRecord): void {
    // Responses answer requests in order: an exchange ends once those before it have.
    while (this.endedBelow <= index) {
      const i = this.endedBelow++;
      const request = this.ledgers[0].messages.at(i);
      this.exchangeSpans.ended(i, request ? this.timeAt(0)(request.offset) : null, this.lastByteOf(i, i === index ? final : undefined));
      this.listener.exchangeEnded?.(this, i);
    }
  }

  /**
   * Seconds since the connection opened of exchange #index's last byte: its response's
   * (`final` when known: one read of 27,000 pipelined responses once searched the others
   * for each, quadratic), or its request's.
   */
  private lastByteOf(index: number, final?: MessageRecord): number {
    const response = final ?? this.pairing.responsesTo(index).at(-1);
    const last = response ?? this.ledgers[0].messages.at(index);
    if (!last) return this.lastByteAt[0] - this.openedAt;
    return this.timeAt(response ? 1 : 0)(Math.max(last.offset, last.end - 1));
  }

  /** Which stream a close record ends, and whom the sentences blame (stream-ends.ts). */
  private streamEndsFrom(close: Extract<CaptureEvent, { type: 'close' }>): void {
    if (close.kind === 'open') return this.finish();
    const responseBy = () => receivedEndedBy(this.closes, this.imported !== null, this.clientEndedFirst());
    for (const step of clientViewEnds(close, { imported: this.imported !== null, tls: this.tls?.client != null, responseBy })) this.endStream(step.stream, step.kind, step.by, step.tls);
  }

  /** The client ended its side before the server did, and no byte of the server's came after that. */
  clientEndedFirst(): boolean {
    return clientWentFirst(this.closes, this.lastByteAt[1] - this.openedAt);
  }

  private endStream(stream: ClientStream, kind: EndKind, by: Closer, tls: Ending['tls'] = null): void {
    if (this.ends[stream]) return;
    this.ends[stream] = { kind, by, tls };
    this.endWaiting[stream] = silence(this, stream)?.waiting ?? null;
    this.absorb(stream, this.parsers[stream].end(kind, by, tls));
    const ws = this.webSocket;
    if (ws) this.absorbFound([...ws.end(stream, kind, by, this.timeAt(stream)), this.ended ? closeHandshakeFinding(this, ws) : null]);
    // What went wrong between messages shows once what the client received has ended, or
    // the capture ended after the client had given up (nothing of the server's came since).
    if (stream === 1 && (kind !== 'open' || this.clientEndedFirst()) && !this.imported?.recordedBodies) {
      for (const found of findings(this)) this.absorb(found.stream, [found.event]);
    }
    if (stream === 1 || this.ends[1]) {
      // Exchanges still waiting for their response end with the connection.
      for (let i = this.endedBelow; i < this.exchangeCount(); i++) this.exchangeEnded(i);
    }
  }
}
