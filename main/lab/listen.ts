// A test origin's listening socket (the lab, the replay server): loopback unless asked,
// its URL, and a close() that also ends the connections still open.

import net from 'node:net';

export interface Listening {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function listenTracked(handler: (socket: net.Socket) => void, options: { host?: string; port?: number }): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handler(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        port: address.port,
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
