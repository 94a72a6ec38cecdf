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
  return new Playbook({ keepChunks: false, keepSpans: false, listener: { exchangeEnded: (connection, index) => connection.release(index + 1) } });
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
  it('pipelined GETs: its heap stays the same from 50,000 exchanges to 250,000', () => {
    const p = live();
    pipeline(p, 0, 50_000);
    const before = heapInUse();
    pipeline(p, 50_000, 250_000);
    const grown = heapInUse() - before;
    expect(p.a.answered).toBe(250_000);
    // Before the bound it grew by about 60 bytes an exchange (12 MB here): a method, two
    // slots of forgotten messages and a span for each.
    expect(grown).toBeLessThan(1 * MB);
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
  it('the server resets with 1,000 pipelined requests unanswered after 250,000 answered', () => {
    const p = live();
    pipeline(p, 0, 250_000);
    p.client(30, text(GET.repeat(BATCH))); // 2,000 wait now: 1,000 more come whole
    p.server(30.5, text(OK.repeat(BATCH)));
    p.serverEnds(31, 'rst');
    const account = connectionAccount(p.a, null);
    expect(account.headline).toBe(
      'the server reset the connection (RST) after 252,000 requests, 251,000 answered; 1,000 requests were never answered, from #251001',
    );
    expect(account).toMatchObject({ requests: 252_000, answered: 251_000, tone: 'problem' });
    expect(account.unanswered).toHaveLength(1000);
    expect(account.unanswered[0]).toBe(251_000);
    expect(exchangeAccount(p.a, 251_000, null).headline).toBe(
      'no response: the server reset the keep-alive connection (RST) after answering 251,000 requests on it; request #251001 was sent (no body) and never answered',
    );
    expect(exchangeLine(p.a, 250_999)).toBe('c1 #251000 GET http://127.0.0.1:9000/small → 200 OK · content-length · complete: 5 bytes (Content-Length) in 5.6 s');
    expect(p.a.exchangeCount()).toBe(252_000);
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
