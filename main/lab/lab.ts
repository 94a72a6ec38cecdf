// `chunkscope lab`: a local origin that misbehaves on purpose (scenarios.ts). Raw
// sockets, so it can send exactly the bytes it means, end with a FIN or an RST, and
// stall; requests are read with Chunkscope's own parser, pipelined ones in order.

import type tls from 'node:tls';
import { Http1Parser } from '../http1';
import { listenTracked } from './listen';
import type { ConnectionLog, LabRecorder } from './record';
import { findScenario, scenarioList, type LabConnection, type LabRequest, type Out } from './scenarios';
import { plainSocket, tlsSocket, type LabSocket } from './transport';
import { withLength } from './wire';

export interface LabOptions {
  host?: string;
  port?: number;
  /** POST /reset-after resets after this many chunked requests unless ?n= says otherwise. */
  resetAfter?: number;
  /** Serve https with this certificate (`chunkscope probe --https`). */
  tls?: tls.SecureContext;
  /** Record each connection: bytes sent, the lab's end, the client's (`chunkscope probe`). */
  recorder?: LabRecorder;
}

export interface Lab {
  port: number;
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_RESET_AFTER = 4000;

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const context = options.tls;
  const listening = await listenTracked((tcp) => {
    tcp.setNoDelay(true);
    const log = options.recorder?.open(tcp.remotePort ?? 0) ?? null;
    serve(context ? tlsSocket(tcp, context) : plainSocket(tcp), { chunkedRequests: 0, keepaliveRequests: 0, resetAfter: options.resetAfter ?? DEFAULT_RESET_AFTER }, log);
  }, options);
  return context ? { ...listening, url: listening.url.replace(/^http:/, 'https:') } : listening;
}

/** How the client ended its side, from the TCP socket's error. */
function clientEndOf(error: NodeJS.ErrnoException): 'rst' | 'error' {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'rst' : 'error';
}

function serve(io: LabSocket, connection: LabConnection, log: ConnectionLog | null): void {
  const socket = io.stream;
  const parser = new Http1Parser('request');
  const queue: LabRequest[] = [];
  let current: Partial<LabRequest> & { headers: [string, string][] } = { headers: [] };
  let ended = false; // the lab ended this connection (FIN or RST): answer nothing more
  let busy = false;
  let gone = false;
  const wakeups = new Set<() => void>();

  const out: Out = {
    write: (bytes) =>
      new Promise<void>((resolve) => {
        if (gone || ended || socket.destroyed) return resolve();
        log?.writing(bytes.length);
        socket.write(bytes, (error) => {
          if (error) log?.dropped(bytes.length);
          else log?.sent(bytes.length);
          resolve();
        });
      }),
    wait: (ms) =>
      new Promise<boolean>((resolve) => {
        if (gone) return resolve(false);
        const wake = () => {
          clearTimeout(timer);
          wakeups.delete(wake);
          resolve(false);
        };
        const timer = setTimeout(() => {
          wakeups.delete(wake);
          resolve(!gone);
        }, ms);
        wakeups.add(wake);
      }),
    fin: () => {
      if (ended) return;
      ended = true;
      log?.labEnded('fin');
      io.fin();
    },
    rst: () => {
      if (ended) return;
      ended = true;
      log?.labEnded('rst');
      io.rst();
    },
  };

  const next = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !ended && !gone) {
      const request = queue.shift()!;
      const scenario = findScenario(request.method, request.path);
      if (scenario) await scenario.run(request, out, connection);
      else if (request.path === '/' && request.method === 'GET') await out.write(withLength('200 OK', `Chunkscope lab: a local origin that misbehaves on purpose.\n\n${scenarioList()}\n`));
      else await out.write(withLength('404 Not Found', `no lab scenario for ${request.method} ${request.path}\n\n${scenarioList()}\n`));
      // Connection: close (or HTTP/1.0): this was the last answer.
      if (!request.persistent) out.fin();
    }
    busy = false;
  };

  const absorb = (events: ReturnType<Http1Parser['feed']>) => {
    for (const e of events) {
      switch (e.type) {
        case 'start-line':
          if (e.request) {
            const url = new URL(e.request.target, 'http://lab.invalid');
            current = { method: e.request.method, target: e.request.target, path: url.pathname, query: url.searchParams, headers: [], chunked: false, bodyLength: 0, persistent: true };
          }
          break;
        case 'header':
          current.headers.push([e.name, e.value]);
          break;
        case 'framing':
          current.chunked = e.framing === 'chunked';
          current.persistent = e.persistent;
          break;
        case 'chunk-data':
        case 'body-data':
          current.bodyLength = (current.bodyLength ?? 0) + e.length;
          break;
        case 'message-complete':
          if (current.method) {
            log?.request();
            queue.push(current as LabRequest);
          }
          current = { headers: [] };
          void next();
          break;
        case 'anomaly':
          // A request the lab cannot read: say so and close.
          if (e.cls === 'F') {
            void out.write(withLength('400 Bad Request', `the lab could not read this request: ${e.text}\n`, undefined, [['Connection', 'close']])).then(() => out.fin());
          }
          break;
      }
    }
  };

  socket.on('data', (bytes: Buffer) => absorb(parser.feed(bytes)));
  socket.on('end', () => {
    absorb(parser.end('fin'));
    // The client is done sending: answer what is queued, then close our side.
    const close = () => (busy || queue.length > 0 ? setTimeout(close, 10) : !ended && out.fin());
    close();
  });
  socket.on('error', () => socket.destroy());
  const closed = () => {
    gone = true;
    log?.closed();
    for (const wake of [...wakeups]) wake();
  };
  socket.on('close', closed);
  if (io.tcp !== socket) {
    io.tcp.on('error', () => io.tcp.destroy());
    io.tcp.on('close', closed);
  }
  if (log) {
    io.tcp.on('end', () => log.clientEnded('fin'));
    io.tcp.on('error', (error: NodeJS.ErrnoException) => log.clientEnded(clientEndOf(error), error.code ?? error.message));
    void io.handshakeFailure.then((reason) => (log.tlsFailure = reason));
  }
}
