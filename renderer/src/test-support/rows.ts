// Builders for rows and details, so tests say only what matters to them.
import type { ExchangeAccount } from '../../../shared/account';
import type { ConnectionRow, ExchangeDetail, ExchangeRow, MessageDetail } from '../../../shared/api';

export function row(overrides: Partial<ExchangeRow> = {}): ExchangeRow {
  const connection = overrides.connection ?? 1;
  const index = overrides.index ?? 0;
  return {
    id: `${connection}:${index}`,
    seq: 1,
    connection,
    index,
    method: 'GET',
    host: 'feeds.example.test',
    path: '/news.xml',
    status: 200,
    reason: 'OK',
    framing: 'chunked',
    chunks: 2,
    terminator: 'present',
    bodyBytes: 2905,
    requestBytes: 80,
    responseBytes: 2966,
    startedAt: 0,
    duration: 0.2,
    state: 'complete',
    ended: null,
    keptAlive: false,
    anomalies: { count: 0, errors: 0, codes: [] },
    stalled: null,
    requestFraming: 'none',
    headline: 'complete: 2 chunks and the last chunk, 2,905 bytes in 200 ms',
    tone: 'ok',
    version: 1,
    rate: null,
    generated: false,
    tunnel: false,
    tls: false,
    interception: null,
    rules: 0,
    ...overrides,
  };
}

export function connection(overrides: Partial<ConnectionRow> = {}): ConnectionRow {
  return {
    number: 1,
    id: 'c1',
    client: '127.0.0.1:50000',
    upstream: '127.0.0.1:9001',
    openedAt: 0,
    lastActivity: 1,
    requests: 1,
    responses: 1,
    bytesSent: 80,
    bytesReceived: 2966,
    closes: [],
    ended: null,
    tunnel: false,
    upstreamFailure: null,
    tls: null,
    spans: [0, 0.2],
    headline: 'the server closed the connection (FIN) after 1 request, answered',
    tone: 'ok',
    unanswered: [],
    ends: [],
    stalls: [],
    ...overrides,
  };
}

export function chunkedResponse(sizes: number[], times: number[], overrides: Partial<MessageDetail> = {}): MessageDetail {
  let offset = 47;
  const offsets = sizes.map((s) => {
    const at = offset;
    offset += s.toString(16).length + 2 + s + 2;
    return at;
  });
  return {
    startLine: 'HTTP/1.1 200 OK',
    framing: 'chunked',
    headers: [['Transfer-Encoding', 'chunked']],
    lastChunk: null,
    terminator: false,
    trailers: null,
    bodyLength: sizes.reduce((a, b) => a + b, 0),
    complete: false,
    anomalies: [],
    index: 0,
    offset: 0,
    end: offset,
    request: null,
    response: { version: 'HTTP/1.1', status: 200, reason: 'OK' },
    requestIndex: 0,
    framingReason: null,
    contentLength: null,
    chunkCount: sizes.length,
    chunkColumns: {
      offsets,
      sizeTokens: sizes.map((s) => s.toString(16).toUpperCase()),
      sizes,
      extensions: sizes.map(() => ''),
      dataLengths: sizes,
      crlf: sizes.map(() => true),
      firstTimes: times,
      lastTimes: times,
    },
    chunkColumnsFrom: 0,
    chunksMore: false,
    chunksTruncated: false,
    first: 0,
    last: times[times.length - 1] ?? 0,
    ...overrides,
  };
}

export function detail(response: MessageDetail | null, overrides: Partial<ExchangeDetail> = {}): ExchangeDetail {
  return { id: '1:0', connection: 1, index: 0, request: null, response, informational: [], connectionOpenedAt: 0, closes: [], account: account(), row: row(), upstreamFailure: null, tunnel: false, tls: null, rules: [], original: null, ...overrides };
}

export function account(overrides: Partial<ExchangeAccount> = {}): ExchangeAccount {
  return { tone: 'ok', headline: 'complete', hint: null, stalls: [], ends: [], span: { from: 0, to: 0.2 }, unanswered: false, ...overrides };
}
