// The composer and replay through the engine's API, as the app calls them (the dispatcher
// checks each argument): edit and resend reproduces a captured request byte for byte and
// keeps the new exchange in the session, sent directly or through the proxy; resend
// compares the framing; the session is served as a replay origin.

import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/api';
import type { PlanCheck, ReplayOrigin, ResendResult, SendResult } from '../../shared/compose';
import { createDispatch } from '../api/dispatch';
import { readRecords } from '../capture/reader';
import { curl } from '../proxy/test-support/clients';
import { fin, origin, request, write, type Step } from '../proxy/test-support/origin';
import { rawOrigin } from '../compose/test-support/raw-origin';
import { startLab } from '../lab/lab';
import { Engine } from './engine';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const answer = (body: string, chunks = true) =>
  chunks ? `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

/** An origin that answers once a chunked body's last chunk and trailer section are in. */
const chunkedOrigin = () => rawOrigin((received) => /\r\n0+[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n$/.test(received.toString('latin1')));

async function world(steps: Step[] | ((index: number) => Step[]) | 'chunked') {
  const server = steps === 'chunked' ? await chunkedOrigin() : await origin(steps);
  cleanups.push(() => server.close());
  const engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2 });
  const { proxy } = await engine.start();
  cleanups.push(() => engine.close());
  const dispatch = createDispatch(engine);
  const call = <T>(method: string, args?: unknown) => dispatch(method, args) as Promise<T>;
  /** Send raw bytes through the proxy as a client would, and wait for the connection to close. */
  const through = (bytes: string) =>
    new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(proxy).port), '127.0.0.1', () => socket.write(bytes, 'latin1'));
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
  /** Bytes the client sent on connection `n`, as the session recorded them. */
  const sent = async (n: number) => {
    const raw = await engine.raw({ connection: n, stream: 0, offset: 0, length: 1024 * 1024 });
    return Buffer.from(raw.bytes, 'base64').toString('latin1');
  };
  return { server, engine, proxy, call, through, sent };
}

const odd = (port: number) => `POST http://127.0.0.1:${port}/up HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n05DC;a=1\r\n${'z'.repeat(1500)}\r\n3\r\nabc\r\n0000\r\nX-T: 1\r\n\r\n`;

