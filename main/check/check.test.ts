// `chunkscope check` as a module: against local origins that misbehave on purpose
// (loopback only), what the run saw, how it is judged, and how it is reported.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { response, text } from '../http1/test-support/builders';
import { inspectRaw } from '../inspect/raw';
import { fin, hold, origin, request, rst, truncate, wait, write, type Origin, type Step } from '../proxy/test-support/origin';
import { tlsOrigin, tlsWorld } from '../tls/test-support/tls-world';
import { connectFailure } from '../client/open';
import { CouldNotCheck, runCheck, type CheckOptions, type CheckRun } from './check';
import { checkJson, formatCheck } from './report';
import { requestFields } from './request';
import { connectionSentence, judge, type Verdict } from './verdict';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(steps: Step[] | ((index: number) => Step[])): Promise<Origin> {
  const o = await origin(steps);
  cleanups.push(() => o.close());
  return o;
}

function options(url: string, more: Partial<CheckOptions> = {}): CheckOptions {
  return {
    url: new URL(url),
    method: 'GET',
    headers: [],
    body: null,
    chunked: false,
    chunkSize: 16384,
    keepalive: null,
    timeoutSeconds: 5,
    keepaliveWaitSeconds: 0.3,
    maxTimeSeconds: 30,
    insecure: false,
    ca: [],
    userAgent: 'chunkscope/test',
    ...more,
  };
}

async function check(url: string, more: Partial<CheckOptions> = {}): Promise<{ run: CheckRun; verdict: Verdict; text: string }> {
  const run = await runCheck(options(url, more));
  const verdict = judge(run);
  return { run, verdict, text: formatCheck(run, verdict, { maxChunks: 200 }) };
}

const ok = (chunks = [1500, 1405]) => response({ chunks });
/** A keep-alive answer: Content-Length framed, so any count of them stays compliant. */
const small = response({ body: 'ok' });

describe('check: the framing of a chunked response', () => {
  it('reads the ledger with each size token as sent, the last chunk and trailers', async () => {
    const server = await serve([
      request(),
      write(response({ chunks: [{ size: 1500, token: '05dc' }, { size: 16, token: '10', ext: ';name=v' }], trailers: [['Checksum', 'abc']] })),
      fin(),
    ]);
    const { run, verdict, text: report } = await check(server.url);
    expect(verdict.compliant).toBe(true);
    const m = run.report.exchanges[0]!.response!;
    expect(m.chunks!.map((c) => c.sizeToken)).toEqual(['05dc', '10']);
    expect(m.trailers).toEqual([['Checksum', 'abc']]);
    expect(report).toMatch(/1\s+47\s+05dc\s+1,500\s+1,500\s+ok/);
    expect(report).toMatch(/;name=v/);
    expect(report).toContain('last chunk  "0" at byte 1,584, trailers: Checksum: abc');
    expect(run.end).toMatchObject({ by: 'server', how: 'fin', requestsSent: 1, responsesComplete: 1 });
    expect(report).toContain('connection  the server closed the connection (FIN) after request #1: 1 of 1 request answered');
    expect(report.trimEnd().split('\n').at(-1)).toBe('verdict: compliant');
  });

  it('a missing last chunk is an error, with the parser\'s sentence', async () => {
    const server = await serve([request(), write(response({ chunks: [1500, 1405], terminator: false })), fin()]);
    const { verdict, text: report } = await check(server.url);
    expect(verdict.compliant).toBe(false);
    expect(report).toContain('✗ missing-terminator at byte 2,966: the server closed the connection (FIN) after chunk #2, at byte 2,966; the zero-length last chunk never arrived');
    expect(report).toContain('during response #1');
    expect(report).toContain('verdict: NOT COMPLIANT (1 error)');
  });

  it('a stalled response is given up on after the timeout, with where it stopped', async () => {
    const server = await serve([request(), write(response({ chunks: [100, 50], terminator: false })), hold()]);
    const started = performance.now();
    const { run, verdict } = await check(server.url, { timeoutSeconds: 0.4 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(verdict.compliant).toBe(false);
    expect(run.stall).toMatchObject({ direction: 'response', request: 1, offset: 47 + 4 + 100 + 2 + 4 + 50 + 2 });
    expect(verdict.findings[0]!.message).toMatch(/^no byte for 0\.\d s while waiting for the next chunk-size line \(chunk #3\), at byte 209; Chunkscope gave up after --timeout 0.4 s$/);
    expect(run.end).toMatchObject({ by: 'chunkscope', reason: 'stall' });
    await expect.poll(() => server.connections[0]!.end).toBe('fin');
  });

  it('a response that never starts is a stall too', async () => {
    const server = await serve([request(), hold()]);
    const { run, verdict } = await check(server.url, { timeoutSeconds: 0.3 });
    expect(verdict.compliant).toBe(false);
    expect(run.stall!.text).toMatch(/while waiting for the response to start$/);
  });

  it('a server that stops reading the request body is a stall of the request', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      socket.pause(); // reads nothing: the socket buffers fill up, then Chunkscope's writes wait
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))));
    const { port } = server.address() as net.AddressInfo;
    const body = Buffer.alloc(32 * 1024 * 1024);
    const { run, verdict } = await check(`http://127.0.0.1:${port}/upload`, { method: 'POST', body, timeoutSeconds: 0.5 });
    expect(verdict.compliant).toBe(false);
    expect(run.stall).toMatchObject({ direction: 'request', request: 1 });
    expect(run.stall!.unsent).toBeGreaterThan(0);
    expect(verdict.findings[0]!.message).toMatch(/^the server stopped reading request #1: no byte taken for 0\.\d s, with [\d,]+ of its bytes still unsent; Chunkscope gave up after --timeout 0\.5 s$/);
    expect(connectionSentence(run)).toBe('Chunkscope gave up on request #1, which the server stopped reading, and closed the connection (FIN): 0 of 1 request answered');
  });

  it('a close-delimited body is a warning; a Content-Length body a note', async () => {
    const closeDelimited = await serve([request(), write(text('HTTP/1.1 200 OK\r\n\r\nall of it')), fin()]);
    const a = await check(closeDelimited.url);
    expect(a.verdict.compliant).toBe(true);
    expect(a.verdict.findings.map((f) => [f.code, f.severity])).toEqual([['close-delimited', 'warning']]);
    expect(a.text).toContain('verdict: compliant (1 warning)');
    const lengthFramed = await serve([request(), write(small), fin()]);
    const b = await check(lengthFramed.url);
    expect(b.verdict.findings.map((f) => [f.code, f.severity])).toEqual([['not-chunked', 'info']]);
  });
});

