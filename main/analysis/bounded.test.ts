// What a live connection's analysis keeps however long the connection runs (issue 14,
// item 5): its heap does not grow with the exchanges it carried or the interim
// responses it read, and its account still counts every one of them.

import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { connectionAccount, exchangeAccount } from './account';
import { exchangeLine } from '../cli/live-report';
import { Playbook, text } from './test-support/playbook';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Bytes of the heap still in use once everything unreachable is collected. */
function heapInUse(): number {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
}

const GET = 'GET /small HTTP/1.1\r\nHost: bench\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const BATCH = 1000;
const MB = 1024 * 1024;

/** A live analysis as `chunkscope proxy` runs it: counts only, each exchange let go once its line is out. */
function live(): Playbook {
  return new Playbook({ keepChunks: false, keepSpans: false, packWaiting: true, listener: { exchangeEnded: (connection, index) => connection.release(index + 1) } });
}

/**
 * Pipelined GETs, a batch of 1,000 in one read, answered one batch behind (1,000 to
 * 2,000 requests wait for their responses at any time), until `until` are answered.
 */
function pipeline(p: Playbook, from: number, until: number): void {
  const requests = text(GET.repeat(BATCH));
  const responses = text(OK.repeat(BATCH));
  for (let answered = from; answered < until; answered += BATCH) {
    const t = answered / 10_000;
    if (answered === 0) p.client(t, requests);
    p.client(t, requests).server(t + 0.00005, responses);
  }
}

