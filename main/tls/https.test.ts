// HTTPS interception, tried with real clients: through the proxy, curl (--cacert) and
// Node's https see what they see straight from a local TLS origin, the same bytes and the
// same ending, and the capture's chunk ledger is the one plain HTTP gives.

import { spawn } from 'node:child_process';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { response } from '../http1/test-support/builders';
import type { ConnectionReport } from '../../shared/capture';
import type { MessageRecord } from '../../shared/ledger';
import { curl } from '../proxy/test-support/clients';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, rst, truncate, wait, write, type Step } from '../proxy/test-support/origin';
import type { CaptureReport } from '../analysis/capture-analysis';
import { curlDirect, curlProxied, interceptingProxy, nodeDirect, nodeProxied, python, tlsOrigin, tlsWorld, type TlsWorld } from './test-support/tls-world';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let world: TlsWorld;
beforeAll(async () => {
  world = await tlsWorld();
});

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });
const rstMidChunk: Step[] = [request(), write(twoChunksNoEnd.subarray(0, twoChunksNoEnd.length - 707)), wait(50), rst()];

/** The decrypted connection (the one with TLS on both sides) and the CONNECT it came through. */
function decrypted(report: CaptureReport): { inner: ConnectionReport; outer: ConnectionReport } {
  const inner = report.connections.find((c) => c.tls?.client);
  expect(inner, 'a decrypted connection').toBeDefined();
  const outer = report.connections.find((c) => c.number === inner!.tls!.via);
  expect(outer, 'the CONNECT it came through').toBeDefined();
  return { inner: inner!, outer: outer! };
}

/** What the ledger says about a response, without times (they differ between runs). */
function ledger(message: MessageRecord | null | undefined) {
  if (!message) return null;
  return {
    framing: message.framing,
    chunks: message.chunks?.map(({ offset, sizeToken, size, extensions, dataLength, crlf }) => ({ offset, sizeToken, size, extensions, dataLength, crlf })),
    lastChunk: message.lastChunk ? { offset: message.lastChunk.offset } : null,
    anomalies: message.anomalies.map((a) => ({ code: a.code, offset: a.offset })),
    bodyLength: message.bodyLength,
    complete: message.complete,
  };
}

/** The same script over plain HTTP through a plain proxy: the ledger to compare with. */
async function plainLedger(steps: Step[]) {
  const server = await origin(steps);
  cleanups.push(() => server.close());
  const proxy = await startProxy();
  const result = await curl(['-x', proxy.url, `${server.url}/feed`]);
  await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the plain proxy to finish');
  const report = await proxy.finish();
  return { result, ledger: ledger(report.connections[0]!.exchanges[0]!.response) };
}

async function httpsScenario(steps: Step[], options: { name?: string; curlArgs?: string[] } = {}) {
  const server = await tlsOrigin(world, steps, options.name);
  cleanups.push(() => server.close());
  const proxy = await interceptingProxy(world);
  cleanups.push(() => proxy.finish());
  const url = `${server.httpsUrl}/feed`;
  const direct = await curlDirect(world, url, options.curlArgs);
  const proxied = await curlProxied(world, proxy, url, options.curlArgs);
  await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
  const report = await proxy.finish();
  return { server, direct, proxied, report, ...decrypted(report) };
}

function closes(c: ConnectionReport) {
  return c.closes.map((x) => [x.side, x.kind, x.by]);
}

