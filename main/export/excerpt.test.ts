// Some exchanges of a capture as a capture of their own: it reads as a capture, holds
// exactly those exchanges, and each reads as it did in the whole one, its connection's
// account (who ended it, how) included.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/capture';
import { analyseCapture } from '../analysis/capture-analysis';
import { filePieces } from '../capture/file-pieces';
import type { CaptureRecord } from '../capture/format';
import { readRecords } from '../capture/reader';
import { writeCaptureFile } from '../capture/write-file';
import { join, request, response } from '../http1/test-support/builders';
import { excerptRecords, excerptSize, planExcerpt } from './excerpt';

const session: CaptureRecord = { type: 'session', version: 1, startedAt: '2024-01-01T00:00:00.000Z', tool: 'test', mode: 'forward', listen: 'http://127.0.0.1:8888', reverse: null, stallSeconds: 0.5 };

function data(connection: number, stream: 0 | 1, time: number, bytes: Uint8Array): CaptureRecord {
  return { type: 'data', connection, stream, generated: false, time, bytes };
}

/**
 * c1: three keep-alive exchanges, the requests pipelined in one read, the responses split
 * across reads at odd places; then the client's FIN. c2: a chunked response whose server
 * closes (FIN) after chunk #2, no last chunk; a stall before it.
 */
function capture(): CaptureRecord[] {
  const requests = [1, 2, 3].map((n) => request({ startLine: `GET http://a.test/r${n} HTTP/1.1`, headers: [['Host', 'a.test']] }));
  const responses = join(response({ body: 'one' }), response({ chunks: [{ data: 'second' }, { data: '!' }] }), response({ body: 'three!' }));
  const cut1 = 20;
  const cut2 = responses.length - 9;
  return [
    session,
    { type: 'open', connection: 1, time: 0.1, client: '127.0.0.1:50000', mode: 'forward' },
    { type: 'upstream', connection: 1, time: 0.11, upstream: '127.0.0.1:9000', target: 'a.test:80' },
    data(1, 0, 0.12, join(...requests)),
    data(1, 1, 0.2, responses.subarray(0, cut1)),
    data(1, 1, 0.3, responses.subarray(cut1, cut2)),
    { type: 'stall', connection: 1, time: 0.9, direction: 'response', exchange: 2, since: 0.3, waitingFor: 'the rest of the body' },
    data(1, 1, 1.4, responses.subarray(cut2)),
    { type: 'mark', connection: 1, time: 1.5, exchange: 1, pinned: true, comment: 'the chunked one' },
    { type: 'mark', connection: 1, time: 1.6, exchange: 0, pinned: true, comment: '' },
    { type: 'close', connection: 1, time: 2, side: 'client', kind: 'fin', by: 'peer', detail: null },
    { type: 'close', connection: 1, time: 2, side: 'upstream', kind: 'fin', by: 'proxy', detail: null },
    { type: 'open', connection: 2, time: 3, client: '127.0.0.1:50001', mode: 'forward' },
    { type: 'upstream', connection: 2, time: 3.01, upstream: '127.0.0.1:9000', target: 'a.test:80' },
    data(2, 0, 3.02, request({ startLine: 'GET http://a.test/download HTTP/1.1', headers: [['Host', 'a.test']] })),
    data(2, 1, 3.1, response({ chunks: [1500, 1405], terminator: false })),
    { type: 'close', connection: 2, time: 3.3, side: 'upstream', kind: 'fin', by: 'peer', detail: null },
    { type: 'close', connection: 2, time: 3.3, side: 'client', kind: 'fin', by: 'proxy', detail: null },
    { type: 'end', time: 4 },
  ];
}

/** What a person reads of an exchange, without where its bytes lie in its connection. */
function reading(e: ExchangeRecord) {
  const message = (m: ExchangeRecord['request']) =>
    m && { startLine: m.startLine, headers: m.headers, framing: m.framing, chunks: m.chunks?.map((c) => [c.sizeToken, c.size, c.dataLength]), terminator: m.terminator, bodyLength: m.bodyLength, complete: m.complete, anomalies: m.anomalies.map((a) => a.code) };
  return { request: message(e.request), response: message(e.response), headline: e.account?.headline, tone: e.account?.tone, stalls: e.account?.stalls.map((s) => [s.direction, s.seconds]) };
}

describe('an excerpt of a capture', () => {
  it('holds exactly the exchanges asked for, each reading as it did, with its connection’s ends and its mark', () => {
    const whole = analyseCapture(capture());
    const plan = planExcerpt(capture(), ['1:1', '1:2', '2:0']);
    expect(excerptSize(plan)).toBe(3);
    const path = joinPath(mkdtempSync(joinPath(tmpdir(), 'chunkscope-excerpt-')), 'some.cscap');
    writeCaptureFile(path, excerptRecords(capture(), plan));
    const records = readRecords(filePieces(path));
    const read: CaptureRecord[] = [];
    let step = records.next();
    for (; !step.done; step = records.next()) read.push(step.value);
    expect(step.value).toMatchObject({ truncatedBytes: 0, damageCount: 0 });
    const part = analyseCapture(read);

    expect(part.closedCleanly).toBe(true);
    expect(part.connections.map((c) => [c.id, c.exchanges.length])).toEqual([
      ['c1', 2],
      ['c2', 1],
    ]);
    const [c1, c2] = part.connections;
    // c1's #2 and #3 are its #1 and #2 now, and read the same, the stall of #3 included.
    expect(c1!.exchanges.map(reading)).toEqual([reading(whole.connections[0]!.exchanges[1]!), reading(whole.connections[0]!.exchanges[2]!)]);
    expect(c1!.exchanges[1]!.account?.stalls).toHaveLength(1);
    expect(c2!.exchanges.map(reading)).toEqual(whole.connections[1]!.exchanges.map(reading));
    expect(c2!.account?.headline).toBe(whole.connections[1]!.account?.headline);
    expect(c2!.closes).toEqual(whole.connections[1]!.closes);
    // The mark of c1's #2 comes along, renumbered; #1's is left out with #1.
    expect([...part.marks]).toEqual([['1:0', { pinned: true, comment: 'the chunked one' }]]);
  });

  it('carries the marks it is given instead of the capture’s, and says which exchanges the capture lacks', () => {
    const plan = planExcerpt(capture(), ['1:0', '1:9', '3:0']);
    expect(plan.missing.sort()).toEqual(['1:9', '3:0']);
    const marks = new Map([['1:0', { pinned: false, comment: 'made in the app, not saved yet' }]]);
    const part = analyseCapture([...excerptRecords(capture(), plan, marks)]);
    expect(part.connections.map((c) => c.exchanges.length)).toEqual([1]);
    expect(part.connections[0]!.exchanges[0]!.request?.startLine).toBe('GET http://a.test/r1 HTTP/1.1');
    expect([...part.marks]).toEqual([['1:0', { pinned: false, comment: 'made in the app, not saved yet' }]]);
  });
});
