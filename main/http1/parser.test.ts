import { describe, expect, it } from 'vitest';
import type { Http1Event } from '../../shared/http1';
import { resolveLimits } from './limits';
import { Http1Parser } from './parser';
import { join, pattern, request, response, text } from './test-support/builders';
import { coverageProblem, runPieces } from './test-support/run';

function* inPieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('the cases from our users', () => {
  it('a response closed (FIN) after two chunks without the last chunk is missing-terminator', () => {
    const bytes = response({ chunks: [1500, 1405], terminator: false });
    const { report } = runPieces('response', [bytes], 'fin');
    const [message] = report.messages;
    expect(message!.chunks!.map((c) => c.sizeToken)).toEqual(['5DC', '57D']);
    expect(message!.terminator).toBe(false);
    expect(message!.complete).toBe(false);
    expect(message!.anomalies).toEqual([
      {
        code: 'missing-terminator',
        cls: 'E',
        offset: bytes.length,
        message: `the server closed the connection (FIN) after chunk #2, at byte ${bytes.length.toLocaleString('en-US')}; the zero-length last chunk never arrived`,
      },
    ]);
    expect(report.verdict).toBe('error');
  });

  it('a response reset (RST) in the middle of a chunk is truncated-chunk-data', () => {
    const whole = response({ chunks: [1500, 1405] });
    const cut = whole.length - 1405 - 2 - 5 + 700; // 700 bytes into the second chunk
    const { report } = runPieces('response', [whole.subarray(0, cut)], 'rst');
    const message = report.messages[0]!;
    expect(message.chunks![1]).toMatchObject({ sizeToken: '57D', size: 1405, dataLength: 700, crlf: false });
    expect(message.anomalies.map((a) => [a.code, a.offset])).toEqual([['truncated-chunk-data', cut]]);
    expect(message.anomalies[0]!.message).toContain('reset the connection (RST) in the middle of chunk #2: 700 of 1,405 bytes arrived');
  });

  it('4,000 chunked POSTs back to back on one connection are all complete', () => {
    const one = request({ chunks: [{ data: 'a=1&b=2' }, { data: 'c=3' }] });
    const all = join(...Array.from({ length: 4000 }, () => one));
    const { report, events } = runPieces('request', inPieces(all, 65536), 'fin');
    expect(report.messages).toHaveLength(4000);
    expect(report.messages.every((m) => m.complete && m.terminator && m.chunks!.length === 2)).toBe(true);
    expect(report.messages[3999]!.offset).toBe(3999 * one.length);
    expect(report.verdict).toBe('ok');
    expect(coverageProblem(events, all.length)).toBeNull();
  });
});

describe('big bodies stay bounded', () => {
  it('reads a 16 MiB chunk by length, in the pieces it arrives in', () => {
    const size = 16 * 1024 * 1024;
    const parser = new Http1Parser('response');
    const head = text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000\r\n');
    const piece = pattern(65536);
    let dataEvents = 0;
    let dataBytes = 0;
    const count = (events: Http1Event[]) => {
      for (const e of events) {
        if (e.type === 'chunk-data') {
          dataEvents++;
          dataBytes += e.length;
        }
      }
    };
    count(parser.feed(head));
    for (let sent = 0; sent < size; sent += piece.length) count(parser.feed(piece));
    const tail = [...parser.feed(text('\r\n0\r\n\r\n')), ...parser.end('fin')];
    count(tail);
    expect(dataBytes).toBe(size);
    expect(dataEvents).toBe(size / piece.length); // one span per read: data is skipped, never copied or scanned
    expect(tail.some((e) => e.type === 'message-complete')).toBe(true);
  });

  it('reads 200,000 one-byte chunks', () => {
    const chunks = Array.from({ length: 200_000 }, () => ({ data: 'x' }));
    const bytes = response({ chunks });
    const { report } = runPieces('response', inPieces(bytes, 65536), 'fin');
    const message = report.messages[0]!;
    expect(message.chunks).toHaveLength(200_000);
    expect(message.bodyLength).toBe(200_000);
    expect(message.complete).toBe(true);
  });
});

