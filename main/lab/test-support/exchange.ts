// A raw client for the lab's tests: requests on one connection, every read with its
// time, how the connection ended, and the response bytes parsed by Chunkscope's parser.

import net from 'node:net';
import tls from 'node:tls';
import type { Http1Event } from '../../../shared/http1';
import { Http1Parser } from '../../http1';

export interface Read {
  time: number;
  bytes: Buffer;
}

export interface Exchanged {
  reads: Read[];
  bytes: Buffer;
  end: 'fin' | 'rst' | 'timeout';
}

/** Send raw requests on one connection (over TLS with `ca`); collect every read with its time, and how it ended. */
export function exchange(port: number, requests: string[], options: { timeoutMs?: number; ca?: string } = {}): Promise<Exchanged> {
  return new Promise((resolve) => {
    const socket = options.ca
      ? tls.connect({ host: '127.0.0.1', port, ca: options.ca })
      : net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const reads: Read[] = [];
    const start = performance.now();
    const finish = (end: 'fin' | 'rst' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reads, bytes: Buffer.concat(reads.map((r) => r.bytes)), end });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 10_000);
    socket.on(options.ca ? 'secureConnect' : 'connect', () => socket.write(requests.join('')));
    socket.on('data', (bytes: Buffer) => reads.push({ time: performance.now() - start, bytes }));
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'timeout'));
  });
}

/**
 * Send requests one after another on one connection, each once the previous response is
 * complete (as a keep-alive client does); how many were answered, and how it ended.
 */
export function sequential(port: number, requests: string[]): Promise<{ answered: number; end: 'fin' | 'rst' | 'timeout' | 'done' }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const parser = new Http1Parser('response');
    let answered = 0;
    const finish = (end: 'fin' | 'rst' | 'timeout' | 'done') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answered, end });
    };
    const timer = setTimeout(() => finish('timeout'), 20_000);
    socket.on('connect', () => socket.write(requests[0]!));
    socket.on('data', (bytes) => {
      for (const e of parser.feed(bytes)) {
        if (e.type !== 'message-complete') continue;
        answered++;
        if (answered === requests.length) return finish('done');
        socket.write(requests[answered]!);
      }
    });
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'timeout'));
  });
}

export const get = (path: string, close = true): string => `GET ${path} HTTP/1.1\r\nHost: lab\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

/** Parse a response stream: events, then the end. */
export function parse(bytes: Buffer, end: 'fin' | 'rst' | 'timeout'): Http1Event[] {
  const parser = new Http1Parser('response');
  return [...parser.feed(bytes), ...parser.end(end === 'timeout' ? 'open' : end)];
}

export const codes = (events: Http1Event[]): string[] => events.flatMap((e) => (e.type === 'anomaly' ? [e.code] : []));
export const sizes = (events: Http1Event[]): string[] => events.flatMap((e) => (e.type === 'chunk-size' ? [e.sizeToken] : []));
