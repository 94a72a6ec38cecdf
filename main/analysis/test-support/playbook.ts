// A connection's analysis fed as a script of records, in the order the proxy records
// them (the client's bytes, the server's, each close with who made it), so the account
// can be tested as a playbook: records in, words out.

import type { CloseKind, CloseSide } from '../../capture/format';
import type { AnalyzerOptions } from '../analyzer-options';
import { ConnectionAnalyzer } from '../connection';

export function text(value: string): Uint8Array {
  return Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff);
}

export class Playbook {
  readonly a: ConnectionAnalyzer;

  constructor(options: AnalyzerOptions & { openedAt?: number; imported?: boolean } = {}) {
    this.a = new ConnectionAnalyzer(1, '127.0.0.1:50000', 'forward', options.openedAt ?? 0, { stallSeconds: 2, ...options });
    this.a.event({ type: 'upstream', connection: 1, time: this.a.openedAt, upstream: '127.0.0.1:9000', target: '127.0.0.1:9000' });
  }

  /** The client sends bytes at `t` seconds. */
  client(t: number, bytes: string | Uint8Array): this {
    this.a.data(0, typeof bytes === 'string' ? text(bytes) : bytes, t);
    return this;
  }

  /** The server sends bytes at `t` seconds (the client receives them). */
  server(t: number, bytes: string | Uint8Array): this {
    this.a.data(1, typeof bytes === 'string' ? text(bytes) : bytes, t);
    return this;
  }

  close(t: number, side: CloseSide, kind: CloseKind, by: 'peer' | 'proxy'): this {
    this.a.event({ type: 'close', connection: 1, time: t, side, kind, by, detail: null });
    return this;
  }

  /** A peer ends its side and Chunkscope passes it on, as the relay records it. */
  clientEnds(t: number, kind: 'fin' | 'rst' = 'fin'): this {
    return this.close(t, 'client', kind, 'peer').close(t, 'upstream', kind, 'proxy');
  }

  serverEnds(t: number, kind: 'fin' | 'rst' = 'fin'): this {
    return this.close(t, 'upstream', kind, 'peer').close(t, 'client', kind, 'proxy');
  }
}

export const GET = 'GET /feed HTTP/1.1\r\nHost: feeds.example.test\r\n\r\n';
export const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
export const chunk = (data: string) => `${data.length.toString(16).toUpperCase()}\r\n${data}\r\n`;
export const LAST = '0\r\n\r\n';
