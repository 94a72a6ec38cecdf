// The full detail of one connection, re-derived from its bytes in the capture: the
// ledgers with every chunk and their times, and what each byte is (for the raw view).

import type { ExchangeDetail, MessageDetail, RawSlice, RawSpan, SpanKind, StreamViewResult } from '../../shared/api';
import type { Http1Event, RawReason } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';
import type { StreamId } from '../capture/format';
import { withTiming } from '../http1/ledger';
import { ConnectionAnalyzer } from '../session/connection';
import type { ConnectionRecords } from './connection-records';
import { kindFromType } from '../stream';
import { exchangeAccount } from '../session/account';
import { exchangeRow, type RowContext } from './rows';
import type { StreamViews } from './stream';
import { fieldValue } from '../../shared/fields';

/** Chunks sent with one exchange; beyond, the UI says how many more there are. */
export const MAX_DETAIL_CHUNKS = 200_000;

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

export function messageDetail(m: MessageRecord, timeAt: (offset: number) => number): MessageDetail {
  const timed = withTiming(m, timeAt);
  const chunks = (m.chunks ?? []).slice(0, MAX_DETAIL_CHUNKS);
  const { chunks: _chunks, timing, ...rest } = timed;
  return {
    ...rest,
    chunkColumns: m.chunks
      ? {
          offsets: chunks.map((c) => c.offset),
          sizeTokens: chunks.map((c) => c.sizeToken),
          sizes: chunks.map((c) => c.size),
          extensions: chunks.map((c) => c.extensions),
          dataLengths: chunks.map((c) => c.dataLength),
          crlf: chunks.map((c) => c.crlf),
          firstTimes: timing!.chunks.slice(0, MAX_DETAIL_CHUNKS).map((t) => t.first),
          lastTimes: timing!.chunks.slice(0, MAX_DETAIL_CHUNKS).map((t) => t.last),
        }
      : null,
    chunksTruncated: (m.chunks?.length ?? 0) > MAX_DETAIL_CHUNKS,
    first: timing?.first ?? null,
    last: timing?.last ?? null,
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
  readonly version: number;

  constructor(
    private readonly records: ConnectionRecords,
    private readonly read: (position: number, length: number) => Uint8Array,
    stallSeconds: number,
  ) {
    this.version = records.version;
    const open = records.open;
    this.analyzer = new ConnectionAnalyzer(open.connection, open.client, open.mode, open.time, { keepChunks: true, stallSeconds });
    for (const record of records.replay(read)) {
      if (record.type === 'data') {
        indexSpans(this.spans[record.stream]!, this.analyzer.data(record.stream, record.bytes, record.time, record.generated));
      } else if (record.type !== 'open') {
        this.analyzer.event(record);
      }
    }
  }

  /** Exchange #index as of these records; `seq` and `context` make its row (as the list shows it). */
  exchange(index: number, seq: number, context: RowContext): ExchangeDetail {
    const a = this.analyzer;
    const messages = a.exchangeMessages(index);
    const { request, response, informational } = messages;
    const requestDetail = request ? messageDetail(request, a.timeAt(0)) : null;
    const responseDetail = response ? messageDetail(response, a.timeAt(1)) : null;
    return {
      id: `${a.number}:${index}`,
      connection: a.number,
      index,
      request: requestDetail,
      response: responseDetail,
      informational: informational.map((m) => messageDetail(m, a.timeAt(1))),
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
