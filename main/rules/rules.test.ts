// Rules on the live proxy, tried with real clients against the lab: each fault and each
// rewrite does what it says, is recorded in the capture (the rule, and both sides'
// framing), and a rule that matches nothing leaves the relay byte-exact.

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isRule, parseRule, requestFacts, ruleApplies, type Rule } from '../../shared/rules';
import { readRecords } from '../capture/reader';
import { Http1Parser } from '../http1';
import { startLab, type Lab } from '../lab/lab';
import { chunkedPosts } from '../lab/test-support/posts';
import { curl, rawExchange } from '../proxy/test-support/clients';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { CapturedSession } from '../replay/captured';
import { replayToServer } from '../replay/client';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import type { ConnectionAnalyzer } from '../analysis/connection';
import { RequestRewriter } from './request';
import { ResponseRewriter } from './response';
import type { Op } from './ops';
import { Pump } from './pump';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function rules(...texts: string[]): Rule[] {
  return texts.map((t) => {
    const r = parseRule(t);
    if (!isRule(r)) throw new Error(r.error);
    return r;
  });
}

async function lab(resetAfter = 4000): Promise<Lab> {
  const l = await startLab({ resetAfter });
  cleanups.push(() => l.close());
  return l;
}

/** A reverse proxy in front of the lab with `texts` as its rules. */
async function ruledProxy(l: Lab, ...texts: string[]) {
  const list = rules(...texts);
  const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: l.port }, rules: () => list });
  cleanups.push(() => proxy.finish());
  return proxy;
}

/** The capture's connections, analysed (with the origin's side where rules were on). */
async function analysed(proxy: Awaited<ReturnType<typeof ruledProxy>>): Promise<ConnectionAnalyzer[]> {
  await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish its connections');
  await proxy.finish();
  const analysis = new CaptureAnalysis({ keepChunks: true });
  for (const record of readRecords([readFileSync(proxy.capturePath)])) analysis.add(record);
  analysis.report();
  return [...analysis.connections.values()];
}

