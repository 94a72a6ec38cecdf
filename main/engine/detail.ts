// The full detail of one connection, re-derived from its bytes in the capture: the
// ledgers with every chunk and their times, and what each byte is (for the raw view).

import { feedRecord } from '../analysis/capture-analysis';
import { exchangeId } from '../../shared/exchange-id';
import type { ChunkColumns, ExchangeDetail, MessageDetail, RawSlice, RawSpan, SpanKind, StreamViewResult } from '../../shared/api';
import type { Http1Event, RawReason } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';
import type { StreamId } from '../capture/format';
import { ConnectionAnalyzer } from '../analysis/connection';
import type { ConnectionRecords, ReplayCursor } from './connection-records';
import { kindFromType } from '../stream';
import { exchangeAccount } from '../analysis/account';
import { exchangeRow, type RowContext } from './rows';
import type { StreamViews } from './stream';
import { fieldValue } from '../../shared/fields';

/** Chunks sent with one exchange; beyond, the UI says how many more there are. */
export const MAX_DETAIL_CHUNKS = 200_000;
/** Interim responses (100 Continue…) sent with one exchange; beyond, their count. */
export const MAX_DETAIL_INTERIM = 100;
/** Chunks in one answer: a big ledger comes in several, so no answer stalls the relay to build or send. */
export const CHUNKS_PER_ANSWER = 10_000;
/** Longest stretch of feeding a detail before the relay gets a turn. */
const FEED_SLICE_MS = 4;

const KINDS: SpanKind[] = ['head', 'size-line', 'extension', 'data', 'crlf', 'last-chunk', 'trailer', 'body', 'raw', 'leading'];
const REASONS: RawReason[] = ['unparsed', 'trailing', 'tunnel', 'incomplete'];

/** What each byte of a stream is, as merged runs in typed arrays. */
class SpanIndex {
  private offsets = new Float64Array(64);
  private lengths = new Float64Array(64);
  private kinds = new Uint8Array(64);
  private count = 0;

  add(offset: number, length: number, kind: SpanKind, reason?: RawReason): void {
    if (length <= 0) return;
    const code = KINDS.indexOf(kind) | (reason ? (REASONS.indexOf(reason) + 1) << 4 : 0);
    const last = this.count - 1;
    if (last >= 0 && this.kinds[last] === code && this.offsets[last]! + this.lengths[last]! === offset) {
      this.lengths[last]! += length;
      return;
    }
    if (this.count === this.offsets.length) this.grow();
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.kinds[this.count] = code;
    this.count++;
  }

  /** The spans overlapping [from, to), clipped to it. */
  slice(from: number, to: number): RawSpan[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid]! + this.lengths[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: RawSpan[] = [];
    for (let i = lo; i < this.count && this.offsets[i]! < to; i++) {
      const start = Math.max(from, this.offsets[i]!);
      const end = Math.min(to, this.offsets[i]! + this.lengths[i]!);
      const code = this.kinds[i]!;
      const span: RawSpan = { offset: start, length: end - start, kind: KINDS[code & 15]! };
      if (code >> 4) span.reason = REASONS[(code >> 4) - 1];
      out.push(span);
    }
    return out;
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const offsets = new Float64Array(size);
    offsets.set(this.offsets);
    const lengths = new Float64Array(size);
    lengths.set(this.lengths);
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    this.offsets = offsets;
    this.lengths = lengths;
    this.kinds = kinds;
  }
}

function indexSpans(spans: SpanIndex, events: readonly Http1Event[]): void {
  for (const e of events) {
    switch (e.type) {
      case 'leading-crlf':
        spans.add(e.offset, e.length, 'leading');
        break;
      case 'start-line':
      case 'header':
      case 'head-end':
        spans.add(e.offset, e.length, 'head');
        break;
      case 'chunk-size':
      case 'last-chunk': {
        const kind = e.type === 'chunk-size' ? 'size-line' : 'last-chunk';
        spans.add(e.offset, e.sizeToken.length, kind);
        spans.add(e.offset + e.sizeToken.length, e.extensions.length, 'extension');
        spans.add(e.offset + e.sizeToken.length + e.extensions.length, e.length - e.sizeToken.length - e.extensions.length, kind);
        break;
      }
      case 'chunk-data':
        spans.add(e.offset, e.length, 'data');
        break;
      case 'chunk-crlf':
        spans.add(e.offset, e.length, 'crlf');
        break;
      case 'trailer':
      case 'trailers-end':
        spans.add(e.offset, e.length, 'trailer');
        break;
      case 'body-data':
        spans.add(e.offset, e.length, 'body');
        break;
      case 'raw':
        spans.add(e.offset, e.length, 'raw', e.reason);
        break;
      default:
        break;
    }
  }
}

/**
 * A message for the detail, its chunks as columns from chunk #`from` on: a live view asks
 * only for the chunks it has not got, so a refresh costs what arrived, not the whole body.
 * The last chunk it already has is sent again (it may have grown since).
 */
