// A keep-alive client that sends the same chunked POST again as soon as each answer
// completes: the IIS 6 reset-after-N scenario, from the client's side.

import net from 'node:net';
import { Http1Parser } from '../../http1';

export function chunkedPosts(port: number, path: string, count: number): Promise<{ answered: number; end: 'fin' | 'rst' | 'done' | 'timeout' }> {
  const post = Buffer.from(`POST ${path} HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n7\r\na=1&b=2\r\n3\r\nc=3\r\n0\r\n\r\n`, 'latin1');
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    socket.setNoDelay(true);
    const parser = new Http1Parser('response');
    let answered = 0;
    const finish = (end: 'fin' | 'rst' | 'done' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answered, end });
    };
    const timer = setTimeout(() => finish('timeout'), 60_000);
    socket.on('connect', () => socket.write(post));
    socket.on('data', (bytes) => {
      for (const e of parser.feed(bytes)) {
        if (e.type !== 'message-complete') continue;
        if (++answered === count) return finish('done');
        socket.write(post);
      }
    });
    socket.on('end', () => finish('fin'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'rst' : 'timeout'));
  });
}