describe('curl --cacert through the intercepting proxy sees what it sees directly', () => {
  it('a whole chunked response: same bytes, exit 0, and the TLS of each side is recorded', async () => {
    const whole = response({ chunks: [{ data: 'first ' }, { data: 'second' }] });
    const { direct, proxied, inner, outer } = await httpsScenario([request(), write(whole), fin()]);
    expect(direct.status).toBe(0);
    expect(proxied.status).toBe(0);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(inner.exchanges[0]!.request!.startLine).toMatch(/^GET \/feed HTTP\/1.1$/);
    expect(inner.exchanges[0]!.response!.chunks!.map((c) => c.sizeToken)).toEqual(['6', '6']);
    expect(inner.tls!.client).toMatchObject({ alpn: 'http/1.1', version: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(inner.tls!.upstream).toMatchObject({ alpn: 'http/1.1', authorized: true, authorizationError: null });
    expect(inner.tls!.upstream!.peer).toContain('issued by Chunkscope CA');
    // The CONNECT is a connection of its own, its TCP ends those of the TLS session.
    expect(outer.exchanges[0]!.request!.startLine).toMatch(/^CONNECT 127\.0\.0\.1:\d+ HTTP\/1.1$/);
  });

  it('missing last chunk, then close_notify: same bytes, curl exits 18 both ways; the ledger is the plain-HTTP one', async () => {
    const steps = [request(), write(twoChunksNoEnd), wait(20), fin()];
    const { direct, proxied, inner } = await httpsScenario(steps);
    expect(direct.status).toBe(18);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const plain = await plainLedger(steps);
    expect(plain.result.status).toBe(18);
    expect(ledger(inner.exchanges[0]!.response)).toEqual(plain.ledger);
    expect(plain.ledger!.anomalies.map((a) => a.code)).toEqual(['missing-terminator']);
    expect(inner.exchanges[0]!.response!.anomalies[0]!.message).toBe(
      'the server closed the TLS session (close_notify) after chunk #2, at byte 2,966; the zero-length last chunk never arrived',
    );
    expect(closes(inner).slice(0, 2)).toEqual([
      ['upstream', 'close-notify', 'peer'],
      ['client', 'close-notify', 'proxy'],
    ]);
  });

  it('RST in the middle of a chunk: same bytes, same exit status; the RST is mirrored under TLS', async () => {
    const { direct, proxied, inner, outer } = await httpsScenario(rstMidChunk);
    expect(direct.status).toBe(56);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    const plain = await plainLedger(rstMidChunk);
    expect(ledger(inner.exchanges[0]!.response)).toEqual(plain.ledger);
    expect(plain.ledger!.anomalies.map((a) => a.code)).toEqual(['truncated-chunk-data']);
    expect(closes(inner).slice(0, 2)).toEqual([
      ['upstream', 'rst', 'peer'],
      ['client', 'rst', 'proxy'],
    ]);
    // The client's TCP connection is the CONNECT's: it ended with the RST too.
    expect(closes(outer)).toContainEqual(['client', 'rst', 'proxy']);
  });

  it('truncation (a FIN without close_notify): same bytes and exit status; recorded as a truncation', async () => {
    const steps = [request(), write(twoChunksNoEnd), wait(20), truncate()];
    const { direct, proxied, inner } = await httpsScenario(steps);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(closes(inner).slice(0, 2)).toEqual([
      ['upstream', 'fin', 'peer'],
      ['client', 'fin', 'proxy'],
    ]);
    expect(inner.exchanges[0]!.response!.anomalies[0]!.message).toBe(
      'the server closed the connection (FIN) without close_notify after chunk #2, at byte 2,966; the zero-length last chunk never arrived',
    );
  });

  it('SNI: a DNS name gets a leaf for that name; curl --http2 is still answered in HTTP/1.1', async () => {
    const whole = response({ chunks: [{ data: 'named' }] });
    const { direct, proxied, inner } = await httpsScenario([request(), write(whole), fin()], { name: 'localhost', curlArgs: ['--http2'] });
    expect(direct.status).toBe(0);
    expect(proxied.status).toBe(0);
    expect(proxied.output.equals(direct.output)).toBe(true);
    expect(proxied.output.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(inner.tls!.client).toMatchObject({ sni: 'localhost', alpn: 'http/1.1' });
  });
});

describe('the three ends of a TLS session are mirrored (Python ssl tells them apart)', () => {
  async function ending(steps: Step[]) {
    const server = await tlsOrigin(world, steps);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const url = `${server.httpsUrl}/feed`;
    const direct = await python(url, world.originCaFile);
    const proxied = await python(url, world.caFile, proxy);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
    return { direct, proxied, ...decrypted(await proxy.finish()) };
  }

  it('close_notify then FIN', async () => {
    const { direct, proxied } = await ending([request(), write(twoChunksNoEnd), wait(20), fin()]);
    expect(direct.end).toBe('close-notify');
    expect(proxied).toEqual(direct);
  });

  it('a FIN without close_notify (truncation)', async () => {
    const { direct, proxied } = await ending([request(), write(twoChunksNoEnd), wait(20), truncate()]);
    expect(direct.end).toBe('truncation');
    expect(proxied).toEqual(direct);
  });

  it('4 MiB written at once, then a truncation: every byte reaches the client before the bare FIN', async () => {
    const big = response({ chunks: Array.from({ length: 64 }, () => 65536), terminator: false });
    const { direct, proxied, inner } = await ending([request(), write(big), truncate()]);
    expect(direct.end).toBe('truncation');
    expect(direct.received.length).toBe(big.length);
    expect(proxied.end).toBe('truncation');
    expect(proxied.received.equals(direct.received)).toBe(true);
    expect(inner.exchanges[0]!.response!.chunks).toHaveLength(64);
  });

  it('4 MiB written at once, then close_notify: every byte, then the close_notify', async () => {
    const big = response({ chunks: Array.from({ length: 64 }, () => 65536) });
    const { direct, proxied } = await ending([request(), write(big), fin()]);
    expect(direct.end).toBe('close-notify');
    expect(proxied.end).toBe('close-notify');
    expect(proxied.received.equals(direct.received)).toBe(true);
    expect(proxied.received.length).toBe(big.length);
  });

  it('an RST', async () => {
    const { direct, proxied } = await ending(rstMidChunk);
    expect(direct.end).toBe('rst');
    expect(proxied).toEqual(direct);
  });

  it('a close-delimited body cut without close_notify is flagged as possibly incomplete', async () => {
    const closeDelimited = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, or is it?';
    const { direct, proxied, inner } = await ending([request(), write(closeDelimited), wait(20), truncate()]);
    expect(direct.end).toBe('truncation');
    expect(proxied).toEqual(direct);
    const anomalies = inner.exchanges[0]!.response!.anomalies;
    expect(anomalies.map((a) => a.code)).toEqual(['truncated-body']);
    expect(anomalies[0]!.message).toContain('without close_notify');
    expect(inner.exchanges[0]!.response!.complete).toBe(false);
  });

  it('the same close-delimited body ended with close_notify is complete', async () => {
    const closeDelimited = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it';
    const { direct, proxied, inner } = await ending([request(), write(closeDelimited), wait(20), fin()]);
    expect(direct.end).toBe('close-notify');
    expect(proxied).toEqual(direct);
    expect(inner.exchanges[0]!.response!.anomalies).toEqual([]);
    expect(inner.exchanges[0]!.response!.complete).toBe(true);
  });
});

describe("Node's https through CONNECT sees what it sees directly", () => {
  async function nodeScenario(steps: Step[]) {
    const server = await tlsOrigin(world, steps);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const url = `${server.httpsUrl}/feed`;
    const direct = await nodeDirect(world, url);
    const proxied = await nodeProxied(world, proxy, url);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish its connections');
    const report = await proxy.finish();
    return { direct, proxied, ...decrypted(report) };
  }

  it('a whole response, then a missing terminator, then an RST mid-chunk', async () => {
    const whole = response({ chunks: [{ data: 'a'.repeat(3000) }, { data: 'b' }] });
    let r = await nodeScenario([request(), write(whole), fin()]);
    expect(r.direct).toMatchObject({ status: 200, outcome: 'end' });
    expect(r.proxied).toEqual(r.direct);

    r = await nodeScenario([request(), write(twoChunksNoEnd), wait(20), fin()]);
    expect(r.direct.outcome).not.toBe('end');
    expect(r.proxied).toEqual(r.direct);
    expect(r.inner.exchanges[0]!.response!.anomalies.map((a) => a.code)).toEqual(['missing-terminator']);

    r = await nodeScenario(rstMidChunk);
    expect(r.direct.outcome).not.toBe('end');
    expect(r.proxied).toEqual(r.direct);
    expect(r.proxied.body.length).toBe(1500 + 700);
  });
});

describe('TLS failures, reported per connection in plain words', () => {
  it('a client that does not trust the Chunkscope CA: curl exits 60 and the CONNECT says the client refused our certificate', async () => {
    const server = await tlsOrigin(world, [request(), write(response()), fin()]);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const refused = await curl(['--cacert', world.originCaFile, '-x', proxy.url, `${server.httpsUrl}/feed`]);
    expect(refused.status).toBe(60);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish');
    const report = await proxy.finish();
    const outer = report.connections.find((c) => c.tls?.failure);
    expect(outer?.tls?.failure?.side).toBe('client');
    expect(outer!.tls!.failure!.reason).toContain("the client refused Chunkscope's certificate for 127.0.0.1");
    expect(outer!.tls!.failure!.reason).toContain('does not trust the Chunkscope CA');
    expect(outer!.tls!.failure!.reason).toContain(world.ca.spki());
    // The origin saw at most the TLS connection Chunkscope opened alongside; no request reached it.
    expect(server.connections.every((c) => c.received.length === 0)).toBe(true);
  });

  it("Node refusing our certificate is reported the same way", async () => {
    const server = await tlsOrigin(world, [request(), write(response()), fin()]);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const refused = await nodeProxied(world, proxy, `${server.httpsUrl}/feed`, world.originCa.certPem);
    expect(refused.outcome).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish');
    const report = await proxy.finish();
    const failure = report.connections.map((c) => c.tls?.failure).find(Boolean);
    expect(failure?.reason).toMatch(/Chunkscope's certificate/);
  });

  it("a self-signed origin: 502 with the reason in words; with --insecure-upstream it goes through", async () => {
    const selfSigned = await tlsWorld(); // an authority the proxy does not trust
    const whole = response({ chunks: [{ data: 'test origin' }] });
    const server = await tlsOrigin(selfSigned, () => [request(), write(whole), fin()]);
    cleanups.push(() => server.close());

    const strict = await interceptingProxy(world);
    cleanups.push(() => strict.finish());
    const refused = await curlProxied(world, strict, `${server.httpsUrl}/feed`);
    expect(refused.status).toBe(0);
    const text = refused.output.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 502 /);
    expect(text).toContain('issued by an authority this machine does not trust');

    const insecure = await interceptingProxy(world, { insecureUpstream: true });
    cleanups.push(() => insecure.finish());
    const accepted = await curlProxied(world, insecure, `${server.httpsUrl}/feed`);
    expect(accepted.status).toBe(0);
    expect(accepted.output.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*test origin/);
    await eventually(() => insecure.proxy.connectionCount === 0, 5000, 'the proxy to finish');
    const { inner } = decrypted(await insecure.finish());
    expect(inner.tls!.upstream).toMatchObject({ authorized: false });
    expect(inner.tls!.upstream!.authorizationError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });
});

/** openssl s_client through the proxy (CONNECT), with the given protocol and cipher options. */
function sClient(proxyPort: number, originPort: number, options: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-proxy', `127.0.0.1:${proxyPort}`, '-connect', `127.0.0.1:${originPort}`, ...options], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

describe('no protocol version or cipher in common', () => {
  it('with the client (TLS 1.1 only; a NULL cipher only): reported in those words', async () => {
    const server = await tlsOrigin(world, () => [request(), write(response()), fin()]);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const old = await sClient(proxy.port, server.port, ['-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
    expect(old.status).not.toBe(0);
    const nullCipher = await sClient(proxy.port, server.port, ['-tls1_2', '-cipher', 'NULL-SHA256:@SECLEVEL=0']);
    expect(nullCipher.status).not.toBe(0);
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish');
    const failures = (await proxy.finish()).connections.map((c) => c.tls?.failure).filter(Boolean);
    expect(failures.map((f) => f!.side)).toEqual(['client', 'client']);
    expect(failures[0]!.reason).toBe(
      'no TLS protocol version in common with the client for 127.0.0.1: it offered only versions Chunkscope does not accept (unsupported protocol); Chunkscope speaks TLS 1.2 and 1.3',
    );
    expect(failures[1]!.reason).toBe('no cipher in common with the client for 127.0.0.1: none of the ciphers it offered is one Chunkscope accepts (no shared cipher)');
  });

  it('with the origin (TLS 1.0 and 1.1 only): a 502 that says so', async () => {
    const leaf = await world.originCa.leaf('127.0.0.1');
    const legacy = tls.createSecureContext({ key: leaf.key, cert: leaf.cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    const server = await origin(() => [request(), write(response()), fin()], { tls: legacy });
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world);
    cleanups.push(() => proxy.finish());
    const result = await curlProxied(world, proxy, `https://127.0.0.1:${server.port}/feed`);
    expect(result.status).toBe(0);
    const text = result.output.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 502 /);
    expect(text).toContain(
      `Chunkscope could not connect to 127.0.0.1:${server.port}: no TLS protocol version in common with the origin: it does not speak one Chunkscope accepts (tlsv1 alert protocol version); Chunkscope speaks TLS 1.2 and 1.3`,
    );
  });
});

describe('--no-intercept', () => {
  it('a host matching a glob stays an opaque tunnel: the client sees the origin certificate', async () => {
    const whole = response({ chunks: [{ data: 'tunnelled' }] });
    const server = await tlsOrigin(world, [request(), write(whole), fin()]);
    cleanups.push(() => server.close());
    const proxy = await interceptingProxy(world, { noIntercept: ['127.0.0.*'] });
    cleanups.push(() => proxy.finish());
    // Trusting only the origin CA works only if the proxy did not intercept.
    const result = await curl(['--cacert', world.originCaFile, '--suppress-connect-headers', '-x', proxy.url, `${server.httpsUrl}/feed`]);
    expect(result.status).toBe(0);
    expect(result.output.toString('latin1')).toContain('tunnelled');
    await eventually(() => proxy.proxy.connectionCount === 0, 5000, 'the proxy to finish');
    const report = await proxy.finish();
    expect(report.connections).toHaveLength(1);
    expect(report.connections[0]!.tls).toBeNull();
    expect(report.connections[0]!.exchanges[0]!.request!.startLine).toMatch(/^CONNECT /);
  });
});
