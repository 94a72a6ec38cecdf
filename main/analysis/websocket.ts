// The WebSocket of an upgraded connection (RFC 6455), analysed from the bytes after the
// `101 Switching Protocols`: the HTTP parsers say which bytes are the tunnel's (raw
// `tunnel` events), and those go to a frame parser per direction. A live socket can run
// for days: messages are counted, and only the first `keep` are kept with their preview,
// as a ledger keeps its first chunks; the close handshake is always followed.

import { ANOMALIES } from '../../shared/anomalies';
import type { AnomalyEvent, EndKind, Http1Event } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';
import { fieldValue } from '../../shared/fields';
import type { WebSocketAccount, WebSocketMessage, WsCloseSeen, WsEvent, WsMessageEntry, WsSender } from '../../shared/websocket';
import type { ClientStream } from '../capture/format';
import type { TimeAt } from '../http1/ledger';
import type { Closer } from '../http1/sentences';
import { DEFAULT_WS_LIMITS, negotiatedExtensions, type Negotiated, WebSocketParser } from '../websocket';

/** Messages kept with their preview by an analysis that keeps chunks (the detail, `inspect`). */
export const KEPT_MESSAGES = 10_000;

const SENDER: Record<ClientStream, WsSender> = { 0: 'client', 1: 'server' };

/** A finding of the WebSocket, as an anomaly of the HTTP message of the upgrade it belongs to. */
export interface WsFound {
  stream: ClientStream;
  event: AnomalyEvent;
}

/** The upgrade a 101 completed, when its request asked for a WebSocket (RFC 6455 §4.1, §4.2.2). */
export function webSocketUpgrade(request: MessageRecord | undefined, response: MessageRecord): { request: MessageRecord; response: MessageRecord } | null {
  if (response.response?.status !== 101 || !request) return null;
  const upgrade = fieldValue(request.headers, 'upgrade') ?? '';
  return upgrade.split(',').some((token) => token.trim().toLowerCase() === 'websocket') ? { request, response } : null;
}

export class WebSocketAnalysis {
  /** The exchange whose 101 began it. */
  readonly exchange: number;
  readonly negotiated: Negotiated;
  /** As the 101 said them: the extensions in effect, and the subprotocol chosen. */
  readonly extensions: string | null;
  readonly protocol: string | null;
  /** The first `keep` messages of both senders, in the order they completed. */
  readonly messages: WsMessageEntry[] = [];
  /** Messages given as events, each sender's; those its parser only counted are added in `counts`. */
  private readonly given: Record<WsSender, number> = { client: 0, server: 0 };
  readonly closes: Record<WsSender, WsCloseSeen | null> = { client: null, server: null };
  /** A frame length that could not be trusted: what came after it was not read. */
  readonly lost: Record<WsSender, boolean> = { client: false, server: false };
  private readonly parsers: [WebSocketParser | null, WebSocketParser | null] = [null, null];
  private readonly ended: [boolean, boolean] = [false, false];
  /** HTTP message of each direction the findings belong to: the upgrade request, and its 101. */
  private readonly owners: [number, number];
  private seq = 0;

  constructor(
    upgrade: { request: MessageRecord; response: MessageRecord },
    private readonly keep: number,
  ) {
    this.exchange = upgrade.request.index;
    this.owners = [upgrade.request.index, upgrade.response.index];
    this.extensions = fieldValue(upgrade.response.headers, 'sec-websocket-extensions');
    this.protocol = fieldValue(upgrade.response.headers, 'sec-websocket-protocol');
    this.negotiated = negotiatedExtensions(this.extensions);
  }

  /** Messages each sender finished (or began, and the stream ended). */
  get counts(): Record<WsSender, number> {
    return { client: this.given.client + (this.parsers[0]?.counted ?? 0), server: this.given.server + (this.parsers[1]?.counted ?? 0) };
  }

  get total(): number {
    const counts = this.counts;
    return counts.client + counts.server;
  }

  /** Messages beyond those kept: counted only. */
  get omitted(): number {
    return this.total - this.messages.length;
  }

