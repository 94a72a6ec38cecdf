// Local origins for the launched-client tests: one HTTP server, plain or TLS (with a
// certificate from the test's own origin CA), that answers /hello in two chunks and
// serves a git repository over smart HTTP (`git http-backend` behind a CGI shim), so
// that `git ls-remote https://…` has something real to talk to, offline.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '../../capture/reader';
import type { CaptureRecord } from '../../capture/format';
import type { CertificateAuthority } from '../../tls/ca';

export const HELLO = 'hello from the origin';

export interface LocalOrigin {
  url: string;
  close(): Promise<void>;
}

/** A bare repository with one commit on main, for `git ls-remote`. */
export function gitRepository(): { root: string; name: string; head: string } {
  const root = mkdtempSync(join(tmpdir(), 'chunkscope-git-'));
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  git(work, 'commit', '-q', '--allow-empty', '-m', 'first');
  execFileSync('git', ['clone', '-q', '--bare', work, join(root, 'repo.git')]);
  return { root, name: 'repo.git', head: git(work, 'rev-parse', 'HEAD') };
}

export async function localOrigin(options: { leafFrom?: CertificateAuthority; gitRoot?: string } = {}): Promise<LocalOrigin> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/git/') && options.gitRoot) return gitBackend(options.gitRoot, req, res);
    if (req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('hello from ');
      setTimeout(() => res.end('the origin'), 5);
      return;
    }
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>local origin</title><p id="greeting">${HELLO}</p>`);
      return;
    }
    res.writeHead(404).end();
  };
  const leaf = options.leafFrom ? await options.leafFrom.leaf('127.0.0.1') : null;
  const server = leaf ? https.createServer({ key: leaf.key, cert: leaf.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${leaf ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** git http-backend as a CGI program (git help http-backend): the request in its environment and stdin, its answer parsed back. */
function gitBackend(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url!, 'http://origin');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname.slice('/git'.length),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headDone = false;
  cgi.stdout.on('data', (piece: Buffer) => {
    if (headDone) return void res.write(piece);
    head = Buffer.concat([head, piece]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const [name, ...value] = line.split(':');
      if (name!.toLowerCase() === 'status') status = Number.parseInt(value.join(':').trim(), 10);
      else res.setHeader(name!, value.join(':').trim());
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
}

/** What a capture says about each connection: the client tag, whether it was decrypted, what its client sent first. */
export interface CapturedConnection {
  connection: number;
  tag: string | null;
  launched: string | null;
  decrypted: boolean;
  sent: string;
  received: string;
}

export function capturedConnections(file: string): CapturedConnection[] {
  const connections = new Map<number, CapturedConnection>();
  const of = (record: Extract<CaptureRecord, { connection: number }>) => {
    let c = connections.get(record.connection);
    if (!c) connections.set(record.connection, (c = { connection: record.connection, tag: null, launched: null, decrypted: false, sent: '', received: '' }));
    return c;
  };
  for (const record of readRecords([readFileSync(file)])) {
    if (record.type === 'client') Object.assign(of(record), { tag: record.tag, launched: record.launched });
    else if (record.type === 'tls') of(record).decrypted = true;
    else if (record.type === 'data') {
      const c = of(record);
      if (record.stream === 0) c.sent += Buffer.from(record.bytes).toString('latin1');
      if (record.stream === 1) c.received += Buffer.from(record.bytes).toString('latin1');
    }
  }
  return [...connections.values()];
}