function get(path: string, close = true): string {
  return `GET ${path} HTTP/1.1\r\nHost: lab\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
}

interface Read {
  at: number;
  bytes: Buffer;
}

/** Reads with their times, until the connection ends. */
function timedGet(port: number, path: string): Promise<{ reads: Read[]; end: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const reads: Read[] = [];
    const start = performance.now();
    const timer = setTimeout(() => finish('timeout'), 10_000);
    const finish = (end: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reads, end });
    };
    socket.on('connect', () => socket.write(get(path)));
    socket.on('data', (bytes) => reads.push({ at: performance.now() - start, bytes }));
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'error'));
  });
}

/** The chunk sizes and decoded body of a response, read with our parser. */
function chunksOf(bytes: Uint8Array): { sizes: number[]; body: string; terminator: boolean; trailers: string[] } {
  const parser = new Http1Parser('response');
  const sizes: number[] = [];
  const body: Buffer[] = [];
  const trailers: string[] = [];
  let terminator = false;
  for (const e of [...parser.feed(bytes), ...parser.end('fin')]) {
    if (e.type === 'chunk-size') sizes.push(e.size);
    if (e.type === 'chunk-data') body.push(Buffer.from(bytes.subarray(e.offset, e.offset + e.length)));
    if (e.type === 'last-chunk') terminator = true;
    if (e.type === 'trailer') trailers.push(`${e.name}: ${e.value}`);
  }
  return { sizes, body: Buffer.concat(body).toString('latin1'), terminator, trailers };
}

describe('rule syntax', () => {
  it('reads actions, matches and for:, and says what is wrong in words', () => {
    const r = parseRule('stall-after-chunks:2  for:10 path:/feed*  method:get');
    expect(isRule(r) && r).toMatchObject({ text: 'stall-after-chunks:2 for:10 path:/feed* method:get', action: { kind: 'stall-after-chunks', chunks: 2, seconds: 10 }, match: { path: '/feed*', method: 'GET', host: null } });
    expect(parseRule('rechunk')).toEqual({ error: 'rechunk needs a number, like rechunk:100' });
    expect(parseRule('rechunk:0')).toEqual({ error: 'rechunk:0: expected a number above 0' });
    expect(parseRule('drop-last-chunk for:3')).toEqual({ error: 'for: goes with stall-after-chunks only' });
    expect(parseRule('drop-last-chunk rechunk:5')).toEqual({ error: 'one action per rule: "rechunk:5" comes after drop-last-chunk' });
    expect(parseRule('path:/x')).toMatchObject({ error: expect.stringMatching(/^no action/) });
    expect(parseRule('explode')).toMatchObject({ error: expect.stringMatching(/^"explode" is not a rule action or a match/) });
  });

  it('matches host (with or without port), path (without the query) and method', () => {
    const [r] = rules('drop-last-chunk host:*.example.com path:/feed* method:GET');
    expect(ruleApplies(r!, requestFacts('GET', 'http://news.example.com:8080/feed.xml?x=1', null))).toBe(true);
    expect(ruleApplies(r!, requestFacts('GET', '/feed/atom', 'a.example.com'))).toBe(true);
    expect(ruleApplies(r!, requestFacts('POST', '/feed', 'a.example.com'))).toBe(false);
    expect(ruleApplies(r!, requestFacts('GET', '/other', 'a.example.com'))).toBe(false);
    expect(ruleApplies(r!, requestFacts('GET', '/feed', 'example.org'))).toBe(false);
    expect(ruleApplies({ ...r!, enabled: false }, requestFacts('GET', '/feed', 'a.example.com'))).toBe(false);
  });
});

describe('rewriters, fed at every split point', () => {
  const response = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0a\r\n, chunked!\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n';
  const facts = () => ({ method: 'GET', host: 'lab', path: '/' });
  const bytesOf = (ops: Op[]) => Buffer.concat(ops.flatMap((o) => (o.op === 'bytes' ? o.pieces : [])));
  const run = (ruleText: string, pieces: string[]) => {
    const list = rules(ruleText);
    const rw = new ResponseRewriter(() => list, facts);
    const ops = pieces.flatMap((p) => rw.push(Buffer.from(p, 'latin1')));
    return ops;
  };
  const splits = (s: string) => Array.from({ length: s.length - 1 }, (_, i) => [s.slice(0, i + 1), s.slice(i + 1)]);

  it('rechunk:4 frames the same data in chunks of at most 4 bytes, trailers kept, at every split', () => {
    for (const pieces of [[response], ...splits(response)]) {
      const out = chunksOf(bytesOf(run('rechunk:4', pieces)));
      expect(out.body).toBe('hello, chunked!abc');
      expect(out.terminator).toBe(true);
      expect(out.trailers).toEqual(['X-T: 1']);
      expect(Math.max(...out.sizes)).toBeLessThanOrEqual(4);
    }
    expect(chunksOf(bytesOf(run('rechunk:4', [response]))).sizes).toEqual([4, 4, 4, 4, 2]);
  });

  it('drop-last-chunk, reset-after-bytes and stall-after-chunks give the same bytes and ops at every split', () => {
    for (const text of ['drop-last-chunk', 'reset-after-bytes:60', 'stall-after-chunks:2', 'delay-chunks:10']) {
      const whole = run(text, [response]);
      const kinds = (ops: Op[]) => ops.filter((o) => o.op !== 'bytes' && o.op !== 'applied').map((o) => o.op);
      for (const pieces of splits(response)) {
        const ops = run(text, pieces);
        expect(bytesOf(ops).equals(bytesOf(whole)), `${text} split at ${pieces[0]!.length}`).toBe(true);
        expect(kinds(ops)).toEqual(kinds(whole));
      }
    }
    expect(bytesOf(run('drop-last-chunk', [response])).toString('latin1')).toBe(response.slice(0, response.indexOf('0\r\nX-T')));
    expect(bytesOf(run('reset-after-bytes:60', [response]))).toHaveLength(60);
    expect(run('stall-after-chunks:2', [response]).map((o) => o.op)).toEqual(['bytes', 'applied', 'hold', 'bytes']);
  });

  it('dechunk-requests sends the same body with Content-Length, at every split', () => {
    const post = 'POST /upload HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n7\r\na=1&b=2\r\n3\r\nc=3\r\n0\r\n\r\n';
    const expected = 'POST /upload HTTP/1.1\r\nHost: lab\r\nContent-Length: 10\r\n\r\na=1&b=2c=3';
    for (const pieces of [[post], ...splits(post)]) {
      const rw = new RequestRewriter(() => rules('dechunk-requests'));
      expect(bytesOf(pieces.flatMap((p) => rw.push(Buffer.from(p, 'latin1')))).toString('latin1')).toBe(expected);
    }
  });

  it('chunk-requests:4 sends a Content-Length body chunked', () => {
    const rw = new RequestRewriter(() => rules('chunk-requests:4'));
    const out = bytesOf(rw.push(Buffer.from('POST /upload HTTP/1.1\r\nHost: lab\r\nContent-Length: 10\r\n\r\na=1&b=2c=3', 'latin1'))).toString('latin1');
    expect(out).toBe('POST /upload HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n4\r\na=1&\r\n4\r\nb=2c\r\n2\r\n=3\r\n0\r\n\r\n');
  });
});

describe('rewriters and the pump at the edges', () => {
  const facts = () => ({ method: 'GET', host: 'lab', path: '/' });
  const bytesOf = (ops: Op[]) => Buffer.concat(ops.flatMap((o) => (o.op === 'bytes' ? o.pieces : []))).toString('latin1');

  it('re-chunked data goes out before bytes after it that are not chunks (malformed framing)', () => {
    const list = rules('rechunk:4');
    const rw = new ResponseRewriter(() => list, facts);
    const out = bytesOf(rw.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nmore', 'latin1')));
    expect(out).toBe('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nhell\r\n1\r\no\r\nZZ\r\nmore');
  });

  it("an origin's RST after its FIN (a refused write) is passed on, not a second end of the parser", () => {
    const list = rules('rechunk:4');
    const rw = new ResponseRewriter(() => list, facts);
    rw.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'latin1'));
    expect(rw.end({ op: 'end', how: 'fin', detail: null }).map((o) => o.op)).toEqual(['end']);
    expect(rw.end({ op: 'end', how: 'rst', detail: null })).toEqual([{ op: 'end', how: 'rst', detail: null }]);
  });

  it('an end that comes while a stall waits behind a delay still ends the connection, and nothing after the stall is kept', async () => {
    const seen: string[] = [];
    const pump = new Pump({ bytes: (b) => seen.push(b.toString()), applied: () => undefined, reset: () => seen.push('reset'), fin: () => seen.push('fin'), end: (op) => seen.push(`end ${op.how}`) });
    const bytes = (text: string): Op => ({ op: 'bytes', pieces: [Buffer.from(text)], length: text.length });
    pump.push([bytes('a'), { op: 'wait', ms: 30 }, bytes('b'), { op: 'hold', ms: null }, bytes('c'.repeat(2 * 1024 * 1024))]);
    pump.push([bytes('d'), { op: 'end', how: 'fin', detail: null }]);
    expect(seen).toEqual(['a']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(seen).toEqual(['a', 'b', 'end fin']);
    expect(pump.queuedBytes).toBe(0);
    pump.push([bytes('e'), { op: 'end', how: 'rst', detail: null }]);
    expect(seen).toEqual(['a', 'b', 'end fin', 'end rst']);
  });

  it('after a 101 the client bytes pass as they come (an Upgrade through a proxy with rules)', async () => {
    const upgraded = net.createServer((socket) => {
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        socket.on('data', (frame) => socket.write(frame)); // echo
      };
      socket.on('data', onData);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => upgraded.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => upgraded.close(resolve)));
    const list = rules('drop-last-chunk path:/nothing');
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: (upgraded.address() as net.AddressInfo).port }, rules: () => list });
    cleanups.push(() => proxy.finish());
    const frame = Buffer.from('818501020304696768686e', 'hex');
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error(`no echo; got ${JSON.stringify(got.toString('latin1'))}`)), 3000);
      socket.on('connect', () => socket.write('GET /chat HTTP/1.1\r\nHost: lab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
      socket.on('data', (d) => {
        const first = got.length === 0;
        got = Buffer.concat([got, d]);
        if (first && got.includes('101')) socket.write(frame);
        const at = got.indexOf('\r\n\r\n');
        if (at >= 0 && got.length - at - 4 >= frame.length) {
          clearTimeout(timer);
          socket.destroy();
          resolve(got.subarray(at + 4));
        }
      });
    });
    expect(echoed.equals(frame)).toBe(true);
  });
});

describe('faults through the proxy, with real clients', () => {
  it('a rule that matches nothing leaves every byte as the origin sent it', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'drop-last-chunk path:/nothing', 'dechunk-requests path:/nothing');
    for (const path of ['/ok', '/trailers', '/malformed/bad-hex', '/malformed/bare-lf', '/no-terminator']) {
      const direct = await rawExchange(l.port, get(path));
      const through = await rawExchange(proxy.port, get(path));
      expect(through.received.equals(direct.received), path).toBe(true);
      expect(through.end, path).toBe(direct.end);
    }
    const [first] = await analysed(proxy);
    expect(first!.rules).toEqual([]);
    expect(first!.origin!.messages('response').at(0)!.chunkCount).toBe(first!.messages('response').at(0)!.chunkCount);
  });

  it('drop-last-chunk: curl exits 18; the capture has the rule and both framings', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'drop-last-chunk path:/ok');
    const result = await curl([`${proxy.url}/ok`]);
    expect(result.status).toBe(18);
    expect(chunksOf(result.output).terminator).toBe(false);
    const [c] = await analysed(proxy);
    expect(c!.rules).toMatchObject([{ direction: 'response', exchange: 0, rule: 'drop-last-chunk path:/ok', effect: 'withheld the last chunk after 3 chunks and closed the connection (FIN)' }]);
    expect(c!.messages('response').at(0)).toMatchObject({ chunkCount: 3, terminator: false });
    expect(c!.origin!.messages('response').at(0)).toMatchObject({ chunkCount: 3, terminator: true });
    expect(c!.streamEnd(1)).toMatchObject({ kind: 'fin', by: 'proxy' });
  });

  it('stall-after-chunks:1 for:0.6: the second chunk comes 600 ms after the first', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'stall-after-chunks:1 for:0.6');
    const { reads, end } = await timedGet(proxy.port, '/drip?chunks=3&delay=0');
    expect(end).toBe('fin');
    const first = reads.find((r) => r.bytes.includes('drip 1'))!;
    const second = reads.find((r) => r.bytes.includes('drip 2'))!;
    expect(second.at - first.at).toBeGreaterThan(550);
    expect(chunksOf(Buffer.concat(reads.map((r) => r.bytes))).sizes).toEqual([7, 7, 7]);
    const [c] = await analysed(proxy);
    expect(c!.rules.map((r) => r.effect)).toEqual(['stalled after 1 chunk for 0.6 s']);
  });

  it('stall-after-chunks:1 without an end: curl gives up (exit 28) and the stall is reported', async () => {
    const l = await lab();
    const stalls: string[] = [];
    const list = rules('stall-after-chunks:1');
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: l.port }, rules: () => list, stallSeconds: 0.5, listener: { stalled: (s) => stalls.push(s.stall.direction) } });
    cleanups.push(() => proxy.finish());
    const result = await curl(['--max-time', '2', `${proxy.url}/ok`]);
    expect(result.status).toBe(28);
    expect(result.output.toString()).toContain('first chunk');
    expect(result.output.toString()).not.toContain('second chunk');
    expect(stalls).toContain('response');
  });

  it('stall-after-chunks:1 with 4 MiB behind it: nothing more is sent or kept, and the origin FIN ends it', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'stall-after-chunks:1');
    const raw = await rawExchange(proxy.port, get('/big?mb=4'));
    expect(raw.end).toBe('fin');
    expect(raw.received.length).toBeLessThan(17 * 1024);
    expect(chunksOf(raw.received).sizes).toEqual([16 * 1024]);
    const [c] = await analysed(proxy);
    expect(c!.origin!.messages('response').at(0)).toMatchObject({ chunkCount: 256, terminator: true });
  });

  it('reset-after-bytes:100: the client gets 100 bytes, then an RST (curl exits 56)', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'reset-after-bytes:100');
    // Node's socket reports data that arrives with an RST as data then an end (the
    // reset itself is lost on Linux), so the bytes are counted here and curl tells the RST.
    const raw = await rawExchange(proxy.port, get('/ok'));
    expect(raw.received).toHaveLength(100);
    const result = await curl([`${proxy.url}/ok`]);
    expect(result.status).toBe(56);
    expect(result.stderr).toContain('Connection reset by peer');
    const [c] = await analysed(proxy);
    expect(c!.streamEnd(1)).toMatchObject({ kind: 'rst', by: 'proxy' });
    expect(c!.rules[0]!.effect).toBe('reset the connection (RST) after 100 bytes of the response');
  });

  it('rechunk:5: the same body in 5-byte chunks; the capture has the origin chunk sizes too', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'rechunk:5');
    const direct = await curl([`${l.url}/trailers`]);
    const result = await curl([`${proxy.url}/trailers`]);
    expect(result.status).toBe(0);
    const before = chunksOf(direct.output);
    const after = chunksOf(result.output);
    expect(after.body).toBe(before.body);
    expect(after.trailers).toEqual(before.trailers);
    expect(after.sizes.every((s) => s <= 5)).toBe(true);
    const [c] = await analysed(proxy);
    const sizes = (m: { chunkCount: number } & { chunks: { size: number }[] | null }) => m.chunks!.map((x) => x.size);
    expect(sizes(c!.origin!.messages('response').at(0)!)).toEqual(before.sizes);
    expect(sizes(c!.messages('response').at(0)!)).toEqual(after.sizes);
  });

  it('delay-chunks:200: each chunk after the first comes 200 ms after the one before', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'delay-chunks:200 path:/ok');
    const { reads } = await timedGet(proxy.port, '/ok');
    const at = (text: string) => reads.find((r) => r.bytes.includes(text))!.at;
    expect(at('second chunk') - at('first chunk')).toBeGreaterThan(180);
    expect(at('third chunk') - at('second chunk')).toBeGreaterThan(180);
  });

  it('reset-after-requests:2 method:GET: two requests answered on a keep-alive connection, the third reset', async () => {
    const l = await lab();
    const proxy = await ruledProxy(l, 'reset-after-requests:2 method:GET');
    const result = await new Promise<{ answered: number; end: string }>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
      const parser = new Http1Parser('response');
      let answered = 0;
      socket.on('connect', () => socket.write(get('/ok', false)));
      socket.on('data', (bytes) => {
        for (const e of parser.feed(bytes)) if (e.type === 'message-complete' && ++answered < 5) socket.write(get('/ok', false));
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve({ answered, end: e.code === 'ECONNRESET' ? 'rst' : 'error' }));
      socket.on('end', () => resolve({ answered, end: 'fin' }));
    });
    expect(result).toEqual({ answered: 2, end: 'rst' });
    const [c] = await analysed(proxy);
    expect(c!.rules[0]).toMatchObject({ direction: 'request', exchange: 2 });
    expect(c!.origin!.messages('request')).toHaveLength(2);
  });
});

describe('rewrites through the proxy', () => {
  it('dechunk-requests: the lab receives Content-Length; chunk-requests:3 the reverse', async () => {
    const l = await lab();
    const dechunk = await ruledProxy(l, 'dechunk-requests path:/upload');
    const chunked = await curl(['-H', 'Transfer-Encoding: chunked', '-H', 'Expect:', '--data-binary', 'a=1&b=2', `${dechunk.url}/upload`]);
    expect(chunked.output.toString()).toContain('received 7 bytes (content-length)');
    const rechunk = await ruledProxy(l, 'chunk-requests:3');
    const plain = await curl(['--data-binary', 'a=1&b=2', `${rechunk.url}/upload`]);
    expect(plain.output.toString()).toContain('received 7 bytes (chunked)');
    const [c] = await analysed(dechunk);
    expect(c!.messages('request').at(0)!.framing).toBe('chunked');
    expect(c!.origin!.messages('request').at(0)).toMatchObject({ framing: 'content-length', contentLength: 7 });
  });

  it('the de-chunk rule makes the lab answer all 4,001 POSTs of a replayed capture (the lab counts chunked requests only)', async () => {
    const original = await lab(4000);
    const capturing = await startProxy({ reverse: { host: '127.0.0.1', port: original.port } });
    cleanups.push(() => capturing.finish());
    expect(await chunkedPosts(capturing.port, '/reset-after', 4001)).toEqual({ answered: 4000, end: 'rst' });
    await eventually(() => capturing.proxy.connectionCount === 0, 10_000, 'the capture to finish');
    await capturing.finish();
    const session = CapturedSession.open(capturing.capturePath);
    cleanups.push(() => session.close());

    const again = await lab(4000);
    const list = rules('dechunk-requests method:POST');
    const ruled = await startProxy({ rules: () => list });
    cleanups.push(() => ruled.finish());
    const [done] = await replayToServer(session, { to: new URL(again.url), timing: 'fast', proxy: new URL(ruled.url) });
    expect(done!.diff.now).toMatchObject({ responses: 4001 });
    expect(done!.report.exchanges.filter((e) => e.response?.response?.status === 200)).toHaveLength(4001);
  }, 120_000);
});
