// `chunkscope check URL` as CI runs it: the report, and the exit status (0 compliant,
// 1 not compliant, 2 could not check), against local origins that misbehave on purpose.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { response, text } from '../http1/test-support/builders';
import { inspectRaw } from '../inspect/raw';
import { fin, hold, origin, request, rst, wait, write, type Origin, type Step } from '../proxy/test-support/origin';
import { tlsOrigin, tlsWorld } from '../tls/test-support/tls-world';
import { runCli, tempFile } from './test-support/run-cli';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(steps: Step[] | ((index: number) => Step[])): Promise<Origin> {
  const o = await origin(steps);
  cleanups.push(() => o.close());
  return o;
}

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });

/** One line on stderr, nothing on stdout, exit 2. */
function couldNotRun(result: { status: number | null; stdout: string; stderr: string }): string {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr.trim();
}

describe('chunkscope check: exit status and report', () => {
  it('a compliant chunked server: exit 0, the ledger with the size tokens as sent', async () => {
    const server = await serve([request(), write(response({ chunks: [{ size: 1500, token: '05DC' }, { size: 10, token: 'a' }] })), fin()]);
    const { status, stdout, stderr } = await runCli(['check', `${server.url}/feed`]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(`check GET ${server.url}/feed`);
    expect(stdout).toMatch(/1\s+47\s+05DC\s+1,500\s+1,500\s+ok/);
    expect(stdout).toMatch(/2\s+1,555\s+a\s+10\s+10\s+ok/);
    expect(stdout).toContain('last chunk  "0" at byte 1,570');
    expect(stdout).toContain('connection  the server closed the connection (FIN) after request #1: 1 of 1 request answered');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('verdict: compliant');
    expect(server.connections[0]!.received.toString('latin1')).toMatch(/^GET \/feed HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nUser-Agent: chunkscope\/\d+\.\d+\.\d+\r\nAccept: \*\/\*\r\nConnection: close\r\n\r\n$/);
  });

  it('a missing last chunk (FIN): exit 1 with the sentence', async () => {
    const server = await serve([request(), write(twoChunksNoEnd), fin()]);
    const { status, stdout } = await runCli(['check', server.url]);
    expect(status).toBe(1);
    expect(stdout).toContain('last chunk  missing');
    expect(stdout).toContain('✗ missing-terminator at byte 2,966: the server closed the connection (FIN) after chunk #2, at byte 2,966; the zero-length last chunk never arrived');
    expect(stdout).toContain('verdict: NOT COMPLIANT (1 error)');
  });

  it('an RST in the middle of a chunk: exit 1, and it says RST', async () => {
    const server = await serve([request(), write(twoChunksNoEnd.subarray(0, 2259)), wait(50), rst()]);
    const { status, stdout } = await runCli(['check', server.url]);
    expect(status).toBe(1);
    expect(stdout).toContain('✗ truncated-chunk-data at byte 2,259: the server reset the connection (RST) in the middle of chunk #2: 700 of 1,405 bytes arrived');
    expect(stdout).toContain('connection  the server reset the connection (RST) during response #1');
  });

  it('a stall: exit 1 after --timeout, with the byte where it stopped', async () => {
    const server = await serve([request(), write(twoChunksNoEnd.subarray(0, 2259)), hold()]);
    const started = performance.now();
    const { status, stdout } = await runCli(['check', server.url, '--timeout', '0.5'], { timeoutMs: 10_000 });
    expect(performance.now() - started).toBeLessThan(8000);
    expect(status).toBe(1);
    expect(stdout).toMatch(/✗ stall: no byte for 0\.\d s while waiting for the data of chunk #2 \(700 of 1,405 bytes\), at byte 2,259; Chunkscope gave up after --timeout 0\.5 s/);
    expect(stdout).toContain('connection  Chunkscope gave up on the stalled response #1 and closed the connection (FIN): 0 of 1 request answered');
  });

  it('a bad chunk-size token: exit 1, the anomaly code and its offset', async () => {
    const server = await serve([request(), write(text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1G\r\nx\r\n0\r\n\r\n')), fin()]);
    const { status, stdout } = await runCli(['check', server.url]);
    expect(status).toBe(1);
    expect(stdout).toMatch(/✗ invalid-chunk-size at byte 48: /);
  });

  it('prints the trailers', async () => {
    const server = await serve([request(), write(response({ chunks: [3], trailers: [['Checksum', 'sha256=abc'], ['X-Items', '1']] })), fin()]);
    const { status, stdout } = await runCli(['check', server.url]);
    expect(status).toBe(0);
    expect(stdout).toContain('trailers: Checksum: sha256=abc; X-Items: 1');
  });
});

describe('chunkscope check --keepalive N', () => {
  const answer = response({ chunks: [5] });

  it('a server that closes after 2 of 3 requests: exit 1, after how many and how (FIN)', async () => {
    const server = await serve([request(), write(answer), request(), write(answer), fin()]);
    const { status, stdout } = await runCli(['check', server.url, '--keepalive', '3']);
    expect(status).toBe(1);
    expect(stdout).toContain('3 requests on one keep-alive connection');
    expect(stdout).toMatch(/connection {2}the server closed the connection \(FIN\) after request #2: 2 of 3 requests answered/);
    // Request #3 may have left before the FIN came (then it was sent and never answered) or not.
    expect(stdout).toMatch(
      /✗ closed-early: the server closed the keep-alive connection \(FIN\) (after answering 2 requests on it; request #3 was sent \(no body\) and never answered|after 2 of 3 requests without announcing it \(no "Connection: close" in response #2\))/,
    );
    expect(stdout.match(/closed-early/g)).toHaveLength(1);
  });

  it('a server that keeps the connection alive: exit 0, still open, closed by Chunkscope', async () => {
    const server = await serve([request(), write(answer), request(), write(answer), hold()]);
    const { status, stdout } = await runCli(['check', server.url, '--keepalive', '2', '--keepalive-wait', '0.2']);
    expect(status).toBe(0);
    expect(stdout).toContain('connection  still open after 2 requests (2 of 2 requests answered); Chunkscope closed it (FIN) after waiting 0.2 s');
    expect(server.connections).toHaveLength(1);
  });
});

describe('chunkscope check: what it sends', () => {
  it('--chunked --body-file --chunk-size: the origin receives exactly those chunks', async () => {
    const server = await serve([request(), write(response({ body: 'thanks' })), fin()]);
    const body = Buffer.alloc(10_000, 'b');
    const file = tempFile('body.bin', body);
    const { status, stdout } = await runCli(['check', server.url, '--chunked', '--body-file', file, '--chunk-size', '4096']);
    expect(status).toBe(0);
    const [sent] = inspectRaw([server.connections[0]!.received], { direction: 'request', eof: 'open', methods: null, body: true }).messages;
    expect(sent!.request).toMatchObject({ method: 'POST', target: '/' });
    expect(sent!.chunks!.map((c) => c.size)).toEqual([4096, 4096, 1808]);
    expect(sent!.complete).toBe(true);
    expect(stdout).toContain('request #1  POST / · chunked: 3 chunks, 10,000 bytes of data');
  });

  it('--method and --header are sent as given', async () => {
    const server = await serve([request(), write(response({ body: 'ok' })), fin()]);
    const { status } = await runCli(['check', `${server.url}/x`, '-X', 'PUT', '--header', 'X-Token: abc 123', '-H', 'User-Agent: ci-bot/2', '--body-file', tempFile('b.txt', Buffer.from('hello'))]);
    expect(status).toBe(0);
    const head = server.connections[0]!.received.toString('latin1');
    expect(head.split('\r\n').slice(0, 7)).toEqual([`PUT /x HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'User-Agent: ci-bot/2', 'Accept: */*', 'Content-Length: 5', 'Connection: close', 'X-Token: abc 123']);
    expect(head.endsWith('\r\n\r\nhello')).toBe(true);
  });
});

describe('chunkscope check over https', () => {
  it('fails with exit 2 and a clear reason without --insecure; works with --insecure and with --ca', async () => {
    const world = await tlsWorld();
    const server = await tlsOrigin(world, () => [request(), write(response({ chunks: [4, 4] })), fin()]);
    cleanups.push(() => server.close());
    const refused = couldNotRun(await runCli(['check', server.httpsUrl]));
    expect(refused).toMatch(/^chunkscope check: the TLS handshake with 127\.0\.0\.1:\d+ failed: the origin's certificate was issued by an authority this machine does not trust.*; for a test server run with --insecure, or trust its root with --ca FILE$/);
    const insecure = await runCli(['check', server.httpsUrl, '--insecure']);
    expect(insecure.status).toBe(0);
    expect(insecure.stdout).toContain('certificate NOT verified (--insecure)');
    expect(insecure.stdout).toContain('the server closed the TLS session (close_notify) after request #1');
    const trusted = await runCli(['check', server.httpsUrl, '--ca', world.originCaFile]);
    expect(trusted.status).toBe(0);
    expect(trusted.stdout).toMatch(/TLS TLSv1\.3 · \S+ · ALPN http\/1\.1/);
    expect(trusted.stdout).toContain('certificate verified');
  });
});

describe('chunkscope check --json', () => {
  it('prints the document of CHECK.md; the exit status still says the verdict', async () => {
    const server = await serve([request(), write(twoChunksNoEnd), fin()]);
    const { status, stdout } = await runCli(['check', server.url, '--json']);
    expect(status).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      url: `${server.url}/`,
      verdict: 'not-compliant',
      errors: 1,
      requests: { planned: 1, sent: 1, answered: 0 },
      connection: { endedBy: 'server', how: 'fin', afterRequests: 1, answered: 0 },
      findings: [],
      stall: null,
    });
    const { response: m } = json.exchanges[0];
    expect(m).toMatchObject({ framing: 'chunked', terminator: false, lastChunk: null, complete: false });
    expect(m.chunks.map((c: { sizeToken: string }) => c.sizeToken)).toEqual(['5DC', '57D']);
    expect(m.anomalies).toEqual([expect.objectContaining({ code: 'missing-terminator', offset: 2966, class: 'E' })]);
  });
});

describe('when check cannot run: exit 2, one line', () => {
  it('a refused connection', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(couldNotRun(await runCli(['check', `http://127.0.0.1:${port}/`]))).toBe(`chunkscope check: the connection to 127.0.0.1:${port} was refused: nothing listens there (is the server running, and on that port?)`);
  });

  it('bad arguments', async () => {
    const url = 'http://127.0.0.1:9/';
    expect(couldNotRun(await runCli(['check']))).toContain("missing required argument 'url'");
    expect(couldNotRun(await runCli(['check', 'ftp://example.test/']))).toBe('chunkscope check: only http:// and https:// URLs can be checked (got "ftp://example.test/")');
    expect(couldNotRun(await runCli(['check', 'not a url']))).toContain('cannot be read');
    expect(couldNotRun(await runCli(['check', url, '--keepalive', '0']))).toContain('--keepalive is a whole number of at least 1');
    expect(couldNotRun(await runCli(['check', url, '--chunk-size', '100']))).toBe('chunkscope check: --chunk-size goes with --chunked (send the body chunked)');
    expect(couldNotRun(await runCli(['check', url, '--header', 'no colon']))).toContain('a header is "Name: value"');
    expect(couldNotRun(await runCli(['check', url, '--timeout', '0']))).toContain('a number of seconds above 0');
    expect(couldNotRun(await runCli(['check', url, '--body-file', '/nonexistent/body']))).toBe('chunkscope check: cannot read the body file /nonexistent/body: no such file');
    expect(couldNotRun(await runCli(['check', url, '--insecure']))).toBe('chunkscope check: --insecure and --ca are for https:// URLs');
    expect(couldNotRun(await runCli(['check', url, '-X', 'CONNECT']))).toContain('CONNECT opens a tunnel');
  });

  it('is listed in --help', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('check [options] <url>');
  });
});