  /** A read of `stream` (its first byte at `base`) and the HTTP parser's events for it: the tunnel's bytes are frames. */
  feed(stream: ClientStream, events: readonly Http1Event[], bytes: Uint8Array, base: number, timeAt: TimeAt): WsFound[] {
    const found: WsFound[] = [];
    for (const e of events) {
      if (e.type !== 'raw' || e.reason !== 'tunnel' || this.ended[stream]) continue;
      const parser = (this.parsers[stream] ??= this.parser(stream, e.offset));
      this.absorb(stream, parser.feed(bytes.subarray(e.offset - base, e.offset - base + e.length)), timeAt, found);
    }
    return found;
  }

  /** A direction ended: how, and who ended it. */
  end(stream: ClientStream, kind: EndKind, by: Closer, timeAt: TimeAt): WsFound[] {
    if (this.ended[stream]) return [];
    this.ended[stream] = true;
    const found: WsFound[] = [];
    const parser = this.parsers[stream];
    if (parser) this.absorb(stream, parser.end(kind, by), timeAt, found);
    return found;
  }

  /** What the account says of the socket: messages, the close handshake. */
  account(): WebSocketAccount {
    const { client, server } = this.closes;
    const closedBy = client && server ? (client.at <= server.at ? 'client' : 'server') : client ? 'client' : server ? 'server' : null;
    return { messages: this.counts, closes: { client, server }, closedBy, answered: client !== null && server !== null, over: (client !== null && server !== null) || (this.ended[0] && this.ended[1]) };
  }

  private parser(stream: ClientStream, start: number): WebSocketParser {
    const sender = SENDER[stream];
    const parser = new WebSocketParser(sender, {
      start,
      deflate: this.negotiated.deflate?.[sender] ?? null,
      otherExtensions: this.negotiated.others,
      limits: { previewBytes: this.keep > 0 ? DEFAULT_WS_LIMITS.previewBytes : 0 },
      frameEvents: false,
    });
    parser.counting = this.messages.length >= this.keep;
    return parser;
  }

  private absorb(stream: ClientStream, events: readonly WsEvent[], timeAt: TimeAt, found: WsFound[]): void {
    const sender = SENDER[stream];
    for (const e of events) {
      if (e.type === 'anomaly') {
        if (e.cls === 'F') this.lost[sender] = true;
        found.push({ stream, event: { type: 'anomaly', message: this.owners[stream], code: e.code, cls: ANOMALIES[e.code].cls, offset: e.offset, text: e.text } });
      } else if (e.type === 'message') {
        const m = e.message;
        this.given[sender]++;
        const kept = this.messages.length < this.keep;
        // Past the kept ones, only a Close is looked at (its time): the rest are counts.
        if (!kept && m.kind !== 'close') continue;
        const last = timeAt(Math.max(m.offset, m.end - 1));
        if (m.kind === 'close' && m.complete && m.close && !this.closes[sender]) this.closes[sender] = { ...m.close, offset: m.offset, message: m.index, at: last };
        if (!kept) continue;
        this.messages.push({ ...m, seq: this.seq++, first: timeAt(m.offset), last });
        // Full: from here on the parsers count messages, and give only Closes as events.
        if (this.messages.length >= this.keep) for (const parser of this.parsers) if (parser) parser.counting = true;
      }
    }
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** A kept message as the UI and `inspect --json` show it: its preview as text, or as base64 data. */
export function messageView(m: WsMessageEntry): WebSocketMessage {
  const text = m.kind === 'text' && (!m.compressed || m.decompressed);
  return {
    seq: m.seq,
    from: m.sender,
    index: m.index,
    kind: m.kind,
    opcode: m.opcode,
    first: m.first,
    last: m.last,
    stream: m.sender === 'client' ? 0 : 1,
    offset: m.offset,
    end: m.end,
    frames: m.frames,
    wireLength: m.wireLength,
    size: m.size,
    compressed: m.compressed,
    decompressed: m.decompressed,
    note: m.note,
    // A preview cut inside a character ends with a replacement character; a whole one does not.
    text: text ? decoder.decode(m.preview) : null,
    data: text ? null : Buffer.from(m.preview).toString('base64'),
    cut: m.previewCut,
    close: m.close,
    complete: m.complete,
    problems: m.problems,
  };
}
