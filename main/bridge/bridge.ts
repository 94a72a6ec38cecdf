// `chunkscope serve`: the renderer over HTTP and the API over a WebSocket, on loopback,
// behind a token printed in the URL. Checks the Host header (DNS rebinding) and the
// Origin of the WebSocket (other pages), and compares tokens in constant time.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { API, type BridgeMessage, type BridgeRequest } from '../../shared/api';
import { createDispatch } from '../api/dispatch';
import type { Engine } from '../engine/engine';
import { FileRoutes } from './file-routes';
import { fail, guard, guardUpgrade, requestTarget, type RequestTarget } from './guard';
import { staticFiles, type StaticFile } from './static-files';

/** A page this far behind on updates is closed; it reloads the whole session when it reconnects. */
const MAX_BUFFERED = 64 * 1024 * 1024;

export interface BridgeOptions {
  host: string;
  port: number;
  /** The built renderer (index.html and its assets). */
  rendererDir: string;
  token?: string;
  /** `serve --allow-commands`: the page may run programs here (the API's methods that `runs`, such as the probe). */
  allowCommands?: boolean;
  /** Bytes of updates a page may fall behind before it is closed (default 64 MiB; tests make it small). */
  maxBuffered?: number;
}

export class Bridge {
  readonly token: string;
  private server: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private files = new Map<string, StaticFile>();
  private readonly dispatch;
  /** Downloads, uploads, exports and uploads opened again, over HTTP. */
  private readonly fileRoutes: FileRoutes;

  constructor(
    private readonly engine: Engine,
    private readonly options: BridgeOptions,
  ) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    // Opening and saving by path is for the desktop app; a browser uploads and downloads.
    // A page cannot name a path on this machine: the methods that take one are the desktop's.
    // Nor run a program, unless the person who started serve said it may (--allow-commands).
    this.dispatch = createDispatch(engine, (method) => API[method].where !== 'desktop' || (options.allowCommands === true && API[method].runs === true));
    this.fileRoutes = new FileRoutes(engine);
  }

  async listen(): Promise<{ url: string; port: number }> {
    this.files = staticFiles(this.options.rendererDir);
    const server = http.createServer(guard((req, res) => this.http(req, res)));
    this.server = server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
    server.on('upgrade', guardUpgrade((req, socket, head) => {
      const target = requestTarget(req.url);
      if (!this.hostAllowed(req) || !this.tokenOk(target) || !this.originAllowed(req) || target.path !== '/api/ws') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
    }));
    await new Promise<void>((done, refused) => {
      server.once('error', refused);
      server.listen({ host: this.options.host, port: this.options.port }, () => {
        server.off('error', refused);
        done();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    return { url: `http://${this.options.host}:${this.port}/?token=${this.token}`, port: this.port };
  }

  private hostAllowed(req: http.IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`].includes(host);
  }

  private originAllowed(req: http.IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${req.headers.host}`;
  }

  private tokenOk(target: RequestTarget): boolean {
    const given = Buffer.from(target.query.get('token') ?? '');
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private connected(ws: WebSocket): void {
    const send = (message: BridgeMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      let text: string;
      try {
        text = JSON.stringify(message);
      } catch (error) {
        // Too big to send (a JavaScript string has a limit): say so instead of failing the process.
        if (message.type !== 'result') return ws.close(1011, 'an update was too large to send; reload the page');
        text = JSON.stringify({ type: 'error', id: message.id, error: `the answer is too large to send: ${error instanceof Error ? error.message : String(error)}` });
      }
      ws.send(text);
    };
    // A whole session (a reset and the batches after it, sent in one turn) is owed to the page
    // however large: it counts apart from the allowance for falling behind.
    let whole = 0;
    let sendingWhole = false;
    const unsubscribe = this.engine.onUpdate((batch) => {
      // A page that stopped reading must not grow our memory: it reloads to catch up.
      if (ws.bufferedAmount > (this.options.maxBuffered ?? MAX_BUFFERED) + whole) return ws.close(1013, 'fell behind; reload the page');
      if (batch.reset) {
        whole = 0;
        if (!sendingWhole) setImmediate(() => (sendingWhole = false));
        sendingWhole = true;
      }
      const before = ws.bufferedAmount;
      send({ type: 'update', batch });
      if (sendingWhole) whole += ws.bufferedAmount - before;
    });
    // A malformed frame is an 'error' on this socket: it closes that page's socket, nothing else.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text messages only');
      let request: BridgeRequest;
      try {
        request = JSON.parse(data.toString('utf8')) as BridgeRequest;
      } catch {
        return ws.close(1007, 'not JSON');
      }
      if (typeof request !== 'object' || request === null || typeof request.id !== 'number' || typeof request.method !== 'string') return ws.close(1007, 'not a request');
      // A handler that throws at once must not escape this event handler either.
      Promise.resolve()
        .then(() => this.dispatch(request.method, request.args))
        .then(
          (result) => send({ type: 'result', id: request.id, result }),
          (error: unknown) => send({ type: 'error', id: request.id, error: error instanceof Error ? error.message : String(error) }),
        );
    });
    ws.on('close', unsubscribe);
  }

  private http(req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void> {
    if (!this.hostAllowed(req)) return fail(res, 421, 'Chunkscope serves loopback host names only');
    const target = requestTarget(req.url);
    if (target.path.startsWith('/api/') && target.path !== '/api/ws') {
      if (!this.tokenOk(target)) {
        res.writeHead(403, { 'Content-Type': 'text/plain' }).end('a valid token is required\n');
        return;
      }
      const routed = this.fileRoutes.route(req, res, target);
      if (routed) return routed;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = this.files.get(target.path);
    if (!file) return fail(res, 404, 'not found');
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Security-Policy': `default-src 'self'; connect-src 'self' ws://${req.headers.host}; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else return pipeline(createReadStream(file.file), res);
  }

  async close(): Promise<void> {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
    this.fileRoutes.close();
  }
}
