// The reference of the HTTPS benchmark: the least a Node TLS-intercepting relay does.
// It answers CONNECT, terminates TLS natively (TLSSocket straight on the TCP socket),
// opens TLS to the origin, and pipe()s both ways: no parsing, no capture, and no way to
// tell a close_notify from a truncation. What any Node TLS relay pays on this machine.
//   bench-tls-relay.mjs CERT KEY CA
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [certFile, keyFile, caFile] = process.argv.slice(2) as [string, string, string];
const context = tls.createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
const ca = readFileSync(caFile);

const server = net.createServer((raw) => {
  raw.setNoDelay(true);
  let head = '';
  const onData = (d: Buffer) => {
    head += d.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    raw.off('data', onData);
    const [host, port] = head.split(' ')[1]!.split(':') as [string, string];
    raw.write('HTTP/1.1 200 Connection established\r\n\r\n');
    const client = new tls.TLSSocket(raw, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
    const upstream = tls.connect({ host, port: Number(port), ca, ALPNProtocols: ['http/1.1'] });
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  };
  raw.on('data', onData);
  raw.on('error', () => raw.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
});
