// An origin for the composer's tests that records every byte it receives and how the
// client ended the connection (FIN, RST), and answers once `answerWhen` says the request
// is in (by default: once the client ended its side), then closes. Node reports an RST
// that follows data as the end of the stream; writing the answer then fails with
// ECONNRESET: that is how an RST is told from a FIN here (tcpdump shows only the RST).

import net from 'node:net';

export const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';

export interface RawConnection {
  received: Buffer;
  end: 'fin' | 'rst' | 'error' | 'open';
  /** Resolves once the socket closed: everything is recorded. */
  closed: Promise<void>;
}

export interface RawOrigin {
  port: number;
  url: string;
  connections: RawConnection[];
  /** The first connection, once it has closed. */
  first(): Promise<RawConnection>;
  close(): Promise<void>;
}

export function rawOrigin(answerWhen: (received: Buffer, clientEnded: boolean) => boolean = (_, ended) => ended): Promise<RawOrigin> {
  const connections: RawConnection[] = [];
  const sockets = new Set<net.Socket>();
  let arrived: (() => void) | null = null;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    let close!: () => void;
    const record: RawConnection = { received: Buffer.alloc(0), end: 'open', closed: new Promise<void>((resolve) => (close = resolve)) };
    connections.push(record);
    arrived?.();
    let answered = false;
    const maybeAnswer = () => {
      if (answered || socket.destroyed || !answerWhen(record.received, record.end !== 'open')) return;
      answered = true;
      socket.end(OK);
    };
    socket.on('data', (bytes) => {
      record.received = Buffer.concat([record.received, bytes]);
      maybeAnswer();
    });
    socket.on('end', () => {
      record.end = 'fin';
      maybeAnswer();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      record.end = error.code === 'ECONNRESET' ? 'rst' : 'error';
    });
    socket.on('close', () => {
      sockets.delete(socket);
      close();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        connections,
        first: async () => {
          if (!connections[0]) await new Promise<void>((resolve) => (arrived = resolve));
          await connections[0]!.closed;
          return connections[0]!;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
