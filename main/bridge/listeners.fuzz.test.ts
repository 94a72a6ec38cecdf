// Fuzz: what `chunkscope serve` listens on (the UI bridge and the proxy) against random
// request targets, methods, headers, bodies and WebSocket upgrades (with and without the
// token, then random frames), as any web page or client could send them. Each listener
// must answer in HTTP or close, and still answer a normal request afterwards.
//
// CI runs a bounded count with a fixed seed; for a long local run:
//   CHUNKSCOPE_FUZZ_RUNS=100000 npx vitest run main/bridge/listeners.fuzz.test.ts
// (CHUNKSCOPE_FUZZ_SEED picks another seed; a failure prints the seed and path to replay it.)

import fc from 'fast-check';
import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { Bridge } from './bridge';

const RUNS = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 20_140_014);
const TOKEN = 'fuzz-token-0123456789abcdef';
/** Generous: a hang fails the test, a slow machine does not (a long run takes its time). */
const TIMEOUT_MS = 60_000 + RUNS * 20;
/** A new session this often, as a user clears it: the engine's work per connection grows with the session. */
const CLEAR_EVERY = 1000;

let engine: Engine;
let bridge: Bridge;
let origin: net.Server;
let ports: { bridge: number; proxy: number; origin: number };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chunkscope</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  // An origin that answers whatever it gets, once the client has sent its all.
  origin = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('end', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\norigin says ok\n'));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  let uiPort: number | null = null;
  engine = new Engine({ proxyHost: '127.0.0.1', proxyPort: 0, reverse: null, stallSeconds: 2, uiPort: () => uiPort });
  const proxy = new URL((await engine.start()).proxy);
  bridge = new Bridge(engine, { host: '127.0.0.1', port: 0, rendererDir: dir, token: TOKEN });
  uiPort = (await bridge.listen()).port;
  ports = { bridge: uiPort, proxy: Number(proxy.port), origin: (origin.address() as net.AddressInfo).port };
});

afterAll(async () => {
  await bridge?.close();
  await engine?.close();
  await new Promise((resolve) => origin?.close(resolve));
});

/**
 * Send the bytes, half-close, and read until the listener ends the connection. (Node's
 * HTTP server, the bridge's, drops a request whose client half-closed before it was
 * answered: the answer is often nothing, and that is fine here.)
 */
function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined); // a reset is an acceptable way to end
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('end', () => socket.destroy());
  });
}

// ---- generators -----------------------------------------------------------------------

