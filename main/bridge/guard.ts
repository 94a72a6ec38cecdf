// Nothing a peer sends may take the bridge down (DESIGN.md principle 9): any web page the
// user has open can send it requests. Every handler runs inside a guard, as HTTP
// Toolkit's server wraps its handlers: an exception becomes an answer (or, once an answer
// has started, the end of that one connection), never the end of the process. The
// request target is read without anything that can throw.

import type http from 'node:http';
import type { Duplex } from 'node:stream';

/** The path (exactly as sent, never decoded) and the query of a request target. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

/**
 * "/a/b?x=1" and "http://host:1/a/b?x=1" (absolute-form, as a proxy may send it).
 * URLSearchParams leaves malformed percent-encoding as it is rather than throwing.
 */
export function requestTarget(url: string | undefined): RequestTarget {
  let target = url ?? '/';
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (absolute) target = target.slice(absolute[0].length);
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const question = target.indexOf('?');
  const path = question >= 0 ? target.slice(0, question) : target;
  return { path: path === '' ? '/' : path, query: new URLSearchParams(question >= 0 ? target.slice(question + 1) : '') };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Answer with `status` and a line of text, unless an answer has already begun. */
export function fail(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).end(`${text}\n`);
}

type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A request handler that cannot throw out of its request: a failure is a 500 for that request. */
export function guard(handler: RequestHandler): RequestHandler {
  return (req, res) => {
    // A peer that goes away mid-request must not become an unhandled 'error'.
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    const failed = (error: unknown) => fail(res, 500, `Chunkscope could not answer this request: ${describe(error)}`);
    try {
      const done = handler(req, res);
      if (done instanceof Promise) done.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}

/** An upgrade handler that cannot throw: a failure is a 400 and the end of that connection. */
export function guardUpgrade(handler: UpgradeHandler): UpgradeHandler {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      handler(req, socket, head);
    } catch {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    }
  };
}