describe("a live connection's analysis is bounded", () => {
  it('pipelined GETs: its heap stays the same from 20,000 exchanges to 120,000', () => {
    const p = live();
    pipeline(p, 0, 20_000);
    const before = heapInUse();
    pipeline(p, 20_000, 120_000);
    const grown = heapInUse() - before;
    expect(p.a.answered).toBe(120_000);
    // Before the bound it grew by about 57 bytes an exchange (5.7 MB here): a method, two
    // slots of forgotten messages and a span for each.
    expect(grown).toBeLessThan(1 * MB);
  });

  it("a forward proxy's rewrite of each request's target, and the rules that acted, go with their exchanges", () => {
    const p = live();
    const absolute = 'GET http://127.0.0.1:9000/small HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n\r\n';
    for (let i = 0; i < 10_000; i++) {
      const offset = p.a.streamBytes(0);
      p.client(i / 1000, absolute);
      p.a.event({ type: 'rewrite', connection: 1, time: i / 1000, stream: 0, offset: offset + 4, length: 28, replacement: '/small', reason: 'absolute-form request target to origin-form' });
      p.a.event({ type: 'rule', connection: 1, time: i / 1000, direction: 'response', exchange: i, rule: 'add-header X-A:1', effect: 'added X-A: 1' });
      p.server(i / 1000, OK);
    }
    expect(p.a.answered).toBe(10_000);
    // Before, all 10,000 of each stayed: 200 bytes an exchange.
    expect(p.a.rewrites.length).toBeLessThanOrEqual(2);
    expect(p.a.rules.length).toBeLessThanOrEqual(2);
  });

  it('interim responses: its heap stays the same from 100,000 of them to 400,000', () => {
    const p = live();
    p.client(0, 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi');
    const reads = text(CONTINUE.repeat(10_000));
    for (let i = 0; i < 10; i++) p.server(i / 100, reads);
    const before = heapInUse();
    for (let i = 10; i < 40; i++) p.server(i / 100, reads);
    const grown = heapInUse() - before;
    expect(p.a.forgottenInterim(0).count).toBe(400_000 - 2);
    expect(grown).toBeLessThan(1 * MB);
  });

  it('100,000 more pipelined requests waiting for their responses: some 50 bytes each, not 700', () => {
    const p = live();
    // Reads of 400 requests, each parsed at once, with an answer between them (a release).
    const requests = text(GET.repeat(400));
    const round = (i: number) => p.client(i / 100, requests).server(i / 100, OK);
    for (let i = 0; i < 25; i++) round(i);
    const before = heapInUse();
    for (let i = 25; i < 275; i++) round(i);
    const grown = heapInUse() - before;
    expect(p.a.outstanding()).toBe(275 * 399);
    expect(p.a.messages('request').packed).toBeGreaterThan(100_000);
    // As records they took 700 bytes each (70 MB here); packed, their numbers and one shared string.
    expect(grown / 100_000).toBeLessThan(100);
  });

  it('one read of 40,000 interim responses leaves none of them behind once it is analysed', () => {
    const p = live();
    p.client(0, 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi');
    const read = text(CONTINUE.repeat(40_000)); // 1 MB, the most the relay reads at once
    const before = heapInUse();
    p.server(0.5, read);
    // Before, the parser held every event of its last read (240,000 of them, 22 MB) until the next.
    expect(heapInUse() - before).toBeLessThan(1 * MB);
  });
});

describe('past the bound the account still counts every exchange', () => {
  it('the server resets with 1,000 pipelined requests unanswered after 100,000 answered', () => {
    const p = live();
    pipeline(p, 0, 100_000);
    p.client(30, text(GET.repeat(BATCH))); // 2,000 wait now: 1,000 more come whole
    p.server(30.5, text(OK.repeat(BATCH)));
    p.serverEnds(31, 'rst');
    const account = connectionAccount(p.a, null);
    expect(account.headline).toBe(
      'the server reset the connection (RST) after 102,000 requests, 101,000 answered; 1,000 requests were never answered, from #101001',
    );
    expect(account).toMatchObject({ requests: 102_000, answered: 101_000, tone: 'problem' });
    expect(account.unanswered).toHaveLength(1000);
    expect(account.unanswered[0]).toBe(101_000);
    expect(exchangeAccount(p.a, 101_000, null).headline).toBe(
      'no response: the server reset the keep-alive connection (RST) after answering 101,000 requests on it; request #101001 was sent (no body) and never answered',
    );
    expect(exchangeLine(p.a, 100_999)).toBe('c1 #101000 GET http://127.0.0.1:9000/small → 200 OK · content-length · complete: 5 bytes (Content-Length) in 20.6 s');
    expect(p.a.exchangeCount()).toBe(102_000);
  });

  it('a million-fold 100 Continue, then the 200: one exchange, every interim response counted', () => {
    const p = live();
    p.client(0, 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi');
    const reads = text(CONTINUE.repeat(40_000));
    for (let i = 0; i < 25; i++) p.server(i / 100, reads);
    p.server(1, OK);
    expect(p.a.forgottenInterim(0)).toEqual({ count: 1_000_000 - 2, bytes: (1_000_000 - 2) * CONTINUE.length });
    expect(p.a.responsesTo(0).map((m) => m.response?.status)).toEqual([100, 100, 200]);
    p.clientEnds(2);
    expect(connectionAccount(p.a, null).headline).toBe('the client closed the connection (FIN) after 1 request, answered');
    expect(exchangeAccount(p.a, 0, null).headline).toBe('complete: 5 bytes (Content-Length) in 1.0 s');
  });
});

describe('requests packed while they wait read back as they came', () => {
  const requests = [
    'GET /a HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\nX-Empty:\r\n\r\n',
    'POST /form HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello',
    'HEAD /big HTTP/1.1\r\nHost: a.test\r\n\r\n',
    'GET http://a.test/absolute HTTP/1.1\r\nHost: a.test\r\n\r\n',
    'OPTIONS * HTTP/1.1\r\nHost: a.test\r\n\r\n',
    'POST /up HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'GET /conflict HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n',
    'GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  ];
  // A HEAD's answer announces a body it does not send: read as a body, the rest would desynchronise.
  const answer = (request: string) => (request.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' : OK);
  const ROUNDS = 500; // 4,000 requests: 3,000 of them wait past the first 1,000

  /** Every request sent, all but the last 100 answered, then the server resets: the lines printed and the records left. */
  function run(packWaiting: boolean) {
    const lines: string[] = [];
    const p = new Playbook({
      keepChunks: false,
      keepSpans: false,
      packWaiting,
      listener: {
        exchangeEnded(connection, index) {
          lines.push(exchangeLine(connection, index));
          connection.release(index + 1);
        },
      },
    });
    const sent = Array.from({ length: ROUNDS }, () => requests).flat();
    p.client(0, sent.join(''));
    const packed = p.a.messages('request').packed;
    p.server(1, sent.slice(0, -100).map(answer).join(''));
    p.serverEnds(2, 'rst');
    const left = Array.from({ length: 100 }, (_, k) => p.a.messages('request').at(sent.length - 100 + k));
    return { lines, packed, left, account: connectionAccount(p.a, null) };
  }

  it('the same lines, records and account as when none is packed', () => {
    const packed = run(true);
    const plain = run(false);
    expect(packed.packed).toBeGreaterThan(2000);
    expect(plain.packed).toBe(0);
    expect(packed.lines).toHaveLength(4000);
    expect(packed.lines).toEqual(plain.lines);
    expect(packed.lines[2]).toBe('c1 #3 HEAD http://127.0.0.1:9000/big → 200 OK · none · complete: no body in 1.0 s');
    expect(packed.left).toEqual(plain.left);
    expect(packed.left[0]!.anomalies.map((a) => a.code)).toEqual(['closed-early']);
    expect(packed.account).toEqual(plain.account);
    expect(packed.account.headline).toBe('the server reset the connection (RST) after 4,000 requests, 3,900 answered; 100 requests were never answered, from #3901');
  });
});