describe('the parser API', () => {
  it('keeps offsets absolute across feeds', () => {
    const parser = new Http1Parser('response');
    parser.feed(text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'));
    const events = parser.feed(text('5\r\nhello\r\n'));
    expect(events.find((e) => e.type === 'chunk-size')).toMatchObject({ offset: 47, length: 3 });
    expect(events.find((e) => e.type === 'chunk-data')).toMatchObject({ offset: 50, length: 5 });
    expect(parser.offset).toBe(57);
  });

  it('copies the part of a line it holds, so the caller may reuse its buffer', () => {
    const parser = new Http1Parser('response');
    const buffer = text('HTTP/1.1 200 OK\r\nTransfer-Enc');
    parser.feed(buffer);
    buffer.fill(0x21); // the proxy reuses read buffers
    const events = [...parser.feed(text('oding: chunked\r\n\r\n0\r\n\r\n')), ...parser.end('fin')];
    expect(events.find((e) => e.type === 'header')).toMatchObject({ name: 'Transfer-Encoding', value: 'chunked' });
    expect(events.some((e) => e.type === 'message-complete')).toBe(true);
  });

  it('says what it waits for, for live stall reports', () => {
    const parser = new Http1Parser('response');
    expect(parser.waiting().what).toBe('message');
    parser.feed(text('HTTP/1.1 200 OK\r\nTransfer-Enc'));
    expect(parser.waiting().what).toBe('head');
    parser.feed(text('oding: chunked\r\n\r\n5DC\r\nabc'));
    expect(parser.waiting()).toMatchObject({ what: 'chunk-data', chunk: 1, received: 3, expected: 1500 });
    parser.feed(pattern(1497));
    expect(parser.waiting()).toMatchObject({ what: 'chunk-crlf', chunk: 1 });
    parser.feed(text('\r\n'));
    expect(parser.waiting()).toMatchObject({ what: 'chunk-size-line', chunk: 2 });
  });

  it('reads responses with the methods of their requests, asked for when needed', () => {
    const methods: (string | null)[] = [];
    const parser = new Http1Parser('response', { requestMethod: (i) => methods[i] });
    methods.push('HEAD');
    const first = parser.feed(text('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'));
    expect(first.find((e) => e.type === 'framing')).toMatchObject({ framing: 'none' });
    // No second request yet: a second response is beyond the outstanding requests.
    const extra = parser.feed(text('HTTP/1.1 408 Request Timeout\r\n\r\n'));
    expect(extra.find((e) => e.type === 'anomaly')).toMatchObject({ code: 'trailing-bytes-after-message', message: null });
  });

  it('turns to a tunnel when told, between messages', () => {
    const parser = new Http1Parser('request', { assumeConnectTunnel: false });
    const head = parser.feed(text('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n'));
    expect(head.some((e) => e.type === 'message-complete')).toBe(true);
    parser.tunnel(); // the proxy saw a 2xx to the CONNECT
    const tls = parser.feed(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x0a]));
    expect(tls).toEqual([{ type: 'raw', message: null, offset: 61, length: 5, reason: 'tunnel' }]);
  });

  it('turns to a tunnel after the current message when told during it', () => {
    const parser = new Http1Parser('request');
    parser.feed(text('GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'));
    parser.tunnel();
    const rest = parser.feed(text('\r\n\x81\x05hello'));
    expect(rest.map((e) => e.type)).toEqual(['head-end', 'framing', 'message-complete', 'raw']);
    expect(rest.at(-1)).toMatchObject({ reason: 'tunnel', length: 7 });
  });

  it('refuses to be fed after it ended', () => {
    const parser = new Http1Parser('request');
    parser.end('fin');
    expect(() => parser.feed(text('GET / HTTP/1.1\r\n\r\n'))).toThrow('feed() after end()');
    expect(() => parser.end('fin')).toThrow('end() called twice');
  });

  it('checks its limits against RFC 9112 §7.1.1', () => {
    expect(() => resolveLimits({ maxChunkExtBytes: 16383 })).toThrow(/at least 16384/);
    expect(() => resolveLimits({ maxChunkExtBytes: 1048576 })).toThrow(/below 1048576/);
    expect(() => resolveLimits({ maxHeadBytes: 0 })).toThrow(/positive integer/);
    expect(resolveLimits({}).maxChunkExtBytes).toBe(65536);
  });

  it('reads a size of 2^53-1 exactly and refuses 2^53', () => {
    const fits = runPieces('response', [response({ chunks: [{ token: '1FFFFFFFFFFFFF', data: 'x' }], terminator: false })], 'open');
    expect(fits.report.messages[0]!.chunks![0]!.size).toBe(Number.MAX_SAFE_INTEGER);
    const over = runPieces('response', [response({ chunks: [{ token: '20000000000000', data: 'x' }] })], 'fin');
    expect(over.report.messages[0]!.anomalies[0]!.code).toBe('chunk-size-overflow');
  });
});
