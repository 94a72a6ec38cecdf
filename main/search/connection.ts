// One connection of a capture searched as its records come: the connection's analysis
// (main/analysis, the one every view reads) says where each message, head and body is;
// this takes the bytes it names. Head sections are gathered whole (the parser bounds
// them); bodies go to a BodySearch piece by piece. What the client sent and received is
// searched (streams 0 and 1): with rules on, that is what the client saw.

import type { Direction } from '../../shared/anomalies';
import type { Http1Event } from '../../shared/http1';
import type { CaptureEvent, DataRecord } from '../capture/format';
import { ConnectionAnalyzer } from '../analysis/connection';
import { BodySearch } from './body';
import { record, wanted, type SearchContext, type SearchPlace } from './context';
import { StreamMatcher } from './matcher';

/** A head section gathered past this is let go (the parser refuses those past 64 KiB anyway). */
const MAX_HEAD = 256 * 1024;

const DIRECTIONS: [Direction, Direction] = ['request', 'response'];

interface StreamState {
  /** Bytes of the stream before the record being read. */
  base: number;
  /** The last byte of the previous record: a message can start at a CR held from it. */
  lastByte: number;
  message: number | null;
  /** The exchange the message belongs to (a response's request). */
  exchange: number | null;
  head: { start: number; parts: Uint8Array[]; length: number } | null;
  contentEncoding: string | null;
  body: BodySearch | null;
}

function freshStream(): StreamState {
  return { base: 0, lastByte: -1, message: null, exchange: null, head: null, contentEncoding: null, body: null };
}

export class ConnectionSearch {
  private readonly analyzer: ConnectionAnalyzer;
  private readonly streams: [StreamState, StreamState] = [freshStream(), freshStream()];

  constructor(
    open: Extract<CaptureEvent, { type: 'open' }>,
    private readonly context: SearchContext,
    stallSeconds?: number,
  ) {
    this.analyzer = new ConnectionAnalyzer(open.connection, open.client, open.mode, open.time, { keepChunks: false, stallSeconds });
  }

  get number(): number {
    return this.analyzer.number;
  }

  /** Both directions ended: nothing more can come. */
  get ended(): boolean {
    return this.analyzer.ended;
  }

  async data(data: DataRecord): Promise<void> {
    // Streams 2 and 3 (with rules: the origin's side) are not what the client saw.
    if (data.stream > 1) return;
    const stream = data.stream as 0 | 1;
    const state = this.streams[stream];
    const events = this.analyzer.data(stream, data.bytes, data.time, data.generated);
    for (const event of events) await this.take(stream, state, event, data.bytes);
    if (state.head) this.gather(state, data.bytes.subarray(Math.max(0, state.head.start - state.base)));
    if (data.bytes.length > 0) state.lastByte = data.bytes[data.bytes.length - 1]!;
    state.base += data.bytes.length;
  }

  async event(event: CaptureEvent): Promise<void> {
    this.analyzer.event(event);
    if (event.type === 'close') await this.endStreams();
  }

  /** The capture ended: bodies still open end here (whole only if their message was complete). */
  async finish(): Promise<void> {
    this.analyzer.finish();
    for (const stream of [0, 1] as const) await this.endBody(stream, this.streams[stream]);
  }

  private async take(stream: 0 | 1, state: StreamState, event: Http1Event, bytes: Uint8Array): Promise<void> {
    switch (event.type) {
      case 'message-start': {
        await this.endBody(stream, state);
        state.message = event.message;
        state.exchange = stream === 0 ? event.message : event.requestIndex;
        state.contentEncoding = null;
        state.head = state.exchange !== null && wanted(this.context, this.number, state.exchange, DIRECTIONS[stream], 'headers') ? { start: event.offset, parts: [], length: 0 } : null;
        // A message that starts at a CR held from the previous record.
        if (state.head && event.offset < state.base && state.lastByte >= 0) this.gather(state, Uint8Array.of(state.lastByte));
        return;
      }
      case 'header':
        if (event.name.toLowerCase() === 'content-encoding') state.contentEncoding = state.contentEncoding === null ? event.value : `${state.contentEncoding}, ${event.value}`;
        return;
      case 'head-end': {
        const head = state.head;
        if (!head) return;
        state.head = null;
        this.gather(state, bytes.subarray(Math.max(0, head.start - state.base), event.offset + event.length - state.base), head);
        this.searchHead(stream, state, head);
        return;
      }
      case 'chunk-data':
      case 'body-data': {
        const body = this.bodyOf(stream, state);
        const busy = body?.push(bytes.subarray(event.offset - state.base, event.offset - state.base + event.length), event.offset);
        if (busy) await busy;
        return;
      }
      case 'message-complete':
        if (event.message === state.message) await this.endBody(stream, state, true);
        // Exchanges answered whole are done with: the analysis forgets them, so a connection
        // of a million requests is searched in bounded memory.
        if (stream === 1) this.analyzer.release(this.analyzer.answered);
        return;
      default:
        return;
    }
  }

  private gather(state: StreamState, bytes: Uint8Array, head = state.head): void {
    if (!head || bytes.length === 0) return;
    if (head.length + bytes.length > MAX_HEAD) {
      state.head = null;
      return;
    }
    head.parts.push(Uint8Array.from(bytes));
    head.length += bytes.length;
  }

  private searchHead(stream: 0 | 1, state: StreamState, head: NonNullable<StreamState['head']>): void {
    const place: SearchPlace = { connection: this.number, index: state.exchange!, direction: DIRECTIONS[stream], part: 'headers', form: 'sent' };
    const matcher = new StreamMatcher(this.context.query, (found) => record(this.context, place, found, head.start + found.offset), () => this.context.at(place));
    matcher.push(Buffer.concat(head.parts));
    matcher.end();
  }

  private bodyOf(stream: 0 | 1, state: StreamState): BodySearch | null {
    if (state.body || state.exchange === null) return state.body;
    if (!wanted(this.context, this.number, state.exchange, DIRECTIONS[stream], 'body')) return null;
    state.body = new BodySearch(this.context, { connection: this.number, index: state.exchange, direction: DIRECTIONS[stream], part: 'body' }, state.contentEncoding);
    return state.body;
  }

  private async endBody(stream: 0 | 1, state: StreamState, complete?: boolean): Promise<void> {
    const body = state.body;
    if (!body) return;
    state.body = null;
    const message = state.message === null ? undefined : this.analyzer.messages(DIRECTIONS[stream]).at(state.message);
    await body.end(complete ?? message?.complete === true);
  }

  /** After a close: a stream that ended ends its body (a close-delimited one is whole then). */
  private async endStreams(): Promise<void> {
    for (const stream of [0, 1] as const) {
      if (this.analyzer.streamEnd(stream) !== null) await this.endBody(stream, this.streams[stream]);
    }
  }
}
