// What a live analysis keeps: exchanges already shown are let go, interim responses are
// counted, and what is still of use reads as before.

import { describe, expect, it, vi } from 'vitest';
import { connectionRow, exchangeRow } from '../engine/rows';
import { connectionAccount, exchangeAccount } from './account';
import { Pairing } from './pairing';
import { GET, Playbook } from './test-support/playbook';

const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const kept = (p: Playbook, direction: 'request' | 'response') => p.a.messages(direction).size;

describe('a live analysis lets go of what was shown', () => {
  it('exchanges before the released one are forgotten; the rest, the spans and the account stay whole', () => {
    const p = new Playbook({ keepChunks: false });
    for (let i = 0; i < 10; i++) p.client(i, GET).server(i + 0.5, ok);
    p.a.release(8);
    expect(kept(p, 'request')).toBe(3); // #8, #9 and #7 (whether it announced a close matters)
    expect(kept(p, 'response')).toBe(3);
    expect(p.a.exchangeCount()).toBe(10);
    expect(exchangeRow(p.a, 9, 10, { now: null })).toMatchObject({ status: 200, state: 'complete', headline: 'complete: 2 bytes (Content-Length) in 500 ms' });
    const lane = connectionRow(p.a, 10, null);
    expect(lane.spans).toHaveLength(20);
    expect(lane.spans.slice(0, 2)).toEqual([0, 0.5]);
    expect(lane).toMatchObject({ requests: 10, responses: 10 });
    p.serverEnds(11, 'rst');
    expect(connectionAccount(p.a, null).headline).toBe('the server reset the connection (RST) after 10 requests, all answered');
    expect(connectionAccount(p.a, null).longestIdle).toBeCloseTo(0.5, 5);
  });

  it('an exchange the connection\'s end cut short is never let go: its account still says so', () => {
    const p = new Playbook({ keepChunks: false });
    for (let i = 0; i < 3; i++) p.client(i, GET).server(i + 0.5, ok);
    p.client(3, GET).serverEnds(3.5, 'rst');
    p.a.release(10);
    expect(exchangeAccount(p.a, 3, null).headline).toBe(
      'no response: the server reset the keep-alive connection (RST) after answering 3 requests on it; request #4 was sent (no body) and never answered',
    );
    expect(connectionAccount(p.a, null).unanswered).toEqual([3]);
  });

  it('a million-fold 100 Continue keeps the first and the latest, and counts the rest', () => {
    const p = new Playbook({ keepChunks: false });
    const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
    p.client(0, 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi');
    for (let i = 0; i < 1000; i++) p.server(0.001 * i, interim);
    expect(kept(p, 'response')).toBe(2);
    p.server(2, ok);
    const row = exchangeRow(p.a, 0, 1, { now: null });
    expect(row).toMatchObject({ status: 200, state: 'complete' });
    expect(row.responseBytes).toBe(1000 * interim.length + ok.length);
  });

  it('ends each of 5,000 responses pipelined in one read without searching the others (it once searched all the newer ones for each: quadratic)', () => {
    const p = new Playbook({ keepChunks: false });
    p.client(0, GET.repeat(5000));
    const search = vi.spyOn(Pairing.prototype, 'responsesTo');
    try {
      p.server(0.5, ok.repeat(5000));
      expect(p.a.exchangeCount()).toBe(5000);
      expect(p.a.exchangeSpans.span(4999)).toEqual([0, 0.5]);
      expect(search).not.toHaveBeenCalled();
    } finally {
      search.mockRestore();
    }
  });
});