describe('check: what it sends', () => {
  it('sends the method, the target and the headers: defaults, replaced, removed and added', async () => {
    const server = await serve([request(), write(small), fin()]);
    await check(`${server.url}/items?page=2`, { method: 'DELETE', headers: [['User-Agent', 'ci/1'], ['Accept', ''], ['X-Trace', 'abc']] });
    const head = server.connections[0]!.received.toString('latin1');
    expect(head).toBe(`DELETE /items?page=2 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUser-Agent: ci/1\r\nConnection: close\r\nX-Trace: abc\r\n\r\n`);
  });

  it('sends a body chunked in chunks of --chunk-size, each chunk as its own size line', async () => {
    const server = await serve([request(), write(small), fin()]);
    const body = Buffer.alloc(2500, 'x');
    const { run } = await check(server.url, { method: 'POST', body, chunked: true, chunkSize: 1000 });
    const received = inspectRaw([server.connections[0]!.received], { direction: 'request', eof: 'open', methods: null, body: true });
    const [sent] = received.messages;
    expect(sent!.headers).toContainEqual(['Transfer-Encoding', 'chunked']);
    expect(sent!.chunks!.map((c) => [c.sizeToken, c.size])).toEqual([['3e8', 1000], ['3e8', 1000], ['1f4', 500]]);
    expect(sent!.terminator).toBe(true);
    expect(Buffer.concat(received.bodies![0]!)).toEqual(body);
    expect(formatCheck(run, judge(run), { maxChunks: 200 })).toContain('request #1  POST / · chunked: 3 chunks, 2,500 bytes of data · Connection: close');
  });

  it('frames a body by Content-Length unless told otherwise, and leaves framing headers given to it alone', () => {
    const spec = { method: 'POST', url: new URL('http://h.test:8080/'), body: Buffer.from('abc'), chunked: false, chunkSize: 1, userAgent: 'u', close: false };
    expect(requestFields({ ...spec, headers: [] })).toContainEqual(['Content-Length', '3']);
    expect(requestFields({ ...spec, headers: [['Transfer-Encoding', 'gzip']] }).filter(([n]) => /content-length|transfer-encoding/i.test(n))).toEqual([['Transfer-Encoding', 'gzip']]);
    expect(requestFields({ ...spec, body: null, headers: [] })).toContainEqual(['Content-Length', '0']);
    expect(requestFields({ ...spec, headers: [] })[0]).toEqual(['Host', 'h.test:8080']);
  });
});