const latin1 = (max: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max });
const printable = (max: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });
const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'PATCH', 'TRACE', 'PRI', 'get'),
  printable(12),
  latin1(12),
);
const version = fc.oneof(fc.constant('HTTP/1.1'), fc.constant('HTTP/1.1'), fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', ''), latin1(10));
const percent = fc.oneof(fc.constantFrom('%', '%E0%A4%A', '%2e%2e', '%00', '%ff', '%C0%AF', '%%', '%zz'), fc.integer({ min: 0, max: 255 }).map((n) => `%${n.toString(16)}`));
const segment = fc.oneof(fc.constantFrom('', '.', '..', 'api', 'ws', 'capture', 'har', 'assets', 'app.js', 'index.html', '\u00e9', '\u{1F600}'), percent, printable(8));
const query = fc.oneof(
  fc.constant(''),
  fc.constant(`?token=${TOKEN}`),
  fc.tuple(printable(6), fc.oneof(fc.constant(TOKEN), latin1(10), percent)).map(([k, v]) => `?token=${v}&${k}`),
  fc.tuple(fc.constantFrom('maxBody', 'name', 'token'), fc.oneof(printable(10), percent)).map(([k, v]) => `?${k}=${v}&token=${TOKEN}`),
  latin1(12).map((q) => `?${q}`),
);
const path = fc.tuple(fc.array(segment, { maxLength: 5 }), query).map(([segments, q]) => `/${segments.join('/')}${q}`);

/** Targets and Host values for the bridge: anything at all. */
function bridgeTarget(port: number) {
  const authority = fc.constantFrom(`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'evil.example', '', `127.0.0.1:${port}@x`);
  return fc.oneof(
    path,
    fc.constantFrom('//', '/%E0%A4%A', '*', '', ' ', '/api/ws', '/api/capture', '/api/har', '/index.html', '/assets/app.js', `/api/capture?token=${TOKEN}`),
    fc.tuple(fc.constantFrom('http://', 'ws://', 'HTTP://', 'x://'), authority, path).map(([s, a, p]) => `${s}${a}${p}`),
    latin1(40),
  );
}

/**
 * Targets and Host values for the proxy: anything, except names it would look up in DNS
 * (tests stay on loopback): authorities are local ports or cannot be parsed.
 */
function proxyTarget(local: string[]) {
  const unparsable = latin1(20).map((s) => `/${s}`);
  const authority = fc.oneof(fc.constantFrom(...local, '127.0.0.1:1', '127.0.0.1:0', '[::1:', '127.0.0.1:99999', ''), unparsable);
  return {
    authority,
    target: fc.oneof(
      path,
      fc.constantFrom('//', '/%E0%A4%A', '*', '', ' ', 'http://', 'http:///x', 'ftp://127.0.0.1/', 'https://127.0.0.1:1/'),
      fc.tuple(fc.constantFrom('http://', 'HTTP://', 'http://user:pw@', 'ws://'), authority, path).map(([s, a, p]) => `${s}${a}${p}`),
      authority,
      unparsable,
    ),
  };
}

const header = (host: fc.Arbitrary<string>) =>
  fc.oneof(
    host.map((h) => `Host: ${h}`),
    fc.constantFrom('Upgrade: websocket', 'Connection: Upgrade', 'Connection: close', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Transfer-Encoding: chunked', 'Expect: 100-continue', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Origin: http://evil.example', 'Origin: null'),
    fc.tuple(printable(12), latin1(30)).map(([n, v]) => `${n}: ${v}`),
    latin1(30),
  );

const request = (target: fc.Arbitrary<string>, host: fc.Arbitrary<string>) =>
  fc
    .record({ method, target, version, headers: fc.array(header(host), { maxLength: 8 }), eol: fc.constantFrom('\r\n', '\r\n', '\n'), body: fc.uint8Array({ maxLength: 64 }) })
    .map(({ method: m, target: t, version: v, headers, eol, body }) => Buffer.concat([Buffer.from(`${m} ${t} ${v}${eol}${headers.map((h) => h + eol).join('')}${eol}`, 'latin1'), body]));

/** A well-formed WebSocket upgrade, with the right token or another, then random frames. */
const upgrade = (port: number) =>
  fc
    .record({ token: fc.oneof(fc.constant(TOKEN), fc.constant(TOKEN), fc.constant(''), printable(30)), origin: fc.constantFrom(null, `http://127.0.0.1:${port}`, 'http://evil.example'), frames: fc.uint8Array({ maxLength: 200 }) })
    .map(({ token, origin: o, frames }) =>
      Buffer.concat([
        Buffer.from(
          `GET /api/ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${o ? `Origin: ${o}\r\n` : ''}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          'latin1',
        ),
        frames,
      ]),
    );

/** An answer is HTTP (or nothing: the connection was just closed). */
function isHttpOrNothing(answer: Buffer): boolean {
  return answer.length === 0 || answer.subarray(0, 7).toString('latin1') === 'HTTP/1.';
}

// ---- the properties -------------------------------------------------------------------

describe('fuzz: the listeners of serve survive any request', () => {
  it(`the UI bridge answers in HTTP or closes, for ${RUNS} random requests and upgrades, then still serves the UI`, async () => {
    const target = bridgeTarget(ports.bridge);
    const host = fc.oneof(fc.constant(`127.0.0.1:${ports.bridge}`), fc.constant(`127.0.0.1:${ports.bridge}`), latin1(20));
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: request(target, host) }, { weight: 1, arbitrary: upgrade(ports.bridge) }), async (bytes) => {
        expect(isHttpOrNothing(await exchange(ports.bridge, bytes))).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const page = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: ports.bridge, path: '/', headers: { host: `127.0.0.1:${ports.bridge}` } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(page).toMatchObject({ status: 200, body: expect.stringContaining('<title>Chunkscope</title>') });
  }, TIMEOUT_MS);

  it(`the proxy answers in HTTP or closes, for ${RUNS} random requests and upgrades, then still relays`, async () => {
    const local = [`127.0.0.1:${ports.origin}`, `localhost:${ports.origin}`, `127.0.0.1:${ports.bridge}`, `127.0.0.1:${ports.proxy}`, `localhost:${ports.proxy}`];
    const { authority, target } = proxyTarget(local);
    let sent = 0;
    const toOrigin = fc.constantFrom(`http://127.0.0.1:${ports.origin}/`, `http://127.0.0.1:${ports.origin}/api/ws?token=${TOKEN}`);
    const upgradeThrough = fc.tuple(toOrigin, upgrade(ports.origin)).map(([t, bytes]) => Buffer.from(bytes.toString('latin1').replace(/^GET \S+/, `GET ${t}`), 'latin1'));
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: request(target, authority) }, { weight: 1, arbitrary: upgradeThrough }), async (bytes) => {
        if (++sent % CLEAR_EVERY === 0) engine.clear();
        expect(isHttpOrNothing(await exchange(ports.proxy, bytes))).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const answer = await exchange(ports.proxy, Buffer.from(`GET http://127.0.0.1:${ports.origin}/after HTTP/1.1\r\nHost: 127.0.0.1:${ports.origin}\r\n\r\n`));
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 200 [\s\S]*origin says ok/);
  }, TIMEOUT_MS);
});