describe('the composer through the API', () => {
  it('edit and resend: a captured request as its plan, sent directly, kept in the session byte for byte', async () => {
    const w = await world('chunked');
    await w.through(odd(w.server.port));
    const composed = await w.call<PlanCheck>('composeFrom', { id: '1:0' });
    expect(composed.text).toContain('chunk 05DC;a=1 "z" * 1500\nchunk "abc"\nlast 0000\ntrailer X-T: 1\n');
    expect(composed.plan!.to).toBe(`http://127.0.0.1:${w.server.port}`);

    const result = await w.call<SendResult>('send', { plan: composed.plan, via: 'direct' });
    expect(result.exchanges).toEqual([`${result.connections[0]}:0`]);
    expect(await w.sent(result.connections[0]!)).toBe(odd(w.server.port));
    const detail = await w.engine.exchangeDetail({ id: result.exchanges[0]! });
    expect(detail.request!.chunkColumns!.sizeTokens).toEqual(['05DC', '3']);
    expect(detail.response!.response!.status).toBe(200);
    expect(detail.account.headline).toMatch(/^complete/);
    // The capture says it is a connection Chunkscope made.
    const capture = readFileSync(w.engine.hello().capturePath!);
    const events = [...readRecords([capture])].filter((r) => r.type === 'client');
    expect(events).toMatchObject([{ connection: result.connections[0], launched: 'chunkscope', tag: 'send' }]);
  });

  it('sent through the proxy: captured as any exchange, the request line fitted to the proxy', async () => {
    const w = await world('chunked');
    const check = await w.call<PlanCheck>('parsePlan', { text: `to http://127.0.0.1:${w.server.port}\n\nPOST /up HTTP/1.1\nHost: 127.0.0.1:${w.server.port}\nTransfer-Encoding: chunked\n\nchunk 5dc;ext=1\nlast\ntrailer X-Sum: 9\n` });
    expect(check.error).toBeNull();
    const result = await w.call<SendResult>('send', { plan: check.plan, via: 'proxy' });
    expect(result.rewrites).toEqual([`request #1: POST /up HTTP/1.1 → POST http://127.0.0.1:${w.server.port}/up HTTP/1.1`]);
    expect(result.exchanges).toHaveLength(1);
    const detail = await w.engine.exchangeDetail({ id: result.exchanges[0]! });
    expect(detail.request!.chunkColumns!.sizeTokens).toEqual(['5dc']);
    expect(detail.request!.chunkColumns!.extensions).toEqual([';ext=1']);
    expect(detail.request!.trailers).toEqual([['X-Sum', '9']]);
    expect(w.server.connections[0]!.received.toString('latin1')).toContain(`POST /up HTTP/1.1\r\nHost: 127.0.0.1:${w.server.port}\r\n`);
  });

  it('plans read and written: a mistake at its line, the faults named, bad arguments refused', async () => {
    const w = await world([]);
    const bad = await w.call<PlanCheck>('parsePlan', { text: 'POST / HTTP/1.1\n\nchunk 5G\n' });
    expect(bad.plan).toBeNull();
    expect(bad.error).toEqual({ line: 3, column: 7, offset: 23, reason: 'the size "5G" is not hexadecimal, so it says no number of bytes: give the data too (chunk 5G "…")' });
    const good = await w.call<PlanCheck>('parsePlan', { text: 'POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nchunk "é" bare-lf\n' });
    expect(good.notes).toEqual(['chunk #1: its size line ends in a bare LF, not CRLF', 'chunk #1: its data is followed by a bare LF, not CRLF']);
    const again = await w.call<PlanCheck>('formatPlan', { plan: good.plan });
    expect(again.text).toBe('POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nchunk "\\xc3\\xa9" bare-lf\nlast\n');
    await expect(w.call('send', { plan: { ...good.plan, requests: [{ pauseBefore: 0, head: { kind: 'raw', data: [{ bytes: 'é→' }] }, body: [] }] }, via: 'direct' })).rejects.toThrow(/bad arguments for send: plan\.requests\.0\.head/);
    await expect(w.call('send', { plan: good.plan, via: 'direct' })).rejects.toThrow('the plan does not say where to send it');
    await expect(w.call('composeFrom', { id: '9:0' })).rejects.toThrow('no connection c9 in this session');
  });

  it('a request over a mebibyte is not composed, and says what sends it again instead', async () => {
    const w = await world('chunked');
    const body = 'b'.repeat(1100 * 1024);
    await w.through(`POST http://127.0.0.1:${w.server.port}/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    await expect(w.call('composeFrom', { id: '1:0' })).rejects.toThrow('the requests wanted on c1 are over 1.0 MB, more than the composer edits; replay --to sends them again byte for byte');
  });
});

describe('an answer that never ends', () => {
  it('send answers once the plan is written and the answer is under way: its row goes on streaming', async () => {
    const lab = await startLab({});
    cleanups.push(() => lab.close());
    const w = await world([]);
    const plan = (await w.call<PlanCheck>('parsePlan', { text: `to ${lab.url}\n\nGET /drip?chunks=100000&delay=20 HTTP/1.1\nHost: x\n` })).plan;
    const result = await w.call<SendResult>('send', { plan, via: 'direct' });
    expect(result).toMatchObject({ exchanges: [`${result.connections[0]}:0`], running: true, stopped: null });
    const detail = await w.engine.exchangeDetail({ id: result.exchanges[0]! });
    expect(detail.row.state).toBe('streaming');
  });
});

describe('resend and replay through the API', () => {
  it('resend: each request again on a new connection, the framing diff says what changed', async () => {
    // The first connection's answers are whole; on the second, the last chunk of the second answer never comes.
    const w = await world((i) => [request(), write(answer('one')), request(), write(i === 0 ? answer('two') : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n'), fin()]);
    const get = (path: string) => `GET http://127.0.0.1:${w.server.port}${path} HTTP/1.1\r\nHost: 127.0.0.1:${w.server.port}\r\n\r\n`;
    await w.through(get('/a') + get('/b'));
    const result = await w.call<ResendResult>('resend', { ids: ['1:0', '1:1'], timing: 'fast' });
    expect(result.failures).toEqual([]);
    expect(result.requests.map((r) => [r.id, r.newId !== null, r.diff.differences])).toEqual([
      ['1:0', true, []],
      ['1:1', true, ['last chunk present → missing']],
    ]);
    expect(result.requests[1]!.captured).toBe('200 chunked 3, last chunk present');
    expect(result.requests[1]!.now).toBe('200 chunked 3, last chunk MISSING');
    expect(result.connections).toEqual([{ connection: 1, now: 2, captured: 'server FIN after 2 responses', ended: 'server FIN after 1 response', same: false }]);
    expect(await w.sent(2)).toBe(get('/a') + get('/b'));
  });

  it('resend from a file being viewed: read from the file, sent and recorded in the live session, capture turned on', async () => {
    const w = await world('chunked');
    await w.through(odd(w.server.port));
    const file = join(mkdtempSync(join(tmpdir(), 'chunkscope-compose-')), 'one.cscap');
    cleanups.push(async () => rmSync(dirname(file), { recursive: true, force: true }));
    await w.call('saveCapture', { path: file });
    w.engine.setCapturing({ on: false });
    const opened = await w.call<SessionInfo>('openCapture', { path: file });
    expect(opened.current).not.toBe('live');

    const result = await w.call<ResendResult>('resend', { ids: ['1:0'], timing: 'fast' });
    expect(result.requests.map((r) => [r.id, r.newId, r.diff.differences])).toEqual([['1:0', '2:0', []]]);
    const info = w.engine.hello();
    // The file is still shown, as it was, and holds no new connection; the live session holds it.
    expect(info.current).toBe(opened.current);
    expect(info.capturing).toBe(true);
    await expect(w.engine.exchangeDetail({ id: '2:0' })).rejects.toThrow('no connection c2 in this session');
    w.engine.selectSession({ id: 'live' });
    expect(await w.sent(2)).toBe(odd(w.server.port));
    expect((await w.engine.exchangeDetail({ id: '2:0' })).response!.response!.status).toBe(200);
  });

  it('serveReplay: the selected exchange served on a loopback port, byte for byte, until stopReplay', async () => {
    const w = await world(() => [request(), write(answer('from the origin')), fin()]);
    const original = await curl(['-x', w.proxy, `http://127.0.0.1:${w.server.port}/feed`]);
    const served = await w.call<ReplayOrigin>('serveReplay', { ids: ['1:0'] });
    expect(served).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), connections: 1, exchanges: 1 });
    expect(w.engine.hello().replay).toEqual(served);
    const replayed = await curl([`${served.url}/feed`]);
    expect(replayed.output.equals(original.output)).toBe(true);
    // An exchange the user did not pick is not served, and the answer says so (not that the capture lacks it).
    await curl(['-x', w.proxy, `http://127.0.0.1:${w.server.port}/other`]);
    const second = await w.call<ReplayOrigin>('serveReplay', { ids: ['1:0'] });
    expect((await curl([`${second.url}/other`])).output.toString()).toContain('Chunkscope replay: the exchanges served have none for GET /other');
    const info = await w.call<SessionInfo>('stopReplay');
    expect(info.replay).toBeNull();
    expect((await curl([`${second.url}/feed`])).status).toBe(7); // curl: could not connect
  });
});
