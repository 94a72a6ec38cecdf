// `chunkscope run` as a user runs it: real clients (curl, wget, Python's urllib and
// requests, Node's http.get, https.get and fetch, git) against local origins, through a
// proxy of run's own. Each exchange must be in the capture, decrypted for https, tagged
// with the command; and run must exit with the command's status.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../cli/test-support/run-cli';
import { tlsWorld, type TlsWorld } from '../tls/test-support/tls-world';
import { commandLine } from './run-command';
import { capturedConnections, gitRepository, HELLO, localOrigin, type LocalOrigin } from './test-support/origins';

let world: TlsWorld;
let plain: LocalOrigin;
let secure: LocalOrigin;
let repo: ReturnType<typeof gitRepository>;

beforeAll(async () => {
  world = await tlsWorld();
  repo = gitRepository();
  plain = await localOrigin();
  secure = await localOrigin({ leafFrom: world.originCa, gitRoot: repo.root });
});
afterAll(async () => {
  await plain?.close();
  await secure?.close();
});

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  capture: string;
}

/**
 * `chunkscope run --capture FILE -- COMMAND…`. The proxy trusts the test origins' CA as
 * a system store would a public one (NODE_EXTRA_CA_CERTS of the proxy's own process); the
 * command is given nothing but what run gives it.
 */
function run(command: string[], runOptions: string[] = []): Promise<Ran> {
  const capture = join(mkdtempSync(join(tmpdir(), 'chunkscope-run-')), 'run.cscap');
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHUNKSCOPE_DATA_DIR: join(world.dir, 'data'), NODE_EXTRA_CA_CERTS: world.originCaFile };
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'NODE_OPTIONS']) delete env[name];
    const child = spawn(process.execPath, [BIN, 'run', '--capture', capture, ...runOptions, '--', ...command], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, capture });
    });
  });
}

/** The connections of the capture that carried `path`, each tagged with the command; https ones decrypted. */
function expectTaggedExchange(ran: Ran, command: string[], path: string, https: boolean): void {
  const connections = capturedConnections(ran.capture);
  const carrying = connections.filter((c) => new RegExp(`^(GET|POST) (https?://[^/]+)?${path.replace(/[?.]/g, '\\$&')}`, 'm').test(c.sent));
  expect(carrying.length, `no exchange for ${path} in the capture; stderr:\n${ran.stderr}`).toBeGreaterThan(0);
  for (const c of carrying) {
    expect(c.tag).toBe(commandLine(command));
    expect(c.launched).toBe('run');
    expect(c.decrypted).toBe(https);
    expect(c.received).toMatch(/^HTTP\/1\.1 200 /);
  }
  // Every connection the command made is tagged, the CONNECT tunnels included.
  for (const c of connections) expect(c.tag).toBe(commandLine(command));
}

const node = (script: string, url: string) => [process.execPath, '-e', script, url];
const NODE_GET = (module: 'http' | 'https') => `require('${module}').get(process.argv[1], (res) => { let body = ''; res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => console.log(res.statusCode, body)); }).on('error', (e) => { console.error(e.message); process.exit(3); });`;
const NODE_FETCH = `fetch(process.argv[1]).then((r) => r.text().then((t) => console.log(r.status, t))).catch((e) => { console.error(e.cause?.message ?? e.message); process.exit(3); });`;
const PY_URLLIB = 'import sys, urllib.request; r = urllib.request.urlopen(sys.argv[1]); print(r.status, r.read().decode())';
const PY_REQUESTS = 'import sys, requests; r = requests.get(sys.argv[1]); print(r.status_code, r.text)';

describe('chunkscope run', () => {
  const clients: [string, (url: string) => string[]][] = [
    ['curl', (url) => ['curl', '-sS', url]],
    ['wget', (url) => ['wget', '-q', '-O', '-', url]],
    ['Python urllib', (url) => ['python3', '-c', PY_URLLIB, url]],
    ['Python requests', (url) => ['python3', '-c', PY_REQUESTS, url]],
    ['Node http.get / https.get', (url) => node(NODE_GET(url.startsWith('https') ? 'https' : 'http'), url)],
    ['Node fetch', (url) => node(NODE_FETCH, url)],
  ];
  for (const [name, make] of clients) {
    for (const scheme of ['http', 'https'] as const) {
      it(`${name} over ${scheme}: captured${scheme === 'https' ? ', decrypted' : ''} and tagged with the command`, async () => {
        const command = make(`${scheme === 'https' ? secure.url : plain.url}/hello`);
        const ran = await run(command);
        expect(ran.stderr).not.toMatch(/certificate|SSL|CERT_/i);
        expect(ran.status, ran.stderr).toBe(0);
        expect(ran.stdout).toContain(HELLO);
        expectTaggedExchange(ran, command, '/hello', scheme === 'https');
      });
    }
  }

  it('git ls-remote over https (smart HTTP): the refs come through, decrypted and tagged', async () => {
    const command = ['git', 'ls-remote', `${secure.url}/git/${repo.name}`];
    const ran = await run(command);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`${repo.head}\trefs/heads/main`);
    expectTaggedExchange(ran, command, `/git/${repo.name}/info/refs?service=git-upload-pack`, true);
  });

  it("exits with the command's status, 128+N for a signal, 127 when the program is not there", async () => {
    expect((await run(['sh', '-c', 'exit 7'])).status).toBe(7);
    expect((await run(['sh', '-c', 'kill -TERM $$'])).status).toBe(128 + 15);
    const missing = await run(['chunkscope-no-such-program']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('chunkscope run: cannot run chunkscope-no-such-program: no such program (is it on PATH?)');
  });

  it('says which proxy the command goes through, and prints each exchange on stderr, leaving stdout to the command', async () => {
    const command = ['curl', '-sS', `${plain.url}/hello`];
    const ran = await run(command);
    expect(ran.stdout).toBe(`${HELLO}`);
    expect(ran.stderr).toMatch(/^chunkscope run: a proxy of its own listens on http:\/\/127\.0\.0\.1:\d+; capturing to .*run\.cscap$/m);
    expect(ran.stderr).toMatch(/^c1 #1 GET http:\/\/127\.0\.0\.1:\d+\/hello → 200 OK · chunked/m);
  });
});
