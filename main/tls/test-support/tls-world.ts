// A world for HTTPS tests: an origin CA made in the test (the origin's certificate comes
// from it), Chunkscope's own CA in a temporary data directory, a proxy that intercepts,
// and curl / Node clients that go through it or straight to the origin.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tls from 'node:tls';
import { curl, type CurlResult } from '../../proxy/test-support/clients';
import { startProxy, type Harness } from '../../proxy/test-support/harness';
import { origin, type Origin, type Step } from '../../proxy/test-support/origin';
import { CertificateAuthority } from '../ca';
import { https as httpsInterception, type HttpsOptions } from '../index';

export interface TlsWorld {
  /** The authority the test origins' certificates come from (not Chunkscope's). */
  originCa: CertificateAuthority;
  originCaFile: string;
  /** Chunkscope's CA, as a client would export it. */
  ca: CertificateAuthority;
  caFile: string;
  dir: string;
}

export async function tlsWorld(): Promise<TlsWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-tls-'));
  const originCa = await CertificateAuthority.load(join(dir, 'origin-ca'));
  const ca = await CertificateAuthority.load(join(dir, 'data'));
  const originCaFile = join(dir, 'origin-ca.pem');
  const caFile = join(dir, 'chunkscope-ca.pem');
  writeFileSync(originCaFile, originCa.certPem);
  writeFileSync(caFile, ca.certPem);
  return { originCa, originCaFile, ca, caFile, dir };
}

/** A scripted origin serving TLS with a certificate for `name` from the origin CA. */
export async function tlsOrigin(world: TlsWorld, steps: Step[] | ((index: number) => Step[]), name = '127.0.0.1'): Promise<Origin & { httpsUrl: string }> {
  const leaf = await world.originCa.leaf(name);
  const server = await origin(steps, { tls: tls.createSecureContext({ key: leaf.key, cert: leaf.cert }) });
  return { ...server, httpsUrl: `https://${name}:${server.port}` };
}

/** An intercepting proxy that trusts the origin CA (as the system store would a public one). */
export async function interceptingProxy(world: TlsWorld, options: Partial<HttpsOptions> = {}, proxy: Parameters<typeof startProxy>[0] = {}): Promise<Harness> {
  const { intercept } = await httpsInterception({
    noIntercept: options.noIntercept ?? [],
    insecureUpstream: options.insecureUpstream ?? false,
    extraRoots: options.extraRoots ?? [world.originCa.certPem],
    dir: join(world.dir, 'data'),
    serverFirstMs: options.serverFirstMs,
  });
  return startProxy({ ...proxy, intercept });
}

/** curl straight to the origin, trusting the origin CA. */
export function curlDirect(world: TlsWorld, url: string, args: string[] = []): Promise<CurlResult> {
  return curl(['--cacert', world.originCaFile, ...args, url]);
}

/** curl through the proxy, trusting Chunkscope's CA; the CONNECT's own response is not shown. */
export function curlProxied(world: TlsWorld, proxy: Harness, url: string, args: string[] = []): Promise<CurlResult> {
  return curl(['--cacert', world.caFile, '--suppress-connect-headers', '-x', proxy.url, ...args, url]);
}

export interface NodeResult {
  status: number | null;
  body: Buffer;
  /** How the response ended for Node: 'end', or the error's code. */
  outcome: string;
}

function collect(request: http.ClientRequest): Promise<NodeResult> {
  return new Promise((resolve) => {
    let status: number | null = null;
    const body: Buffer[] = [];
    let done = false;
    const finish = (outcome: string) => {
      if (done) return;
      done = true;
      resolve({ status, body: Buffer.concat(body), outcome });
    };
    request.on('response', (response) => {
      status = response.statusCode ?? null;
      response.on('data', (d: Buffer) => body.push(d));
      response.on('end', () => finish('end'));
      response.on('aborted', () => finish('aborted'));
      response.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    });
    request.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    request.setTimeout(10_000, () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.end();
  });
}

/** Node's https straight to the origin. */
export function nodeDirect(world: TlsWorld, url: string): Promise<NodeResult> {
  return collect(https.request(url, { ca: world.originCa.certPem, agent: false }));
}

/** Node's https through the proxy: CONNECT with http, then TLS over the tunnel. */
export function nodeProxied(world: TlsWorld, proxy: Harness, url: string, ca = world.ca.certPem): Promise<NodeResult> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const connect = http.request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: target.host, agent: false });
    connect.on('connect', (response, socket: net.Socket) => {
      if (response.statusCode !== 200) return resolve({ status: response.statusCode ?? null, body: Buffer.alloc(0), outcome: 'connect refused' });
      // No agent: an agent would make its own connection and ignore createConnection.
      const request = https.request(url, {
        createConnection: () => tls.connect({ socket, ca, host: target.hostname, servername: target.hostname.match(/^[\d.]+$/) ? undefined : target.hostname }),
      });
      void collect(request).then(resolve);
    });
    connect.on('error', (e: NodeJS.ErrnoException) => resolve({ status: null, body: Buffer.alloc(0), outcome: e.code ?? e.message }));
    connect.end();
  });
}

export interface PythonResult {
  received: Buffer;
  /** How the TLS session ended, as Python's ssl tells them apart. */
  end: 'close-notify' | 'truncation' | 'rst' | string;
}

/** Python's ssl, straight or through the proxy (CONNECT): the one client here that names a truncation. */
export function python(url: string, cafile: string, proxy?: Harness): Promise<PythonResult> {
  const target = new URL(url);
  const script = fileURLToPath(new URL('./tls_client.py', import.meta.url));
  const args = [script, target.hostname, target.port, cafile, target.pathname, ...(proxy ? [String(proxy.port)] : [])];
  return new Promise((resolve, reject) => {
    execFile('python3', args, { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`python3 failed: ${error.message}\n${stderr}`));
      const result = JSON.parse(stdout) as { received: string; end: string };
      resolve({ received: Buffer.from(result.received, 'base64'), end: result.end });
    });
  });
}