describe('check --keepalive: how the server ends the connection', () => {
  it('a server that closes after 2 of 3 requests without saying so is not compliant', async () => {
    const server = await serve([request(), write(small), request(), write(small), fin()]);
    const { run, verdict, text: report } = await check(server.url, { keepalive: 3 });
    expect(run.end).toMatchObject({ by: 'server', how: 'fin', responsesComplete: 2 });
    expect(verdict.compliant).toBe(false);
    expect(verdict.findings[0]).toMatchObject({ code: 'closed-early', severity: 'error' });
    // Request #3 may have left before the FIN came (then the analysis found it never answered) or not.
    expect(verdict.findings[0]!.message).toMatch(
      /^the server closed the keep-alive connection \(FIN\) (after answering 2 requests on it; request #3 was sent \(no body\) and never answered|after 2 of 3 requests without announcing it)/,
    );
    expect(verdict.errors).toBe(1);
    expect(report).toMatch(/connection {2}the server closed the connection \(FIN\) after request #2: 2 of 3 requests answered \(request #3 was (sent and never answered|not sent)\)/);
    // Keep-alive requests do not ask the server to close.
    expect(server.connections[0]!.received.toString('latin1')).not.toContain('Connection: close');
  });

  it('a server that announces its close ("Connection: close") is compliant, and no request follows', async () => {
    const server = await serve([request(), write(small), request(), write(response({ headers: [['Connection', 'close']], body: 'bye' })), fin()]);
    const { run, verdict } = await check(server.url, { keepalive: 4 });
    expect(verdict.compliant).toBe(true);
    expect(run.end).toMatchObject({ by: 'server', requestsSent: 2, responsesComplete: 2 });
  });

  it('a server that keeps the connection open: Chunkscope closes it after the wait', async () => {
    const server = await serve([request(), write(ok()), request(), write(ok()), hold()]);
    const { run, verdict, text: report } = await check(server.url, { keepalive: 2 });
    expect(verdict.compliant).toBe(true);
    expect(run.end).toMatchObject({ by: 'chunkscope', how: 'fin', reason: 'kept-open', requestsSent: 2, responsesComplete: 2 });
    expect(report).toContain('connection  still open after 2 requests (2 of 2 requests answered); Chunkscope closed it (FIN) after waiting 0.3 s');
    await expect.poll(() => server.connections[0]!.end).toBe('fin');
  });

  it('a reset after the last response is a warning; a reset with a request unanswered is an error', async () => {
    const afterAll = await serve([request(), write(small), wait(50), rst()]);
    const a = await check(afterAll.url);
    expect(a.verdict.compliant).toBe(true);
    expect(a.run.end).toMatchObject({ by: 'server', how: 'rst' });
    expect(a.verdict.findings.map((f) => f.code)).toContain('reset-after-response');
    const iis6 = await serve([request(), write(small), request(), rst()]);
    const b = await check(iis6.url, { keepalive: 5 });
    expect(b.verdict.compliant).toBe(false);
    expect(b.run.end).toMatchObject({ how: 'rst', requestsSent: 2, responsesComplete: 1 });
    expect(b.text).toContain('the server reset the connection (RST) after request #1: 1 of 5 requests answered (request #2 was sent and never answered)');
  });

  it('a server that ignores "Connection: close" gets a warning', async () => {
    const server = await serve([request(), write(small), hold()]);
    const { verdict } = await check(server.url);
    expect(verdict.compliant).toBe(true);
    expect(verdict.findings[0]).toMatchObject({ code: 'not-closed', severity: 'warning' });
  });
});

describe('check --json', () => {
  it('has the shape of CHECK.md, with the messages of spec/INSPECT.md', async () => {
    const server = await serve([request(), write(ok([4, 4])), wait(20), fin()]);
    const { run, verdict } = await check(server.url);
    const json = JSON.parse(JSON.stringify(checkJson(run, verdict)));
    expect(Object.keys(json)).toEqual(['url', 'verdict', 'errors', 'warnings', 'server', 'requests', 'exchanges', 'connection', 'stall', 'findings', 'anomalies', 'sent', 'received', 'elapsed']);
    expect(json).toMatchObject({ verdict: 'compliant', errors: 0, server: { host: '127.0.0.1', port: server.port, tls: null }, requests: { planned: 1, sent: 1, answered: 1, askedToClose: true }, stall: null });
    const [exchange] = json.exchanges;
    expect(Object.keys(exchange.response).slice(0, 10)).toEqual(['startLine', 'framing', 'headers', 'chunks', 'lastChunk', 'terminator', 'trailers', 'bodyLength', 'complete', 'anomalies']);
    expect(exchange.response.chunks[0]).toEqual({ index: 0, offset: 47, sizeToken: '4', size: 4, extensions: '', dataOffset: 50, dataLength: 4, crlf: true });
    expect(exchange.response.timing.chunks).toHaveLength(2);
    expect(exchange.request.startLine).toBe('GET / HTTP/1.1');
    expect(json.connection).toMatchObject({ endedBy: 'server', how: 'fin', afterRequests: 1, answered: 1, sentence: expect.stringContaining('after request #1') });
  });
});

describe('check over https', () => {
  it('refuses an origin whose certificate it cannot verify, and says what to do', async () => {
    const world = await tlsWorld();
    const server = await tlsOrigin(world, [request(), write(ok()), fin()]);
    cleanups.push(() => server.close());
    const failure = await runCheck(options(server.httpsUrl)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CouldNotCheck);
    expect((failure as Error).message).toMatch(/^the TLS handshake with 127\.0\.0\.1:\d+ failed: .*certificate.*; for a test server run with --insecure, or trust its root with --ca FILE$/);
  });

  it('checks with --insecure and with --ca, and tells close_notify from a bare FIN', async () => {
    const world = await tlsWorld();
    const clean = await tlsOrigin(world, () => [request(), write(ok()), fin()]);
    const cut = await tlsOrigin(world, [request(), write(ok()), truncate()]);
    cleanups.push(() => clean.close(), () => cut.close());
    const insecure = await check(clean.httpsUrl, { insecure: true });
    expect(insecure.verdict.compliant).toBe(true);
    expect(insecure.run.tls).toMatchObject({ alpn: 'http/1.1', authorized: false });
    expect(insecure.run.end.how).toBe('close-notify');
    expect(insecure.text).toContain('certificate NOT verified (--insecure)');
    expect(insecure.text).toContain('the server closed the TLS session (close_notify) after request #1');
    const trusted = await check(clean.httpsUrl, { ca: [world.originCa.certPem] });
    expect(trusted.run.tls).toMatchObject({ authorized: true });
    expect(trusted.text).toContain('certificate verified');
    const truncated = await check(cut.httpsUrl, { ca: [world.originCa.certPem] });
    expect(truncated.run.end.how).toBe('fin');
    expect(truncated.text).toContain('the server closed the connection (FIN) without close_notify after request #1');
    expect(truncated.verdict.compliant).toBe(true);
    expect(truncated.verdict.findings.map((f) => f.code)).toEqual(['no-close-notify']);
  });
});

describe('check: why it could not connect', () => {
  it('says it in words, with what to try', () => {
    const error = (code: string, message = code) => Object.assign(new Error(message), { code });
    expect(connectFailure(error('ENOTFOUND'), 'nowhere.invalid', false, 'nowhere.invalid').message).toBe('the name nowhere.invalid was not found (DNS): check the URL');
    expect(connectFailure(error('ECONNREFUSED'), '127.0.0.1:1', false, '127.0.0.1').message).toBe('the connection to 127.0.0.1:1 was refused: nothing listens there (is the server running, and on that port?)');
    expect(connectFailure(error('EPROTO', 'the TLS handshake with the origin failed: wrong version number'), 'h.test:443', true, 'h.test').message).toBe(
      'the TLS handshake with h.test:443 failed: wrong version number; is it a plain HTTP server? (use an http:// URL)',
    );
  });
});

describe('check: responses that never end, and framing that is lost', () => {
  it('stops a response still streaming at --max-time, says so as a warning, and checks the framing so far', async () => {
    const heartbeat = Array.from({ length: 40 }, () => [write('9\r\n: ping\n\n\n\r\n'), wait(100)]).flat();
    const o = await origin([request(), write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'), ...heartbeat, fin()]);
    cleanups.push(() => o.close());
    const started = Date.now();
    const { run, verdict, text } = await check(`${o.url}/events`, { maxTimeSeconds: 1, timeoutSeconds: 5 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(run.end).toMatchObject({ by: 'chunkscope', reason: 'max-time' });
    expect(verdict.findings.map((f) => [f.code, f.severity])).toContainEqual(['max-time', 'warning']);
    expect(verdict.compliant).toBe(true);
    expect(text).toMatch(/stopped reading after --max-time 1 s/);
  });

  it('stops at once when a response’s framing is lost, without a false stall', async () => {
    const o = await origin([request(), write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n'), hold()]);
    cleanups.push(() => o.close());
    const started = Date.now();
    const { run, verdict } = await check(`${o.url}/broken`, { timeoutSeconds: 5 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run.stall).toBeNull();
    expect(run.end).toMatchObject({ by: 'chunkscope', reason: 'framing-lost' });
    expect(verdict.findings.map((f) => f.code)).not.toContain('stall');
    expect(verdict.compliant).toBe(false);
  });
});