export function messageDetail(m: MessageRecord, timeAt: (offset: number) => number, from = 0): MessageDetail {
  const { chunks: all, timing: _timing, ...rest } = m;
  const total = Math.min(all?.length ?? 0, MAX_DETAIL_CHUNKS);
  const start = Math.max(0, Math.min(from, total - 1));
  const end = Math.min(total, start + CHUNKS_PER_ANSWER);
  let columns: ChunkColumns | null = null;
  if (all) {
    columns = { offsets: [], sizeTokens: [], sizes: [], extensions: [], dataLengths: [], crlf: [], firstTimes: [], lastTimes: [] };
    for (let i = start; i < end; i++) {
      const c = all[i]!;
      columns.offsets.push(c.offset);
      columns.sizeTokens.push(c.sizeToken);
      columns.sizes.push(c.size);
      columns.extensions.push(c.extensions);
      columns.dataLengths.push(c.dataLength);
      columns.crlf.push(c.crlf);
      columns.firstTimes.push(timeAt(c.offset));
      columns.lastTimes.push(timeAt(Math.max(c.offset, c.dataOffset + c.dataLength - 1)));
    }
  }
  return {
    ...rest,
    chunkColumns: columns,
    chunkColumnsFrom: all ? start : 0,
    chunksMore: end < total,
    chunksTruncated: (all?.length ?? 0) > MAX_DETAIL_CHUNKS,
    first: timeAt(m.offset),
    last: timeAt(Math.max(m.offset, m.end - 1)),
  };
}

/** Whether a response can carry a body at all (RFC 9112 §6.3): not to HEAD, not 1xx, 204 or 304. */
function mayHaveBody(response: MessageDetail, request: MessageRecord | null): boolean {
  const status = response.response?.status ?? 0;
  return request?.request?.method !== 'HEAD' && status >= 200 && status !== 204 && status !== 304;
}

export class ConnectionDetail {
  readonly analyzer: ConnectionAnalyzer;
  private readonly spans = [new SpanIndex(), new SpanIndex(), new SpanIndex(), new SpanIndex()];
  private readonly cursor: ReplayCursor = { data: 0, events: 0, opened: false };
  private catching: Promise<void> | null = null;

  constructor(
    private readonly records: ConnectionRecords,
    private readonly read: (position: number, length: number) => Uint8Array,
    stallSeconds: number,
  ) {
    const open = records.open;
    this.analyzer = new ConnectionAnalyzer(open.connection, open.client, open.mode, open.time, { keepChunks: true, stallSeconds });
  }

  /**
   * Feed the records that arrived since the last look, in slices that let the relay run
   * (DESIGN.md principle 9): a live detail follows its connection without re-reading it,
   * and a connection of a million records opens without freezing the proxy.
   */
  catchUp(): Promise<void> {
    this.catching ??= this.feed().finally(() => (this.catching = null));
    return this.catching;
  }

  private async feed(): Promise<void> {
    let slice = performance.now();
    for (const record of this.records.replay(this.read, this.cursor)) {
      const events = feedRecord(this.analyzer, record);
      if (record.type === 'data') indexSpans(this.spans[record.stream]!, events);
      if (performance.now() - slice >= FEED_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
  }

  /** Exchange #index as of these records; `seq` and `context` make its row (as the list shows it). */
  exchange(index: number, seq: number, context: RowContext, chunksFrom = { request: 0, response: 0 }): ExchangeDetail {
    const a = this.analyzer;
    const messages = a.exchangeMessages(index);
    const { request, response, informational } = messages;
    const requestDetail = request ? messageDetail(request, a.timeAt(0), chunksFrom.request) : null;
    const responseDetail = response ? messageDetail(response, a.timeAt(1), chunksFrom.response) : null;
    return {
      id: exchangeId(a.number, index),
      connection: a.number,
      index,
      request: requestDetail,
      response: responseDetail,
      // The first interim responses: a server sending 200,000 of them is told by the count.
      informational: informational.slice(0, MAX_DETAIL_INTERIM).map((m) => messageDetail(m, a.timeAt(1))),
      informationalOmitted: Math.max(0, informational.length - MAX_DETAIL_INTERIM),
      connectionOpenedAt: a.openedAt,
      closes: a.closes,
      account: exchangeAccount(a, index, context.now, messages),
      row: exchangeRow(a, index, seq, context, messages),
      upstreamFailure: a.upstreamFailure ? `${a.upstreamFailure.target}: ${a.upstreamFailure.reason}` : null,
      tunnel: a.tunnel !== null,
      tls: a.tls,
      rules: a.rules.filter((r) => r.exchange === index),
      original: a.origin ? this.original(a.origin, index) : null,
      stream: responseDetail !== null && mayHaveBody(responseDetail, request) && kindFromType(fieldValue(responseDetail.headers, 'content-type')) !== null,
    };
  }

  /** The Stream view of exchange #index's response, from the bytes as they arrived. */
  streamView(views: StreamViews, index: number, from: number, now: number | null): Promise<StreamViewResult> {
    return views.view(
      {
        analyzer: this.analyzer,
        index,
        response: this.analyzer.exchangeMessages(index).response,
        bytes: (start, end) => this.records.readStream(1, start, end, this.read),
        headline: () => exchangeAccount(this.analyzer, index, now).headline,
      },
      from,
    );
  }

  /** The exchange on the origin's side (with rules): what the origin received and sent. */
  private original(origin: ConnectionAnalyzer, index: number): ExchangeDetail['original'] {
    const { request, response } = origin.exchangeMessages(index);
    return {
      request: request ? messageDetail(request, origin.timeAt(0)) : null,
      response: response ? messageDetail(response, origin.timeAt(1)) : null,
    };
  }

  raw(stream: StreamId, offset: number, length: number): RawSlice {
    const total = this.records.bytesOf(stream);
    const from = Math.max(0, Math.min(offset, total));
    const to = Math.min(total, from + Math.max(0, length));
    const bytes = this.records.readStream(stream, from, to, this.read);
    return {
      connection: this.analyzer.number,
      stream,
      offset: from,
      bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'),
      total,
      spans: this.spans[stream]!.slice(from, to),
    };
  }
}
