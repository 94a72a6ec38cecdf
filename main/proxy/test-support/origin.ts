// Local origins that misbehave on purpose, scripted per connection:
//   origin([ request(), write(response({ chunks: [1500, 1405], terminator: false })), fin() ])

import net from 'node:net';
import tls from 'node:tls';

export type Step =
  | { kind: 'request' } // wait until a whole request head (and a chunked or CL body) arrived
  | { kind: 'write'; bytes: Uint8Array }
  | { kind: 'wait'; ms: number }
  | { kind: 'fin' } // on TLS: close_notify, then the FIN
  | { kind: 'truncate' } // TLS only: a FIN without close_notify
  | { kind: 'rst' }
  | { kind: 'read-until-fin' } // wait for the client's FIN
  | { kind: 'hold' }; // keep the connection open until the test closes the origin

export const request = (): Step => ({ kind: 'request' });
export const write = (bytes: Uint8Array | string): Step => ({ kind: 'write', bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes });
export const wait = (ms: number): Step => ({ kind: 'wait', ms });
export const fin = (): Step => ({ kind: 'fin' });
export const rst = (): Step => ({ kind: 'rst' });
export const truncate = (): Step => ({ kind: 'truncate' });
export const readUntilFin = (): Step => ({ kind: 'read-until-fin' });
export const hold = (): Step => ({ kind: 'hold' });

export interface OriginConnection {
  /** Every byte the origin received, and how the client's side ended. */
  received: Buffer;
  end: 'fin' | 'rst' | 'error' | 'open';
}

export interface Origin {
  port: number;
  url: string;
  connections: OriginConnection[];
  close(): Promise<void>;
}

/** True once `bytes` holds a complete request: head, then a CL or chunked body if any. */
export function requestComplete(bytes: Buffer): number {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return -1;
  const head = bytes.subarray(0, headEnd).toString('latin1');
  const bodyStart = headEnd + 4;
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) return bytes.length >= bodyStart + Number(cl[1]) ? bodyStart + Number(cl[1]) : -1;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const end = bytes.indexOf('\r\n0\r\n\r\n', bodyStart - 2);
    return end < 0 ? -1 : end + 7;
  }
  return bodyStart;
}

export interface OriginOptions {
  /** Serve TLS with this context (the raw socket stays at hand for truncations and resets). */
  tls?: tls.SecureContext;
}

export function origin(steps: Step[] | ((index: number) => Step[]), options: OriginOptions = {}): Promise<Origin> {
  const connections: OriginConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    const socket: net.Socket = options.tls ? new tls.TLSSocket(raw, { isServer: true, secureContext: options.tls, ALPNProtocols: ['http/1.1'] }) : raw;
    socket.setNoDelay(true);
    const record: OriginConnection = { received: Buffer.alloc(0), end: 'open' };
    connections.push(record);
    let consumed = 0;
    let waiter: (() => void) | null = null;
    let finReceived = false;
    socket.on('data', (d) => {
      record.received = Buffer.concat([record.received, d]);
      waiter?.();
    });
    socket.on('end', () => {
      record.end = 'fin';
      finReceived = true;
      waiter?.();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      record.end = e.code === 'ECONNRESET' ? 'rst' : 'error';
      waiter?.();
    });
    const until = (ready: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (ready() || socket.destroyed || record.end === 'rst') {
            waiter = null;
            resolve();
          }
        };
        waiter = check;
        check();
      });
    const script = typeof steps === 'function' ? steps(connections.length - 1) : steps;
    void (async () => {
      for (const step of script) {
        if (socket.destroyed) return;
        switch (step.kind) {
          case 'request':
            await until(() => requestComplete(record.received.subarray(consumed)) >= 0);
            if (requestComplete(record.received.subarray(consumed)) >= 0) consumed += requestComplete(record.received.subarray(consumed));
            break;
          case 'write':
            await new Promise<void>((resolve) => socket.write(step.bytes, () => resolve()));
            break;
          case 'wait':
            await new Promise((resolve) => setTimeout(resolve, step.ms));
            break;
          case 'fin':
            socket.end();
            break;
          case 'rst':
            raw.resetAndDestroy();
            break;
          case 'truncate':
            raw.end();
            break;
          case 'read-until-fin':
            await until(() => finReceived);
            break;
          case 'hold':
            return;
        }
      }
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        connections,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
