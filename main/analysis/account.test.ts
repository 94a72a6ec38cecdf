// The account as playbooks: the records a connection leaves, in the order the proxy
// writes them, and the words that every view then shows.

import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../capture/format';
import { connectionAccount, DECHUNK_HINT, exchangeAccount } from './account';
import { analyseCapture } from './capture-analysis';
import { CHUNKED_HEAD, GET, LAST, Playbook, chunk } from './test-support/playbook';

const codes = (p: Playbook, index: number) => {
  const e = p.a.exchangeMessages(index);
  return [...(e.request?.anomalies ?? []), ...(e.response?.anomalies ?? [])].map((x) => x.code);
};

/** Two chunks, then the server goes silent at 0.2 s. */
function stalledFeed(): Playbook {
  return new Playbook().client(0, GET).server(0.1, CHUNKED_HEAD + chunk('one')).server(0.2, chunk('two'));
}

describe('a download that stalls', () => {
  it('the client gives up: blamed on the silence, not on the server that closed in answer', () => {
    const p = stalledFeed().clientEnds(7.6).serverEnds(7.9);
    const account = exchangeAccount(p.a, 0, null);
    expect(account.headline).toBe('no last chunk: after chunk #2 the server sent nothing for 7.4 s; the client gave up and closed the connection (FIN); the server closed after it');
    expect(account.tone).toBe('problem');
    expect(codes(p, 0)).toEqual(['missing-terminator', 'client-gave-up']);
    // The parser's own sentence no longer blames the server.
    expect(p.a.exchangeMessages(0).response!.anomalies[0]!.message).toMatch(/^the client closed the connection \(FIN\) after chunk #2, at byte/);
    // The stall outlives the connection.
    expect(account.stalls).toMatchObject([{ direction: 'response', seconds: expect.closeTo(7.4, 5), waitingFor: 'the next chunk-size line (chunk #3)', endedBy: { who: 'client', how: 'fin' }, ongoing: false }]);
    expect(account.span).toEqual({ from: 0, to: 7.6 });
  });

  it('the client gives up and the capture ends before the server closes: still the client that gave up', () => {
    const p = stalledFeed().clientEnds(7.6);
    p.a.finish();
    expect(codes(p, 0)).toEqual(['client-gave-up']);
    expect(exchangeAccount(p.a, 0, null).headline).toBe(
      'no last chunk: after chunk #2 the server sent nothing for 7.4 s; the client gave up and closed the connection (FIN); the server had not closed its side when the capture ended',
    );
    expect(connectionAccount(p.a, null).headline).toBe('the client closed the connection (FIN) after 1 request, its response cut short; the server had not closed its side when the capture ended');
  });

  it('the client resets: the same account, with RST', () => {
    const p = stalledFeed().clientEnds(7.6, 'rst');
    expect(exchangeAccount(p.a, 0, null).headline).toBe('no last chunk: after chunk #2 the server sent nothing for 7.4 s; the client gave up and reset the connection (RST)');
  });

  it('the server closes after 5 s: the stall, then the server\'s FIN', () => {
    const p = stalledFeed().serverEnds(5.2).clientEnds(5.21);
    const account = exchangeAccount(p.a, 0, null);
    expect(account.headline).toBe(`no last chunk: after chunk #2 the server sent nothing for 5.0 s, then closed the connection (FIN), at byte ${p.a.streamBytes(1)}`);
    expect(codes(p, 0)).toEqual(['missing-terminator']);
  });

  it('the server resets after the stall', () => {
    const p = stalledFeed().serverEnds(5.2, 'rst');
    expect(exchangeAccount(p.a, 0, null).headline).toBe(`no last chunk: after chunk #2 the server sent nothing for 5.0 s, then reset the connection (RST), at byte ${p.a.streamBytes(1)}`);
  });

  it('while live, says how long it has waited and for what', () => {
    const p = stalledFeed();
    expect(exchangeAccount(p.a, 0, 12.5).headline).toBe(`no last chunk yet: waiting 12.3 s for the next chunk-size line (chunk #3), at byte ${p.a.streamBytes(1)}`);
    expect(exchangeAccount(p.a, 0, 0.5).headline).toBe('no last chunk yet: the body is still streaming');
  });

  it('a server that closes soon after its last chunk: the gap and the byte', () => {
    const p = stalledFeed().serverEnds(0.4);
    expect(exchangeAccount(p.a, 0, null).headline).toBe(`no last chunk: the server closed the connection (FIN) 200 ms after chunk #2, at byte ${p.a.streamBytes(1)}`);
  });
});

describe("a connection Chunkscope's composer made", () => {
  it('read from its capture (a client event of launched: chunkscope): its end is the tool\'s decision, not a client that gave up', () => {
    const p = new Playbook();
    p.a.event({ type: 'client', connection: 1, time: 0, launched: 'chunkscope', tag: 'send' });
    p.client(0, GET).server(0.1, CHUNKED_HEAD + chunk('one')).server(0.2, chunk('two')).clientEnds(7.6).serverEnds(7.9);
    expect(p.a.clientIsChunkscope).toBe(true);
    expect(codes(p, 0)).toEqual(['missing-terminator']);
  });
});

describe('a client that aborts', () => {
  it('mid-response, without a stall', () => {
    const p = stalledFeed().server(0.3, chunk('three')).clientEnds(0.42).serverEnds(0.43);
    expect(codes(p, 0)).toEqual(['missing-terminator', 'client-aborted']);
    expect(exchangeAccount(p.a, 0, null).headline).toBe('no last chunk: the client closed the connection (FIN) 120 ms after chunk #3, before the response ended; the server closed after it');
  });

  it('before any response, after a stall', () => {
    const p = new Playbook().client(0, GET).clientEnds(3.5, 'rst');
    expect(codes(p, 0)).toEqual(['client-gave-up']);
    expect(exchangeAccount(p.a, 0, null).headline).toBe('no response: the server sent nothing for 3.5 s after request #1; the client gave up and reset the connection (RST)');
  });

  it('a client that half-closes after its request still gets its whole response: no finding', () => {
    const p = new Playbook().client(0, GET).clientEnds(0.01).server(0.1, CHUNKED_HEAD + chunk('one') + LAST).serverEnds(0.2);
    expect(codes(p, 0)).toEqual([]);
    expect(exchangeAccount(p.a, 0, null).headline).toMatch(/^complete: 1 chunk and the last chunk, 3 bytes in 100 ms/);
  });
});

describe('a server that drops a kept-alive connection (IIS 6)', () => {
  const post = 'POST /reset-after HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

  function keptAlive(requests: number, answered: number, body = post): Playbook {
    const p = new Playbook();
    for (let i = 0; i < requests; i++) {
      p.client(i * 0.01, body);
      if (i < answered) p.server(i * 0.01 + 0.005, ok);
    }
    return p.serverEnds(requests * 0.01 + 0.001, 'rst');
  }

  it('the unanswered request gets a finding, the words, and the workaround', () => {
    const p = keptAlive(4001, 4000);
    expect(codes(p, 4000)).toEqual(['closed-early']);
    const account = exchangeAccount(p.a, 4000, null);
    expect(account.headline).toBe('no response: the server reset the keep-alive connection (RST) after answering 4,000 requests on it; request #4001 was sent (chunked, 5 bytes) and never answered');
    expect(account.hint).toBe(DECHUNK_HINT);
    expect(account.unanswered).toBe(true);
    expect(codes(p, 3999)).toEqual([]);
    expect(exchangeAccount(p.a, 3999, null).ends).toEqual([]);
    const connection = connectionAccount(p.a, null);
    expect(connection.headline).toBe('the server reset the connection (RST) after 4,001 requests, 4,000 answered; request #4001 was never answered');
    expect(connection.unanswered).toEqual([4000]);
  });

  it('with Content-Length requests: the finding, without the chunked workaround', () => {
    const p = keptAlive(4, 3, 'POST /x HTTP/1.1\r\nHost: lab\r\nContent-Length: 5\r\n\r\nhello');
    const account = exchangeAccount(p.a, 3, null);
    expect(account.headline).toBe('no response: the server reset the keep-alive connection (RST) after answering 3 requests on it; request #4 was sent (Content-Length, 5 bytes) and never answered');
    expect(account.hint).toBeNull();
  });

  it('closed before the first answer', () => {
    const p = keptAlive(1, 0);
    expect(exchangeAccount(p.a, 0, null).headline).toBe('no response: the server reset the connection (RST) before answering any request; request #1 was sent (chunked, 5 bytes) and never answered');
  });
});

describe('per-exchange scope', () => {
  it('request #1 of a kept-alive connection ends with its own response, not the later FIN', () => {
    const p = new Playbook()
      .client(0, GET)
      .server(0.1, CHUNKED_HEAD + chunk('a') + LAST)
      .client(0.3, GET)
      .server(0.4, CHUNKED_HEAD + chunk('b') + LAST)
      .serverEnds(1);
    const first = exchangeAccount(p.a, 0, null);
    expect(first.ends).toEqual([]);
    expect(first.span).toEqual({ from: 0, to: 0.1 });
    expect(exchangeAccount(p.a, 1, null).ends.map((e) => [e.who, e.how, e.mirrored])).toEqual([
      ['server', 'fin', false],
      ['proxy', 'fin', true],
    ]);
    expect(connectionAccount(p.a, null).headline).toBe('the server closed the connection (FIN) after 2 requests, all answered');
    expect(connectionAccount(p.a, null).longestIdle).toBeCloseTo(0.2, 5);
  });
});

describe('captures from before the account', () => {
  it('open as they are: no stall threshold recorded, no stall events, the stalls derived with the default', () => {
    const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    const records: CaptureRecord[] = [
      { type: 'session', version: 1, startedAt: '2026-11-01T00:00:00.000Z', tool: 'chunkscope 0.1.0', mode: 'forward', listen: '127.0.0.1:8888', reverse: null },
      { type: 'open', connection: 1, time: 0, client: '127.0.0.1:5', mode: 'forward' },
      { type: 'upstream', connection: 1, time: 0.01, upstream: '127.0.0.1:9', target: '127.0.0.1:9' },
      { type: 'data', connection: 1, stream: 0, generated: false, time: 0.01, bytes: bytes(GET) },
      { type: 'data', connection: 1, stream: 1, generated: false, time: 0.1, bytes: bytes(CHUNKED_HEAD + chunk('one')) },
      { type: 'close', connection: 1, time: 3.1, side: 'client', kind: 'fin', by: 'peer', detail: null },
      { type: 'close', connection: 1, time: 3.1, side: 'upstream', kind: 'fin', by: 'proxy', detail: null },
      { type: 'close', connection: 1, time: 3.2, side: 'upstream', kind: 'fin', by: 'peer', detail: null },
      { type: 'close', connection: 1, time: 3.2, side: 'client', kind: 'fin', by: 'proxy', detail: null },
      { type: 'end', time: 4 },
    ];
    const report = analyseCapture(records);
    expect(report.connections[0]!.exchanges[0]!.account!.headline).toBe(
      'no last chunk: after chunk #1 the server sent nothing for 3.0 s; the client gave up and closed the connection (FIN); the server closed after it',
    );
  });
});
